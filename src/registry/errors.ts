// Registry errors carry the OCI distribution-spec error code and the HTTP status that the
// server answers with (distribution-spec "Error Codes").
import { MoatError } from '../errors.js';

export type OciErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'TAG_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS'
  | 'RANGE_INVALID';

export class RegistryError extends MoatError {
  declare readonly code: OciErrorCode;
  readonly status: number;

  constructor(code: OciErrorCode, status: number, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.status = status;
  }
}

/** The OCI error body: `{"errors":[{"code","message","detail"}]}`. */
export function errorBody(code: string, message: string, detail?: unknown): unknown {
  return { errors: [{ code, message, detail: detail ?? {} }] };
}
