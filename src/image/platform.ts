// Platforms (image-spec image-index.md "platform"): parsing `os/arch[/variant]`, the host's
// own platform, and choosing one manifest from an index the way container runtimes do.
import { arch as hostArch, endianness } from 'node:os';
import { ImageError } from './errors.js';
import type { Descriptor, Platform } from './types.js';

/**
 * Parses `linux/amd64`, `linux/arm64/v8`, `linux/arm/v7`.
 * @throws ImageError INVALID_PLATFORM when the text is not os/arch[/variant].
 */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().toLowerCase().split('/');
  const wellFormed = parts.every((p) => /^[a-z0-9_.-]+$/.test(p));
  const valid = parts.length >= 2 && parts.length <= 3 && wellFormed;
  if (!valid) {
    throw new ImageError(
      'INVALID_PLATFORM',
      `platform "${text.slice(0, 100)}" is not os/arch[/variant]; use e.g. linux/amd64 or ` +
        'linux/arm64/v8',
    );
  }

  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return normalisePlatform({ os, architecture, ...(variant === undefined ? {} : { variant }) });
}

/** `linux/arm/v7`: the text form of a platform. */
export function formatPlatform(platform: Platform): string {
  const base = `${platform.os}/${platform.architecture}`;
  return platform.variant === undefined ? base : `${base}/${platform.variant}`;
}

const NODE_TO_OCI_ARCH: Record<string, string> = {
  x64: 'amd64',
  ia32: '386',
  arm: 'arm',
  arm64: 'arm64',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  mips64el: 'mips64le',
};

/** Linux on the architecture this process runs on. */
export function hostPlatform(): Platform {
  const nodeArch = hostArch();
  if (nodeArch === 'ppc64') {
    return { os: 'linux', architecture: endianness() === 'LE' ? 'ppc64le' : 'ppc64' };
  }

  return normalisePlatform({ os: 'linux', architecture: NODE_TO_OCI_ARCH[nodeArch] ?? nodeArch });
}

// Aliases and default variants as containerd's platforms package applies them.
function normalisePlatform(platform: Platform): Platform {
  const aliases: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64', armhf: 'arm' };
  const architecture = aliases[platform.architecture] ?? platform.architecture;
  let variant = platform.variant;
  if (architecture === 'arm64' && (variant === undefined || variant === '8')) {
    variant = 'v8';
  } else if (architecture === 'arm' && variant === undefined) {
    variant = 'v7';
  } else if (architecture === 'arm' && /^[5-8]$/.test(variant ?? '')) {
    variant = `v${variant}`;
  }

  return { os: platform.os, architecture, ...(variant === undefined ? {} : { variant }) };
}

function sameBase(a: Platform, b: Platform): boolean {
  return a.os === b.os && a.architecture === b.architecture;
}

/**
 * Picks the manifest for `wanted` (default: the host) from an index (or its manifests): an exact
 * variant match first, then the same os/arch. An index with one platform-less entry yields it.
 * @throws ImageError PLATFORM_NOT_FOUND listing the platforms the index offers.
 */
export function selectPlatform(
  index: readonly Descriptor[] | { manifests: readonly Descriptor[] },
  wanted?: Platform,
): Descriptor {
  const manifests = 'manifests' in index ? index.manifests : index;
  const target = normalisePlatform(wanted ?? hostPlatform());
  const candidates = manifests.filter((m) => m.platform !== undefined && !isAttestation(m));
  const exact = candidates.find((m) => {
    const p = normalisePlatform(m.platform as Platform);
    return sameBase(p, target) && p.variant === target.variant;
  });
  if (exact !== undefined) {
    return exact;
  }

  const loose = candidates.find((m) => {
    const p = normalisePlatform(m.platform as Platform);
    return sameBase(p, target) && (wanted === undefined || runsOn(p.variant, target.variant));
  });
  if (loose !== undefined) {
    return loose;
  }

  const plain = manifests.filter((m) => m.platform === undefined);
  if (candidates.length === 0 && plain.length === 1) {
    return plain[0] as Descriptor;
  }

  const available = candidates.map((m) => formatPlatform(m.platform as Platform));
  throw new ImageError(
    'PLATFORM_NOT_FOUND',
    `the image has no manifest for ${formatPlatform(target)}; available: ` +
      `${available.length > 0 ? available.join(', ') : 'none'}; choose one with --platform`,
  );
}

// An older ARM variant runs on a newer CPU (v6 code on a v7 core), as containerd allows.
function runsOn(variant: string | undefined, cpu: string | undefined): boolean {
  const level = (v: string | undefined) => Number(/^v(\d)$/.exec(v ?? '')?.[1] ?? NaN);
  return level(variant) < level(cpu);
}

// BuildKit stores provenance as `unknown/unknown` manifests tagged as attestations.
function isAttestation(desc: Descriptor): boolean {
  return (
    desc.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
    (desc.platform?.os === 'unknown' && desc.platform.architecture === 'unknown')
  );
}
