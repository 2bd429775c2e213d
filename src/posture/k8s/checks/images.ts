// Image provenance: pinned by digest, from an allowed registry, not a moving `latest` tag.
import { asString } from '../fields.js';
import { isAllowedRegistry, isDigestPinned, splitImage } from '../../image-ref.js';
import type { Check, ContainerRef, PodContext, Violation } from '../pod.js';

function images(pod: PodContext): { c: ContainerRef; image: string }[] {
  return pod.containers.map((c) => ({ c, image: asString(c.fields.image) ?? '' }));
}

function violation(controlId: string, c: ContainerRef, message: string): Violation {
  return { controlId, path: [...c.path, 'image'], container: c.name, message };
}

export const digestPinned: Check = (pod) =>
  images(pod)
    .filter(({ image }) => !isDigestPinned(image))
    .map(({ c, image }) =>
      violation('MOAT-K8S-040', c, `image ${image || '(none)'} is not pinned by digest`),
    );

export const allowedRegistry: Check = (pod) => {
  const allowed = pod.options.allowedRegistries;
  if (allowed.length === 0) {
    return [];
  }

  return images(pod)
    .filter(({ image }) => !isAllowedRegistry(image, allowed))
    .map(({ c, image }) =>
      violation('MOAT-K8S-041', c, `image ${image || '(none)'} is not from an allowed registry`),
    );
};

export const mutableTag: Check = (pod) =>
  images(pod).flatMap(({ c, image }) => {
    const { tag, digest } = splitImage(image);
    if (digest !== undefined || (tag !== undefined && tag !== 'latest')) {
      return [];
    }

    return [
      violation(
        'MOAT-K8S-042',
        c,
        `image ${image || '(none)'} uses ${tag === undefined ? 'no tag' : 'the latest tag'}`,
      ),
    ];
  });
