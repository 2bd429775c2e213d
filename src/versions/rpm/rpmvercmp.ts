// rpm's rpmvercmp() (rpmio/rpmvercmp.c, rpm 4.15+ with caret support): versions are split
// into runs of ASCII digits or letters, anything else separates; digit runs compare as
// numbers and beat letter runs; `~` sorts before everything, even the end of the string;
// `^` sorts after the end but before any other run. Hand-written: the npm ports either lack
// `~`/`^` or are unmaintained.

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isSeparator = (c: string): boolean =>
  c !== '' && !isDigit(c) && !isAlpha(c) && c !== '~' && c !== '^';

const byteOrder = (a: string, b: string): -1 | 0 | 1 => (a < b ? -1 : a > b ? 1 : 0);

/** Compares one version or release field; returns -1, 0 or 1. Never throws. */
export function rpmvercmp(a: string, b: string): -1 | 0 | 1 {
  if (a === b) {
    return 0;
  }

  let i = 0;
  let j = 0;
  const at = (s: string, k: number): string => s[k] ?? '';
  while (i < a.length || j < b.length) {
    while (isSeparator(at(a, i))) i++;
    while (isSeparator(at(b, j))) j++;

    const x = at(a, i);
    const y = at(b, j);
    if (x === '~' || y === '~') {
      if (x !== '~') return 1;
      if (y !== '~') return -1;
      i++;
      j++;
      continue;
    }

    if (x === '^' || y === '^') {
      if (x === '') return -1;
      if (y === '') return 1;
      if (x !== '^') return 1;
      if (y !== '^') return -1;
      i++;
      j++;
      continue;
    }

    if (x === '' || y === '') {
      break;
    }

    const numeric = isDigit(x);
    const inRun = numeric ? isDigit : isAlpha;
    const start = [i, j];
    while (inRun(at(a, i))) i++;
    while (inRun(at(b, j))) j++;
    if (j === start[1]) {
      return numeric ? 1 : -1;
    }

    let one = a.slice(start[0], i);
    let two = b.slice(start[1], j);
    if (numeric) {
      one = one.replace(/^0+/, '');
      two = two.replace(/^0+/, '');
      if (one.length !== two.length) {
        return one.length > two.length ? 1 : -1;
      }
    }

    const rc = byteOrder(one, two);
    if (rc !== 0) {
      return rc;
    }
  }

  if (i >= a.length && j >= b.length) {
    return 0;
  }

  return i >= a.length ? -1 : 1;
}
