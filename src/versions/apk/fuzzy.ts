// apk's dependency operators over versions (`<`, `<=`, `=`, `>=`, `>`, `~`, `<~`, `>~`, and
// `!` to negate), as apk-tools evaluates them in its unit tests and in world constraints.
import { VersionError } from '../errors.js';
import { compareApkVersions } from './compare.js';

/**
 * Whether `a OP b` holds, e.g. `matchesApkOperator('3.6.9', '~', '3.6')` is true.
 * @throws VersionError when the operator is not one apk knows.
 */
export function matchesApkOperator(a: string, op: string, b: string): boolean {
  const negate = op.startsWith('!');
  const core = negate ? op.slice(1) : op;
  if (!/^(<|>)?(=|~)?$/.test(core) || core === '') {
    throw new VersionError('apk', op, 'unknown operator; use <, <=, =, >=, >, ~, <~ or >~');
  }

  const order = compareApkVersions(a, b);
  const fuzzyEqual = core.includes('~') && compareApkVersions(a, b, true) === 0;
  const holds =
    (core.startsWith('<') && order < 0) ||
    (core.startsWith('>') && order > 0) ||
    (core.includes('=') && order === 0) ||
    fuzzyEqual;
  return holds !== negate;
}
