// Splits a byte stream into lines without ever holding more than one bounded line: a line
// longer than the limit is dropped (reported as skipped) instead of growing without end.
import type { Readable } from 'node:stream';

export type LineItem = { line: Buffer; number: number } | { tooLong: true; number: number };

/** Yields each non-empty line of `stream`, or a `tooLong` marker for lines over `maxBytes`. */
export async function* splitLines(stream: Readable, maxBytes: number): AsyncIterable<LineItem> {
  let parts: Buffer[] = [];
  let size = 0;
  let dropping = false;
  let number = 0;

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(10); end >= 0; end = chunk.indexOf(10, start)) {
      number += 1;
      const piece = chunk.subarray(start, end);
      start = end + 1;
      if (dropping || size + piece.length > maxBytes) {
        yield { tooLong: true, number };
      } else if (size + piece.length > 0) {
        yield { line: Buffer.concat([...parts, piece]), number };
      }

      parts = [];
      size = 0;
      dropping = false;
    }

    const rest = chunk.subarray(start);
    if (dropping || size + rest.length > maxBytes) {
      dropping = true;
      parts = [];
      size = 0;
    } else if (rest.length > 0) {
      parts.push(Buffer.from(rest));
      size += rest.length;
    }
  }

  if (dropping) {
    yield { tooLong: true, number: number + 1 };
  } else if (size > 0) {
    yield { line: Buffer.concat(parts), number: number + 1 };
  }
}
