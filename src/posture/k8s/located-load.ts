// The fast path for plain manifests. js-yaml builds values several times faster than `yaml`'s
// composer on large inputs; its parse events record where each node starts, and a line is
// computed only for the fields that produce findings. Anything unusual (anchors, aliases, tags,
// directives, a BOM, an error, too many documents, a node shape the events do not mirror)
// returns undefined and the caller uses the `yaml` path, which owns error messages and limits.
// Limitation: where js-yaml is looser than `yaml` (a few indentation and implicit-key rules), a
// document `yaml` would report as invalid is judged instead; valid YAML reads the same.
import { loadAll, type State } from 'js-yaml';
import { YAML_CORE_SCHEMA } from './core-schema.js';
import { MAPPING, NodeTable, OTHER, SEQUENCE } from './node-table.js';
import type { FieldPath } from './path.js';

export interface LocatedDocument {
  index: number;
  value: unknown;
  /** The start offset of the deepest part of `path` present in the document. */
  offsetOf(path: FieldPath): number;
}

// Could start a tag or a directive; a false match only costs speed. Anchors (and so aliases)
// are caught as they are read, from js-yaml's anchor map.
const SEPARATOR = /[\s,[\]{}]/;
const LINE_END = /[\n\r\u2028\u2029]/;

const KINDS: Record<string, number> = { mapping: MAPPING, sequence: SEQUENCE };

/** Loads every document, or undefined when the input needs the `yaml` path. */
export function loadLocated(text: string, maxDocuments: number): LocatedDocument[] | undefined {
  if (text.charCodeAt(0) === 0xfeff || mayHaveTagOrDirective(text)) {
    return undefined;
  }

  const table = new NodeTable();
  const stack = [table.add(0)];
  let regular = true;
  const listener = (event: string, state: State): void => {
    if (event === 'open') {
      stack.push(table.add(state.position));
      return;
    }

    const id = stack.pop() as number;
    const result: unknown = state.result;
    const read = state.kind !== null || result !== null || state.position !== table.start[id];
    if (!read && stack.length > 1) {
      return; // an attempt that read nothing, e.g. a mapping looking for a key at `---`
    }

    table.kind[id] = KINDS[state.kind] ?? OTHER;
    table.results[id] = result;
    unwrap(table, id);
    regular &&= mirrors(table, id);
    table.link(stack[stack.length - 1] as number, id);
    if (stack.length === 1) {
      regular &&= hasNoAnchors(state);
    }
  };

  const values: unknown[] = [];
  try {
    loadAll(text, (doc) => values.push(doc), { schema: YAML_CORE_SCHEMA, listener });
  } catch {
    return undefined;
  }

  if (!regular || values.length > maxDocuments || table.children[0] !== values.length) {
    return undefined;
  }

  const located: LocatedDocument[] = [];
  for (let root = table.first[0] as number; root !== -1; root = table.next[root] as number) {
    const index = located.length;
    located.push({ index, value: values[index], offsetOf: (path) => offsetOf(table, root, path) });
  }

  return located;
}

/**
 * True when a `!` follows a separator (or the start) and precedes a non-separator, or a `%`
 * starts a line: what /(?:^|[\s,[\]{}])![^\s,[\]{}]|^%/m matches, found with indexOf, since
 * manifests rarely hold either character and a pattern scan of megabytes is not free.
 */
function mayHaveTagOrDirective(text: string): boolean {
  for (let at = text.indexOf('!'); at !== -1; at = text.indexOf('!', at + 1)) {
    const before = at === 0 || SEPARATOR.test(text.charAt(at - 1));
    if (before && at + 1 < text.length && !SEPARATOR.test(text.charAt(at + 1))) {
      return true;
    }
  }

  for (let at = text.indexOf('%'); at !== -1; at = text.indexOf('%', at + 1)) {
    if (at === 0 || LINE_END.test(text.charAt(at - 1))) {
      return true;
    }
  }

  return false;
}

/**
 * js-yaml reads a node by first trying it as a block mapping key and keeping the result when
 * no `:` follows, so a collection may arrive wrapped in a node of its own: skip the wrapper.
 */
function unwrap(table: NodeTable, id: number): void {
  const only = table.first[id] as number;
  const result = table.results[id];
  if (table.children[id] === 1 && typeof result === 'object' && table.results[only] === result) {
    table.adopt(id, only);
  }
}

/** Aliases need anchors; with none, nothing can expand. Unknown loader state counts as some. */
function hasNoAnchors(state: State): boolean {
  const anchors = (state as State & { anchorMap?: object }).anchorMap;
  return anchors !== undefined && countKeys(anchors) === 0;
}

/** True when the node's children line up with its value, so paths can be followed. */
function mirrors(table: NodeTable, id: number): boolean {
  const kind = table.kind[id];
  const children = table.children[id] as number;
  if (kind === SEQUENCE) {
    return children === (table.results[id] as unknown[]).length;
  }

  if (kind !== MAPPING) {
    return true;
  }

  // A null key is "" for `yaml` and "null" for js-yaml.
  for (let key = table.first[id] as number; key !== -1; ) {
    const value = table.next[key] as number;
    if (table.results[key] === null || value === -1) {
      return false;
    }

    key = table.next[value] as number;
  }

  return children === 2 * countKeys(table.results[id] as object);
}

/** Object.keys(value).length without building the array, for millions of small mappings. */
function countKeys(value: object): number {
  let count = 0;
  for (const _key in value) {
    count += 1;
  }

  return count;
}

function offsetOf(table: NodeTable, root: number, path: FieldPath): number {
  let id = root;
  let offset = table.start[root] as number;
  for (const segment of path) {
    let next = -1;
    if (table.kind[id] === MAPPING && typeof segment === 'string') {
      // Keys and values alternate; mirrors() checked that every key has its value.
      for (let key = table.first[id] as number; key !== -1; ) {
        const value = table.next[key] as number;
        if (String(table.results[key]) === segment) {
          offset = table.start[key] as number;
          next = value;
          break;
        }

        key = value === -1 ? -1 : (table.next[value] as number);
      }
    } else if (table.kind[id] === SEQUENCE && typeof segment === 'number') {
      next = table.first[id] as number;
      for (let i = 0; i < segment && next !== -1; i += 1) {
        next = table.next[next] as number;
      }

      offset = next === -1 ? offset : (table.start[next] as number);
    }

    if (next === -1) {
      break;
    }

    id = next;
  }

  return offset;
}

/** 1-based line of each offset, like `yaml`'s LineCounter; built on first use. */
export function lineIndex(text: string): (offset: number) => number {
  let starts: number[] | undefined;
  return (offset) => {
    if (starts === undefined) {
      starts = [0];
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
        starts.push(i + 1);
      }
    }

    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= offset) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }

    return low + 1;
  };
}
