// Errors raised while reading images. Every message names the image, and the layer where one
// is involved, and says what the user can do about it.
import { MoatError } from '../errors.js';

export type ImageErrorCode =
  | 'DIGEST_MISMATCH'
  | 'SIZE_MISMATCH'
  | 'CORRUPT_LAYER'
  | 'PATH_TRAVERSAL'
  | 'LIMIT_EXCEEDED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNSUPPORTED_TRANSPORT'
  | 'NOT_FOUND'
  | 'INVALID_REFERENCE'
  | 'MANIFEST_INVALID'
  | 'CONFIG_INVALID'
  | 'LAYOUT_INVALID'
  | 'ARCHIVE_INVALID'
  | 'PLATFORM_NOT_FOUND'
  | 'INVALID_PLATFORM'
  | 'READ_FAILED';

export class ImageError extends MoatError {
  declare readonly code: ImageErrorCode;

  constructor(code: ImageErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** `layer 2 (sha256:abcd…)`: how messages name a layer. */
export function describeLayer(index: number, digest: string): string {
  return `layer ${index} (${digest})`;
}
