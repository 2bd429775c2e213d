// The one error every version scheme throws for input it cannot order.
import { MoatError } from '../errors.js';

/** A version string that the named scheme rejects; the message says why. */
export class VersionError extends MoatError {
  readonly scheme: string;
  readonly version: string;

  constructor(scheme: string, version: string, reason: string, options?: { cause?: unknown }) {
    const message = `invalid ${scheme} version ${JSON.stringify(version)}: ${reason}`;
    super('INVALID_VERSION', message, options);
    this.scheme = scheme;
    this.version = version;
  }
}
