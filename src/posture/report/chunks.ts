// Streams a JSON document whose one big array is emitted a batch of elements at a time, byte
// for byte as `JSON.stringify(document, null, 2)` would print it, so a 100 MB report is never
// one string.

// Elements per chunk: big enough that JSON.stringify does the work, small enough to stay flat.
const BATCH = 1000;

/** Wraps `items` so that `key` sits at `depth`, the same indentation as in the document. */
function wrap(key: string, depth: number, items: unknown[]): unknown {
  let value: unknown = { [key]: items };
  for (let level = 1; level < depth; level += 1) {
    value = [value];
  }

  return value;
}

/**
 * Yields `JSON.stringify(skeleton with skeleton[key] = items, null, 2) + '\n'` in chunks: the
 * text before the array, batches of elements, the text after. `key` must be a property at
 * `depth` (1 = top level) whose value in `skeleton` is `[]`, and must not be a key at that
 * depth anywhere else in the document.
 * @throws Error when the array's place cannot be found in the skeleton (a programming error).
 */
export function* jsonChunks<T>(
  skeleton: object,
  key: string,
  depth: number,
  items: readonly T[],
  toJson: (item: T) => unknown = (item) => item,
): Generator<string> {
  const text = `${JSON.stringify(skeleton, null, 2)}\n`;
  const outer = ' '.repeat(2 * depth);
  const marker = `\n${outer}${JSON.stringify(key)}: []`;
  const at = text.indexOf(marker);
  if (at < 0 || text.indexOf(marker, at + 1) >= 0) {
    throw new Error(`cannot place the ${key} array in the report`);
  }

  const close = at + marker.length - 1;
  if (items.length === 0) {
    yield text;
    return;
  }

  // A batch is printed inside the same nesting, then cut out of its wrapper: no re-indenting.
  const probe = JSON.stringify(wrap(key, depth, [null]), null, 2);
  const start = probe.indexOf('null');
  const suffix = probe.length - start - 'null'.length;
  const lead = `\n${outer}  `;
  yield text.slice(0, close);
  for (let from = 0; from < items.length; from += BATCH) {
    const batch = items.slice(from, from + BATCH).map(toJson);
    const printed = JSON.stringify(wrap(key, depth, batch), null, 2);
    // Separate yields: gluing the lead on would make V8 copy the whole batch to flatten it.
    yield from === 0 ? lead : `,${lead}`;
    yield printed.slice(start, printed.length - suffix);
  }

  yield `\n${outer}${text.slice(close)}`;
}
