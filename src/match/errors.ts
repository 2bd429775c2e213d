// Errors of scan policy inputs: ignore files and VEX documents.
import { MoatError } from '../errors.js';

/** Codes: `BAD_IGNORE_FILE`, `BAD_VEX`, `UNREADABLE_INPUT`. */
export class PolicyInputError extends MoatError {}
