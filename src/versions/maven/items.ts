// The item tree of Maven's ComparableVersion (maven-artifact, "Version Order Specification"
// in the POM reference) and its comparison rules, item kind by item kind. Hand-written: no
// npm library reproduces ComparableVersion exactly (combination items, list normalisation,
// the int/long/BigInteger split).

/** Numbers keep Java's size class: items of different classes never compare by value. */
export interface NumberItem {
  kind: 'number';
  size: 0 | 1 | 2;
  value: bigint;
}

export interface StringItem {
  kind: 'string';
  value: string;
}

/** A qualifier directly followed by a number, e.g. `rc1` or `alpha-2`. */
export interface CombinationItem {
  kind: 'combination';
  text: StringItem;
  number: NumberItem;
}

/** A sub-list, started by `-` or by a digit/letter change. */
export interface ListItem {
  kind: 'list';
  items: Item[];
}

export type Item = NumberItem | StringItem | CombinationItem | ListItem;

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE_QUALIFIERS = ['ga', 'final', 'release'];
const RELEASE_RANK = String(QUALIFIERS.indexOf(''));

/** `a1` means alpha-1, `b1` beta-1, `m1` milestone-1; `cr` is `rc`. */
export function makeStringItem(value: string, followedByDigit: boolean): StringItem {
  const short: Record<string, string> = { a: 'alpha', b: 'beta', m: 'milestone' };
  const expanded = followedByDigit && value.length === 1 ? (short[value] ?? value) : value;
  return { kind: 'string', value: expanded === 'cr' ? 'rc' : expanded };
}

// Known qualifiers by rank, then unknown ones lexically after all of them.
function qualifierRank(qualifier: string): string {
  if (RELEASE_QUALIFIERS.includes(qualifier)) {
    return RELEASE_RANK;
  }

  const i = QUALIFIERS.indexOf(qualifier);
  return i === -1 ? `${QUALIFIERS.length}-${qualifier}` : String(i);
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const compareBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

export const isNullItem = (item: Item): boolean =>
  item.kind === 'number' ? item.value === 0n
  : item.kind === 'string' ? item.value === ''
  : item.kind === 'list' ? item.items.length === 0
  : false;

/** Java's `item.compareTo(other)`, where `undefined` stands for Java's `null` (padding). */
export function compareItem(item: Item, other: Item | undefined): number {
  switch (item.kind) {
    case 'number':
      return compareNumber(item, other);
    case 'string':
      return compareString(item, other);
    case 'combination':
      return compareCombination(item, other);
    default:
      return compareList(item, other);
  }
}

function compareNumber(item: NumberItem, other: Item | undefined): number {
  if (other === undefined) {
    return item.value === 0n ? 0 : 1;
  }

  if (other.kind !== 'number') {
    return 1;
  }

  return item.size === other.size ? compareBig(item.value, other.value) : item.size - other.size;
}

function compareString(item: StringItem, other: Item | undefined): number {
  if (other === undefined) {
    return compareText(qualifierRank(item.value), RELEASE_RANK);
  }

  switch (other.kind) {
    case 'number':
      return -1;
    case 'string':
      return compareText(qualifierRank(item.value), qualifierRank(other.value));
    case 'combination': {
      const result = compareString(item, other.text);
      if (result !== 0) {
        return result;
      }

      return compareString(item, undefined) === 0 ? -compareNumber(other.number, undefined) : -1;
    }
    default:
      return -compareList(other, item);
  }
}

function compareCombination(item: CombinationItem, other: Item | undefined): number {
  if (other === undefined) {
    const result = compareString(item.text, undefined);
    return result === 0 ? compareNumber(item.number, undefined) : result;
  }

  switch (other.kind) {
    case 'number':
      return -1;
    case 'string': {
      const result = compareString(item.text, other);
      if (result !== 0) {
        return result;
      }

      return compareString(item.text, undefined) === 0 ? compareNumber(item.number, undefined) : 1;
    }
    case 'combination': {
      const result = compareString(item.text, other.text);
      return result === 0 ? compareNumber(item.number, other.number) : result;
    }
    default:
      return -compareList(other, item);
  }
}

function compareList(item: ListItem, other: Item | undefined): number {
  const items = item.items;
  if (other === undefined) {
    for (const child of items) {
      const result = compareItem(child, undefined);
      if (result !== 0) {
        return result;
      }
    }

    return 0;
  }

  if (other.kind === 'number') {
    return -1;
  }

  if (other.kind !== 'list') {
    const first = items[0];
    let result = first === undefined ? -compareItem(other, undefined) : compareItem(first, other);
    for (let i = 1; result === 0 && i < items.length; i++) {
      result = compareItem(items[i] as Item, undefined);
    }

    return result;
  }

  for (let i = 0; i < Math.max(items.length, other.items.length); i++) {
    const left = items[i];
    const right = other.items[i];
    const result = left === undefined
      ? (right === undefined ? 0 : -compareItem(right, undefined))
      : compareItem(left, right);
    if (result !== 0) {
      return result;
    }
  }

  return 0;
}
