// Manifest reads, pushes and deletes (distribution-spec "Pulling manifests", "Pushing
// Manifests", "Deleting tags" and "Deleting Manifests"), with project policies applied: a
// pull (GET or HEAD, by tag or digest) is checked against required signatures and the severity
// ceiling, a push or delete against immutable tags.
import { digestOf } from '../../image/digest.js';
import { RegistryError } from '../../registry/errors.js';
import { MAX_MANIFEST_BYTES } from '../../registry/manifest-check.js';
import { parseManifestReference } from '../../registry/names.js';
import { readBody } from '../http.js';
import { callerOf } from '../policy/request-caller.js';
import { locationOf, type Handler } from './context.js';

type ManifestEndpoint = { area: 'manifests'; name: string; reference: string };

export const handleManifest: Handler<ManifestEndpoint> = async (ctx, endpoint, request, reply) => {
  const { name, reference } = endpoint;
  const enforcer = ctx.enforcer;
  if (request.method === 'GET' || request.method === 'HEAD') {
    // Limitation: Accept is not negotiated; the manifest is served as pushed (as distribution
    // does for OCI and schema 2 content; Moat converts nothing to Docker schema 1).
    const record = ctx.registry.getManifest(name, reference);
    await enforcer?.checkPull(callerOf(request), name, record);
    reply
      .type(record.mediaType)
      .header('Docker-Content-Digest', record.digest)
      .header('Content-Length', String(record.size));
    return reply.send(request.method === 'HEAD' ? undefined : record.content);
  }

  if (request.method === 'PUT') {
    const content = await readBody(request, MAX_MANIFEST_BYTES);
    if (enforcer !== undefined) {
      // Checked and written with no await in between, so the tag cannot move meanwhile.
      const ref = parseManifestReference(reference);
      const algorithm = ref.kind === 'digest' && ref.digest.startsWith('sha512:')
        ? 'sha512' : 'sha256';
      enforcer.checkTagWrite(callerOf(request), name, reference, digestOf(content, algorithm));
    }

    const stored = ctx.registry.putManifest(name, reference, content,
      request.headers['content-type']);
    if (enforcer !== undefined) {
      enforcer.afterPush(name, ctx.registry.getManifest(name, stored.digest));
    }

    if (stored.subject !== undefined) {
      reply.header('OCI-Subject', stored.subject);
    }

    return reply
      .code(201)
      .header('Location', locationOf(name, 'manifests', stored.digest))
      .header('Docker-Content-Digest', stored.digest)
      .header('Content-Length', '0')
      .send();
  }

  if (request.method === 'DELETE') {
    enforcer?.checkTagWrite(callerOf(request), name, reference);
    ctx.registry.deleteManifest(name, reference);
    return reply.code(202).header('Content-Length', '0').send();
  }

  throw new RegistryError('UNSUPPORTED', 405, `${request.method} is not allowed on a manifest`);
};
