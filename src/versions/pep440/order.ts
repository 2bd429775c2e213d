// PEP 440 ordering of parsed versions: the sort key of pypa/packaging's `_cmpkey`, built once
// per version and compared as Python compares tuples. The same key and comparison as
// @renovatebot/pep440's `compare` (lib/operator.js), which rebuilds both keys on every call.
import type { ParsedPep440 } from './format.js';

/** A key part: a number (±Infinity stand for "before"/"after" everything), text or a tuple. */
export type KeyPart = number | string | readonly KeyPart[];

/** The sort key of a parsed version: epoch, release, pre, post, dev, local. */
export type Pep440Key = readonly KeyPart[];

/** The key packaging sorts a version by, e.g. `1.0.dev0` before `1.0a0` before `1.0`. */
export function pep440Key(parsed: ParsedPep440): Pep440Key {
  const release = parsed.release.slice();
  // Trailing zeros do not count: 1.0 == 1.0.0.
  while (release.length > 0 && release[release.length - 1] === 0) {
    release.pop();
  }

  const { pre, post, dev, local } = parsed;
  // A dev release with no pre or post part sorts before the version's pre-releases.
  const preKey: KeyPart = pre ?? (post === null && dev !== null ? -Infinity : Infinity);
  // Numeric local parts sort after alphanumeric ones, each among themselves.
  const localKey: KeyPart = local === null ? -Infinity
    : local.map((part) => (Number.isNaN(Number(part))
      ? [-Infinity, part] : [Number(part), '']));
  return [parsed.epoch, release, preKey, post ?? -Infinity, dev ?? Infinity, localKey];
}

/** Python's ordering of two key parts, a lone value compared as a one-element tuple. */
export function compareKeys(x: KeyPart, y: KeyPart): number {
  if (x === y) {
    return 0;
  }

  if (Array.isArray(x) || Array.isArray(y)) {
    const a: readonly KeyPart[] = Array.isArray(x) ? x : [x];
    const b: readonly KeyPart[] = Array.isArray(y) ? y : [y];
    const shorter = Math.min(a.length, b.length);
    for (let i = 0; i < shorter; i += 1) {
      const diff = compareKeys(a[i] as KeyPart, b[i] as KeyPart);
      if (diff !== 0) {
        return diff;
      }
    }

    return a.length - b.length;
  }

  if (x === -Infinity || y === Infinity) {
    return -1;
  }

  if (x === Infinity || y === -Infinity) {
    return 1;
  }

  return x < y ? -1 : 1;
}
