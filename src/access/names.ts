// Name grammar for users, robots and projects. Projects are the first path component of an OCI
// repository name, so they follow its component grammar (distribution spec, "name" rule).
import { AccessError } from './errors.js';

const NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const MAX_NAME = 64;

export type NameKind = 'user' | 'robot' | 'project';

/**
 * Returns `name` when it is a valid user, robot or project name.
 * @throws AccessError `INVALID_NAME` naming the rule it breaks.
 */
export function checkName(kind: NameKind, name: string): string {
  if (name.length === 0 || name.length > MAX_NAME || !NAME.test(name)) {
    throw new AccessError('INVALID_NAME', `"${name.slice(0, MAX_NAME)}" is not a valid ${kind} `
      + `name: use 1-${MAX_NAME} lower-case letters and digits, separated by single . _ or -`);
  }

  return name;
}

/** The project a repository belongs to: its first path component. */
export function projectOf(repository: string): string {
  const slash = repository.indexOf('/');
  return slash === -1 ? repository : repository.slice(0, slash);
}

/** The subject string recorded for a robot; user names cannot contain `/`. */
export function robotSubject(name: string): string {
  return `robot/${name}`;
}
