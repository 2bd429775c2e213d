// Parses a version into ComparableVersion's item tree (maven-artifact parseVersion): `.` and
// `-` separate items, a `-` or a digit/letter change opens a sub-list, `X-1` and `X1` form a
// combination item, and each list is normalised by dropping null items (0, "", ga, final).
import {
  isNullItem,
  makeStringItem,
  type Item,
  type ListItem,
  type NumberItem,
} from './items.js';

/** Maven 3.9+ rejects longer strings; the limit also bounds nesting depth. */
export const MAX_MAVEN_VERSION_LENGTH = 256;

const ZERO: NumberItem = { kind: 'number', size: 0, value: 0n };
const UNICODE_DIGIT = /^\p{Nd}$/u;
const isAsciiDigit = (c: string): boolean => c.length === 1 && c >= '0' && c <= '9';

/** Thrown where Java's parseInt would throw; the caller reports it as an invalid version. */
export class UnparsableNumber extends Error {}

// Java's Character.digit(c, 10): ASCII digits, and every other decimal digit by its position
// in its run of ten.
function digitValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 48 && c <= 57) {
    return c - 48;
  }

  if (!UNICODE_DIGIT.test(text[i] ?? '')) {
    throw new UnparsableNumber(text);
  }

  let start = c;
  while (UNICODE_DIGIT.test(String.fromCharCode(start - 1))) start--;
  return (c - start) % 10;
}

function parseNumber(text: string): NumberItem {
  const stripped = text.replace(/^0+/, '') || '0';
  let value = 0n;
  for (let i = 0; i < stripped.length; i++) {
    value = value * 10n + BigInt(digitValue(stripped, i));
  }

  const size = stripped.length <= 9 ? 0 : stripped.length <= 18 ? 1 : 2;
  return { kind: 'number', size, value };
}

function parseItem(isCombination: boolean, isDigit: boolean, text: string): Item {
  if (isCombination) {
    const value = text.replaceAll('-', '');
    const digitAt = firstDigitIndex(value);
    return {
      kind: 'combination',
      text: makeStringItem(value.slice(0, digitAt), true),
      number: parseNumber(value.slice(digitAt)),
    };
  }

  return isDigit ? parseNumber(text) : makeStringItem(text, false);
}

// Java scans UTF-16 units; a surrogate is never a digit.
function firstDigitIndex(value: string): number {
  for (let i = 0; i < value.length; i++) {
    if (UNICODE_DIGIT.test(value[i] ?? '')) {
      return i;
    }
  }

  return 0;
}

/**
 * The normalised item tree of a version.
 * @throws UnparsableNumber where maven-artifact itself would throw NumberFormatException.
 */
export function parseMavenVersion(input: string): ListItem {
  const version = input.toLowerCase();
  const root: ListItem = { kind: 'list', items: [] };
  const stack: ListItem[] = [root];
  let list = root;
  let isDigit = false;
  let isCombination = false;
  let start = 0;
  const open = (): void => {
    const child: ListItem = { kind: 'list', items: [] };
    list.items.push(child);
    list = child;
    stack.push(child);
  };

  for (let i = 0; i < version.length; i++) {
    // Java reads a high surrogate and the unit after it as one code point: never a separator
    // or a digit, so it is a letter here.
    const unit = version.charCodeAt(i);
    const pair = unit >= 0xd800 && unit <= 0xdbff && i + 1 < version.length;
    if (pair) {
      i++;
    }

    const c = pair ? 'letter' : (version[i] ?? '');
    if (c === '.') {
      const text = version.slice(start, i);
      list.items.push(i === start ? ZERO : parseItem(isCombination, isDigit, text));
      isCombination = false;
      start = i + 1;
    } else if (c === '-') {
      if (i === start) {
        list.items.push(ZERO);
      } else {
        if (!isDigit && i !== version.length - 1 && UNICODE_DIGIT.test(version[i + 1] ?? '')) {
          isCombination = true;
          continue;
        }

        list.items.push(parseItem(isCombination, isDigit, version.slice(start, i)));
      }

      start = i + 1;
      if (list.items.length > 0) open();
      isCombination = false;
    } else if (isAsciiDigit(c)) {
      if (!isDigit && i > start) {
        isCombination = true;
        if (list.items.length > 0) open();
      }

      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.items.push(parseItem(isCombination, true, version.slice(start, i)));
        start = i;
        open();
        isCombination = false;
      }

      isDigit = false;
    }
  }

  if (version.length > start) {
    // `.X` is read as `-X` for a trailing qualifier: 1.0.0.X1 < 1.0.0-X2.
    if (!isDigit && list.items.length > 0) open();
    list.items.push(parseItem(isCombination, isDigit, version.slice(start)));
  }

  for (const each of stack.reverse()) {
    normalize(each);
  }

  return root;
}

function normalize(list: ListItem): void {
  const items = list.items;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as Item;
    if (!isNullItem(item)) {
      continue;
    }

    const next = items[i + 1];
    if (next === undefined || next.kind === 'string') {
      items.splice(i, 1);
    } else if (next.kind === 'list') {
      const first = next.items[0];
      if (first?.kind === 'combination' || first?.kind === 'string') {
        items.splice(i, 1);
      }
    }
  }

  const only = items[0];
  if (items.length === 1 && only?.kind === 'list') {
    list.items = only.items;
  }
}
