// Finds the build information the Go linker (1.18+) embeds in every binary while the file
// streams past. Layout (go/src/debug/buildinfo): a 32-byte header at a 16-byte aligned offset
// starting with "\xff Go buildinf:", pointer size, flags; with flag 0x2 the Go version and the
// module information follow inline as uvarint-length-prefixed strings.
// Hand-written because Go's own reader needs random access to the whole executable.
import type { ContentScanner } from '../../../image/types.js';

export type BuildInfoScan =
  | { format: 'inline'; goVersion: string; modinfo: string }
  /** Go before 1.18 stores pointers to the strings, which a stream cannot follow. */
  | { format: 'pointer' }
  | { format: 'truncated' };

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const ALIGN = 16;
const FLAG_INLINE = 0x2;
const MAX_VERSION = 1024;
export const MAX_MODINFO = 4 * 1024 * 1024;
const MAX_CAPTURE = HEADER_SIZE + 10 + MAX_VERSION + 10 + MAX_MODINFO;

type Decoded = BuildInfoScan | 'need-more' | 'reject';

/** A scanner that keeps at most one chunk plus the build information (≤ ~4 MiB). */
export function createBuildInfoScanner(): ContentScanner {
  let offset = 0; // file offset of tail[0]
  let tail = Buffer.alloc(0); // unsearched bytes that may start a magic
  let capture: Buffer | undefined; // bytes from a candidate magic onwards
  let result: BuildInfoScan | undefined;

  const search = (data: Buffer, base: number): void => {
    let from = 0;
    while (result === undefined && capture === undefined) {
      const at = data.indexOf(MAGIC, from);
      if (at < 0) {
        const keep = Math.min(data.length, MAGIC.length - 1);
        tail = Buffer.from(data.subarray(data.length - keep));
        offset = base + data.length - keep;
        return;
      }

      if ((base + at) % ALIGN === 0) {
        capture = Buffer.from(data.subarray(at));
        offset = base + at;
        decideCapture();
        return;
      }

      from = at + 1;
    }
  };

  const decideCapture = (): void => {
    const current = capture;
    if (current === undefined) {
      return;
    }

    const decoded = decodeBuildInfo(current, current.length >= MAX_CAPTURE);
    if (decoded === 'need-more') {
      return;
    }

    capture = undefined;
    if (decoded === 'reject') {
      // Not real build information: look for the next aligned magic after this one.
      search(current.subarray(ALIGN), offset + ALIGN);
      return;
    }

    result = decoded;
  };

  return {
    write(chunk: Buffer): void {
      if (result !== undefined) {
        return;
      }

      if (capture !== undefined) {
        const room = MAX_CAPTURE - capture.length;
        capture = Buffer.concat([capture, chunk.subarray(0, Math.max(0, room))]);
        decideCapture();
        return;
      }

      search(Buffer.concat([tail, chunk]), offset);
    },
    end(): unknown {
      if (result === undefined && capture !== undefined) {
        const decoded = decodeBuildInfo(capture, true);
        result = typeof decoded === 'string' ? { format: 'truncated' } : decoded;
      }

      return result;
    },
  };
}

/**
 * Decodes build information starting at a magic. `final` means no more bytes will come, so
 * a short buffer is truncated rather than incomplete.
 */
export function decodeBuildInfo(data: Buffer, final: boolean): Decoded {
  if (data.length < HEADER_SIZE) {
    return final ? { format: 'truncated' } : 'need-more';
  }

  const pointerSize = data[MAGIC.length];
  const flags = data[MAGIC.length + 1] ?? 0;
  if (pointerSize !== 4 && pointerSize !== 8) {
    return 'reject';
  }

  if ((flags & FLAG_INLINE) === 0) {
    return { format: 'pointer' };
  }

  const version = readString(data, HEADER_SIZE, MAX_VERSION);
  if (version === 'need-more' || version === 'invalid') {
    return version === 'invalid' ? 'reject' : final ? { format: 'truncated' } : 'need-more';
  }

  const goVersion = version.text.toString('utf8');
  if (!/^(go|devel)/.test(goVersion)) {
    return 'reject';
  }

  const modinfo = readString(data, version.end, MAX_MODINFO);
  if (modinfo === 'need-more' || modinfo === 'invalid') {
    return modinfo === 'need-more' && !final ? 'need-more' : { format: 'truncated' };
  }

  return { format: 'inline', goVersion, modinfo: stripSentinels(modinfo.text).toString('utf8') };
}

function readString(
  data: Buffer,
  start: number,
  max: number,
): { text: Buffer; end: number } | 'need-more' | 'invalid' {
  let length = 0;
  let shift = 0;
  let at = start;
  for (;;) {
    const byte = data[at];
    if (byte === undefined) {
      return 'need-more';
    }

    at++;
    length += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) {
      break;
    }

    if (shift > 35) {
      return 'invalid';
    }
  }

  if (length > max) {
    return 'invalid';
  }

  if (at + length > data.length) {
    return 'need-more';
  }

  return { text: data.subarray(at, at + length), end: at + length };
}

// cmd/go wraps modinfo in 16-byte sentinels so the linker can find it; Go's reader drops them
// when the string is long enough and ends with a newline before the trailing sentinel.
function stripSentinels(modinfo: Buffer): Buffer {
  if (modinfo.length >= 33 && modinfo[modinfo.length - 17] === 0x0a) {
    return modinfo.subarray(16, modinfo.length - 16);
  }

  return modinfo;
}
