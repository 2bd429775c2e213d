// Users, robots, projects and grants in the access database. Synchronous SQLite calls; the
// callers (CLI commands, the policy) own the clock and the hashing.
import { AccessError } from '../errors.js';
import { robotSubject } from '../names.js';
import { isRole, type Grant, type Principal, type ProjectInfo, type Role } from '../roles.js';
import type { Db } from './database.js';

export interface UserRecord {
  name: string;
  admin: boolean;
  passwordHash: string;
  grants: Grant[];
}

export interface RobotRecord {
  name: string;
  project: string;
  role: Role;
  expiresAt: string;
}

interface RobotRow { name: string; project: string; role: string; expires_at: string }

function toRobot(row: RobotRow): RobotRecord {
  return { name: row.name, project: row.project, role: isRole(row.role) ? row.role : 'reader',
    expiresAt: row.expires_at };
}

function isConstraint(err: unknown, kind: string): boolean {
  return err instanceof Error && 'code' in err && String(err.code).startsWith(kind);
}

export class Directory {
  constructor(private readonly db: Db) {}

  /** Runs `work` under the write lock (BEGIN IMMEDIATE). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  /** @throws AccessError `PROJECT_EXISTS`. */
  createProject(name: string, isPublic: boolean, now: Date): void {
    try {
      this.db.prepare('INSERT INTO projects (name, public, created_at) VALUES (?, ?, ?)')
        .run(name, isPublic ? 1 : 0, now.toISOString());
    } catch (cause) {
      if (!isConstraint(cause, 'SQLITE_CONSTRAINT')) throw cause;
      throw new AccessError('PROJECT_EXISTS', `project ${name} already exists`, { cause });
    }
  }

  project(name: string): ProjectInfo | undefined {
    const row = this.db.prepare<[string], { name: string; public: number }>(
      'SELECT name, public FROM projects WHERE name = ?').get(name);
    return row === undefined ? undefined : { name: row.name, public: row.public === 1 };
  }

  projects(): ProjectInfo[] {
    return this.db.prepare<[], { name: string; public: number }>(
      'SELECT name, public FROM projects ORDER BY name').all()
      .map((row) => ({ name: row.name, public: row.public === 1 }));
  }

  /** @throws AccessError `USER_EXISTS`. */
  addUser(name: string, passwordHash: string, admin: boolean, now: Date): void {
    try {
      this.db.prepare('INSERT INTO users (name, password_hash, admin, created_at) '
        + 'VALUES (?, ?, ?, ?)').run(name, passwordHash, admin ? 1 : 0, now.toISOString());
    } catch (cause) {
      if (!isConstraint(cause, 'SQLITE_CONSTRAINT')) throw cause;
      throw new AccessError('USER_EXISTS', `user ${name} already exists`, { cause });
    }
  }

  user(name: string): UserRecord | undefined {
    const row = this.db.prepare<[string], { name: string; admin: number; password_hash: string }>(
      'SELECT name, admin, password_hash FROM users WHERE name = ?').get(name);
    if (row === undefined) {
      return undefined;
    }

    return { name: row.name, admin: row.admin === 1, passwordHash: row.password_hash,
      grants: this.grantsOf(name) };
  }

  users(): Omit<UserRecord, 'passwordHash'>[] {
    return this.db.prepare<[], { name: string; admin: number }>(
      'SELECT name, admin FROM users ORDER BY name').all()
      .map((row) => ({ name: row.name, admin: row.admin === 1, grants: this.grantsOf(row.name) }));
  }

  private grantsOf(user: string): Grant[] {
    return this.db.prepare<[string], { project: string; role: string }>(
      'SELECT project, role FROM grants WHERE user = ? ORDER BY project, role').all(user)
      .flatMap((row) => isRole(row.role) ? [{ project: row.project, role: row.role }] : []);
  }

