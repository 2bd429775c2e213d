// Turns a registry's error reply into a typed error whose message says what to do, quoting
// the distribution API's `errors[].code/message` (distribution-spec "Error Codes").
import { ImageError } from '../errors.js';
import { readHead } from './body.js';
import { RegistryError } from './errors.js';
import type { TransportResponse } from './transport.js';

/** What the failed request was after, for messages. */
export interface RequestContext {
  /** `manifest sha256:… of host/repo`, `blob …`, `token from …`. */
  what: string;
  /** `host/repo:tag`, named in "no such repository or tag". */
  reference: string;
  /** A blob the manifest names but the registry lacks is a broken image, not a typo. */
  kind?: 'manifest' | 'blob';
  /** Says where credentials were looked for or came from (already redacted). */
  credentialsHint: string;
}

export interface OciErrorItem {
  code: string;
  message: string;
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MAX_ERROR_ITEMS = 5;

/** Parses `{"errors":[{"code","message"}]}`; anything else gives an empty list. */
export function parseOciErrors(body: Buffer): OciErrorItem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return [];
  }

  const errors = (parsed as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) {
    return [];
  }

  return errors.slice(0, MAX_ERROR_ITEMS).flatMap((item: unknown) => {
    const { code, message } = (item ?? {}) as { code?: unknown; message?: unknown };
    if (typeof code !== 'string') {
      return [];
    }

    return [{ code: clean(code), message: typeof message === 'string' ? clean(message) : '' }];
  });
}

/** The error for a reply with status ≥ 400 (reads at most 64 KiB of its body). */
export async function errorForReply(
  reply: TransportResponse,
  context: RequestContext,
): Promise<Error> {
  const body = await readHead(reply, MAX_ERROR_BODY_BYTES);
  const challenge = reply.response.headers.get('www-authenticate') ?? '';
  // RFC 6750 §3.1: a valid token that lacks the rights the request needs.
  if (reply.response.status === 401 && /error="?insufficient_scope/.test(challenge)) {
    return new RegistryError(
      'UNAUTHORIZED',
      `${context.what}: the token server granted no pull access to this repository ` +
        `(insufficient_scope); ${context.credentialsHint}`,
      { status: 401 },
    );
  }

  return errorForStatus(reply.response.status, parseOciErrors(body), context);
}

/** The error for a status and the registry's error items; pure, for tests. */
export function errorForStatus(
  status: number,
  items: OciErrorItem[],
  context: RequestContext,
): Error {
  const said = items.length === 0 ? '' : ` (registry says: ${formatItems(items)})`;
  if (status === 401) {
    return new RegistryError(
      'UNAUTHORIZED',
      `${context.what}: authentication failed${said}; ${context.credentialsHint}`,
      { status },
    );
  }

  if (status === 403) {
    return new RegistryError(
      'DENIED',
      `${context.what}: access denied${said}; ask the registry's administrators for pull ` +
        `rights, or ${context.credentialsHint}`,
      { status },
    );
  }

  if (status === 404 && context.kind === 'blob') {
    return new ImageError(
      'NOT_FOUND',
      `${context.what} is missing from the registry${said}; the image is incomplete there: ` +
        'push it again',
    );
  }

  if (status === 404) {
    return new ImageError(
      'NOT_FOUND',
      `no such repository or tag: ${context.reference}${said}; check the name and tag, and ` +
        'that you are logged in to the right registry',
    );
  }

  if (status === 429) {
    return new RegistryError(
      'TOO_MANY_REQUESTS',
      `${context.what}: the registry is rate-limiting requests${said}; wait and try again, or ` +
        'log in for a higher limit',
      { status },
    );
  }

  return new RegistryError(
    'REGISTRY_ERROR',
    `${context.what}: the registry answered HTTP ${status}${said}; try again later or ask ` +
      "the registry's administrators",
    { status },
  );
}

function formatItems(items: OciErrorItem[]): string {
  return items.map((i) => (i.message === '' ? i.code : `${i.code}: ${i.message}`)).join('; ');
}

// Registry text ends up in terminals and logs: no control characters, bounded length.
function clean(text: string): string {
  return [...text.slice(0, 300)].map((c) => (isControl(c) ? ' ' : c)).join('');
}

function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}
