// Errors of the advisory database: imports, updates and bundles.
import { MoatError } from '../errors.js';

/**
 * Codes: `CORRUPT_ARCHIVE`, `UNREADABLE_INPUT`, `TRUNCATED_DOWNLOAD`, `FETCH_FAILED`,
 * `BAD_SIGNATURE`, `MISSING_SIGNATURE`, `NO_PUBLIC_KEY`, `BAD_BUNDLE`, `NO_RECORDS`.
 */
export class AdvisoryError extends MoatError {}
