// Account changes made from the CLI: new users (hashed password, or a generated one shown
// once), robots (token shown once, stored hashed), and the rules their inputs must meet.
import { AccessError } from './errors.js';
import { checkName } from './names.js';
import { generatePassword, hashPassword, MAX_PASSWORD, MIN_PASSWORD } from './password.js';
import type { Role } from './roles.js';
import { generateRobotToken, hashToken } from './secret-token.js';
import type { Directory } from './store/directory.js';

/**
 * Returns `password` when its length is acceptable (NIST SP 800-63B: at least 8).
 * @throws AccessError `WEAK_PASSWORD`.
 */
export function checkPassword(password: string): string {
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
    throw new AccessError('WEAK_PASSWORD', `a password needs ${MIN_PASSWORD} to ${MAX_PASSWORD} `
      + 'characters');
  }

  return password;
}

/**
 * Adds a user; returns the generated password when none was given.
 * @throws AccessError `INVALID_NAME`, `WEAK_PASSWORD`, `USER_EXISTS`.
 */
export async function addUser(directory: Directory, name: string, password: string | undefined,
  now: Date): Promise<{ generatedPassword?: string }> {
  checkName('user', name);
  const chosen = password === undefined ? generatePassword() : checkPassword(password);
  directory.addUser(name, await hashPassword(chosen), false, now);
  return password === undefined ? { generatedPassword: chosen } : {};
}

/**
 * Parses `--expires`: an ISO date or date-time in the future.
 * @throws AccessError `INVALID_EXPIRY`.
 */
export function parseExpiry(text: string, now: Date): string {
  const when = /^\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(text)
    ? new Date(text.length === 10 ? `${text}T00:00:00Z` : text) : undefined;
  if (when === undefined || Number.isNaN(when.getTime())) {
    throw new AccessError('INVALID_EXPIRY', `"${text}" is not a date: use e.g. 2027-06-30 or `
      + '2027-06-30T18:00:00Z');
  }

  if (when.getTime() <= now.getTime()) {
    throw new AccessError('INVALID_EXPIRY', `${text} is in the past: robots need a future expiry`);
  }

  return when.toISOString();
}

export interface RobotRequest {
  name: string;
  project: string;
  role: Role;
  expiresAt: string;
}

/**
 * Adds a robot and returns its token, which is stored only as a hash.
 * @throws AccessError `INVALID_NAME`, `PROJECT_UNKNOWN`, `ROBOT_EXISTS`.
 */
export function addRobot(directory: Directory, robot: RobotRequest, now: Date): string {
  checkName('robot', robot.name);
  const token = generateRobotToken();
  directory.addRobot(robot, hashToken(token), now);
  return token;
}
