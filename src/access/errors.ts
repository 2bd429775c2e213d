// Errors of the access domain: bad names, unknown users or projects, a data dir that cannot be
// opened. Each code is stable so the CLI and tests can switch on it.
import { MoatError } from '../errors.js';

export class AccessError extends MoatError {}
