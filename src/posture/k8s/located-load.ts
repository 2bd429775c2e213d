// The fast path for plain manifests. js-yaml builds values several times faster than `yaml`'s
// composer on large inputs; its parse events record where each node starts, and a line is
// computed only for the fields that produce findings. Anything unusual (anchors, aliases, tags,
// directives, a BOM, an error, too many documents, a node shape the events do not mirror)
// returns undefined and the caller uses the `yaml` path, which owns error messages and limits.
// Limitation: where js-yaml is looser than `yaml` (a few indentation and implicit-key rules), a
// document `yaml` would report as invalid is judged instead; valid YAML reads the same.
import { loadAll, type State } from 'js-yaml';
import { YAML_CORE_SCHEMA } from './core-schema.js';
import type { FieldPath } from './path.js';

/** Where a node starts, and its children: [key, value, …] for mappings, items for sequences. */
class Frame {
  kind: string | null = null;
  result: unknown = undefined;
  /** Left unset for leaves: most nodes are scalars, and millions of empty arrays cost GC time. */
  children: Frame[] | undefined = undefined;

  constructor(public start: number) {}
}

export interface LocatedDocument {
  index: number;
  value: unknown;
  /** The start offset of the deepest part of `path` present in the document. */
  offsetOf(path: FieldPath): number;
}

// Could start a tag or a directive; a false match only costs speed. Anchors (and so aliases)
// are caught as they are read, from js-yaml's anchor map.
const UNUSUAL = /(?:^|[\s,[\]{}])![^\s,[\]{}]|^%/m;

/** Loads every document, or undefined when the input needs the `yaml` path. */
export function loadLocated(text: string, maxDocuments: number): LocatedDocument[] | undefined {
  if (text.charCodeAt(0) === 0xfeff || UNUSUAL.test(text)) {
    return undefined;
  }

  const stack: Frame[] = [new Frame(0)];
  let regular = true;
  const listener = (event: string, state: State): void => {
    if (event === 'open') {
      stack.push(new Frame(state.position));
      return;
    }

    const frame = stack.pop() as Frame;
    frame.kind = state.kind;
    frame.result = state.result;
    const read = frame.kind !== null || frame.result !== null || state.position !== frame.start;
    if (!read && stack.length > 1) {
      return; // an attempt that read nothing, e.g. a mapping looking for a key at `---`
    }

    unwrap(frame);
    regular &&= mirrors(frame);
    const parent = stack[stack.length - 1] as Frame;
    (parent.children ??= []).push(frame);
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

  const roots = stack[0]?.children ?? [];
  if (!regular || values.length > maxDocuments || roots.length !== values.length) {
    return undefined;
  }

  return values.map((value, index) => {
    const root = roots[index] as Frame;
    return { index, value, offsetOf: (path) => offsetOf(root, path) };
  });
}

/**
 * js-yaml reads a node by first trying it as a block mapping key and keeping the result when
 * no `:` follows, so a collection may arrive wrapped in a frame of its own: skip the wrapper.
 */
function unwrap(frame: Frame): void {
  const only = frame.children?.length === 1 ? frame.children[0] : undefined;
  if (only !== undefined && typeof frame.result === 'object' && only.result === frame.result) {
    frame.start = only.start;
    frame.children = only.children;
  }
}

/** Aliases need anchors; with none, nothing can expand. Unknown loader state counts as some. */
function hasNoAnchors(state: State): boolean {
  const anchors = (state as State & { anchorMap?: object }).anchorMap;
  return anchors !== undefined && Object.keys(anchors).length === 0;
}

/** True when the frame's children line up with its value, so paths can be followed. */
function mirrors(frame: Frame): boolean {
  const children = frame.children ?? [];
  if (frame.kind === 'sequence') {
    return children.length === (frame.result as unknown[]).length;
  }

  if (frame.kind !== 'mapping') {
    return true;
  }

  // A null key is "" for `yaml` and "null" for js-yaml.
  for (let i = 0; i < children.length; i += 2) {
    if ((children[i] as Frame).result === null) {
      return false;
    }
  }

  return children.length === 2 * countKeys(frame.result as object);
}

/** Object.keys(value).length without building the array, for millions of small mappings. */
function countKeys(value: object): number {
  let count = 0;
  for (const _key in value) {
    count += 1;
  }

  return count;
}

function offsetOf(root: Frame, path: FieldPath): number {
  let frame = root;
  let offset = root.start;
  for (const segment of path) {
    const children = frame.children ?? [];
    let next: Frame | undefined;
    if (frame.kind === 'mapping' && typeof segment === 'string') {
      for (let i = 0; i < children.length; i += 2) {
        const key = children[i] as Frame;
        if (String(key.result) === segment) {
          offset = key.start;
          next = children[i + 1];
          break;
        }
      }
    } else if (frame.kind === 'sequence' && typeof segment === 'number') {
      next = children[segment];
      offset = next?.start ?? offset;
    }

    if (next === undefined) {
      break;
    }

    frame = next;
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
