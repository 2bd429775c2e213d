// Errors raised while writing or reading inventory documents.
import { MoatError } from '../errors.js';

export type ReportErrorCode =
  | 'INVALID_DOCUMENT'
  | 'UNSUPPORTED_SCHEMA'
  | 'UNKNOWN_FORMAT'
  | 'INVALID_OPTION';

export class ReportError extends MoatError {
  declare readonly code: ReportErrorCode;

  constructor(code: ReportErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
