// Errors of the storage layer.
import { MoatError } from '../errors.js';

/** Codes: `DB_LOCKED`, `DB_MISSING`, `DB_TOO_NEW`, `DB_OUTDATED`, `DB_FAILED`. */
export class StoreError extends MoatError {}
