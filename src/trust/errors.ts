// Errors of the signing and verification domain.
import { MoatError } from '../errors.js';

export type TrustErrorCode =
  | 'KEY_INVALID'
  | 'KEY_PASSWORD'
  | 'KEY_EXISTS'
  | 'PAYLOAD_INVALID'
  | 'SIGNATURE_INVALID'
  | 'ARTIFACT_INVALID'
  | 'TRUST_ROOT_INVALID';

export class TrustError extends MoatError {
  constructor(code: TrustErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