  /** @throws AccessError `USER_UNKNOWN` or `PROJECT_UNKNOWN`. */
  grant(user: string, role: Role, project: string): void {
    this.requireUserAndProject(user, project);
    this.db.prepare('INSERT OR IGNORE INTO grants (user, project, role) VALUES (?, ?, ?)')
      .run(user, project, role);
  }

  /** True when the grant existed. */
  revoke(user: string, role: Role, project: string): boolean {
    return this.db.prepare('DELETE FROM grants WHERE user = ? AND project = ? AND role = ?')
      .run(user, project, role).changes > 0;
  }

  private requireUserAndProject(user: string | undefined, project: string): void {
    if (user !== undefined && this.user(user) === undefined) {
      throw new AccessError('USER_UNKNOWN', `no user ${user}: add it with \`moat user add\``);
    }

    if (this.project(project) === undefined) {
      throw new AccessError('PROJECT_UNKNOWN',
        `no project ${project}: create it with \`moat project create ${project}\``);
    }
  }

  /** @throws AccessError `ROBOT_EXISTS` or `PROJECT_UNKNOWN`. */
  addRobot(robot: RobotRecord, tokenHash: string, now: Date): void {
    this.requireUserAndProject(undefined, robot.project);
    try {
      this.db.prepare('INSERT INTO robots (name, token_hash, project, role, expires_at, '
        + 'created_at) VALUES (?, ?, ?, ?, ?, ?)').run(robot.name, tokenHash, robot.project,
        robot.role, robot.expiresAt, now.toISOString());
    } catch (cause) {
      if (!isConstraint(cause, 'SQLITE_CONSTRAINT')) throw cause;
      throw new AccessError('ROBOT_EXISTS', `robot ${robot.name} already exists`, { cause });
    }
  }

  robotByTokenHash(tokenHash: string): RobotRecord | undefined {
    const row = this.db.prepare<[string], RobotRow>('SELECT name, project, role, expires_at '
      + 'FROM robots WHERE token_hash = ?').get(tokenHash);
    return row === undefined ? undefined : toRobot(row);
  }

  /** True when the robot existed; its token stops working at once. */
  removeRobot(name: string): boolean {
    return this.db.prepare('DELETE FROM robots WHERE name = ?').run(name).changes > 0;
  }

  /**
   * Removes a user and its grants; true when it existed.
   * @throws AccessError `LAST_ADMIN` for the only admin left.
   */
  removeUser(name: string): boolean {
    return this.transaction(() => {
      const admins = this.db.prepare<[], { n: number }>(
        'SELECT count(*) AS n FROM users WHERE admin = 1').get()?.n ?? 0;
      if (this.user(name)?.admin === true && admins <= 1) {
        throw new AccessError('LAST_ADMIN', `${name} is the only admin: it cannot be removed`);
      }

      return this.db.prepare('DELETE FROM users WHERE name = ?').run(name).changes > 0;
    });
  }

  robots(): RobotRecord[] {
    return this.db.prepare<[], RobotRow>('SELECT name, project, role, expires_at FROM robots '
      + 'ORDER BY name').all().map(toRobot);
  }

  /** The current permissions of a subject named in a token; undefined when it is gone. */
  principal(subject: string, now: Date): Principal | undefined {
    if (subject.startsWith('robot/')) {
      const row = this.db.prepare<[string], RobotRow>('SELECT name, project, role, expires_at '
        + 'FROM robots WHERE name = ?').get(subject.slice('robot/'.length));
      const robot = row === undefined ? undefined : toRobot(row);
      if (robot === undefined || Date.parse(robot.expiresAt) <= now.getTime()) {
        return undefined;
      }

      return { kind: 'robot', subject: robotSubject(robot.name), admin: false,
        grants: [{ project: robot.project, role: robot.role }] };
    }

    const user = this.user(subject);
    return user === undefined ? undefined
      : { kind: 'user', subject, admin: user.admin, grants: user.grants };
  }

  meta(key: string): string | undefined {
    return this.db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?')
      .get(key)?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }
}
