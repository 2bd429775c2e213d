// Errors of the posture domain: a bad catalog, unreadable manifests, host state that cannot be
// read. Each carries a stable code that tests and callers switch on.
import { MoatError } from '../errors.js';

export class PostureError extends MoatError {}

/** The controls catalog is malformed: the shipped data or an operator's override is wrong. */
export class CatalogError extends PostureError {}

/** An input file cannot be read or parsed (bad YAML, too large, too many documents). */
export class ManifestError extends PostureError {}
