// Opens the access domain on a data dir: the database, the signing key, and on an empty dir
// the first admin account.
import type { AccessOptions, OpenedAccess } from './policy.js';
import { AccessControl } from './access-control.js';
import { ApiAccess } from './api-access.js';
import { Authenticator } from './authenticate.js';
import { generatePassword, hashPassword } from './password.js';
import { PrincipalResolver } from './principal.js';
import { loadSigningKey } from './signing-key.js';
import { AuditStore, FailureStore } from './store/audit-store.js';
import { openAccessDb } from './store/database.js';
import { Directory } from './store/directory.js';
import { TokenService } from './token-service.js';
import { checkPassword } from './user-admin.js';

export const ADMIN_USER = 'admin';

/**
 * Opens the access policy and token endpoint over `dataDir`.
 * @throws AccessError `DB_OPEN`, `DB_TOO_NEW`, `SIGNING_KEY`, or `WEAK_PASSWORD` for a
 * MOAT_ADMIN_PASSWORD that is too short.
 */
export async function openAccess(dataDir: string, options: AccessOptions): Promise<OpenedAccess> {
  const now = options.now ?? (() => new Date());
  const db = openAccessDb(dataDir);
  try {
    const directory = new Directory(db);
    const initialAdminPassword = await bootstrapAdmin(directory, now,
      options.adminPassword ?? process.env.MOAT_ADMIN_PASSWORD);
    const key = await loadSigningKey(dataDir);
    const tokens = { key, issuer: options.realm, audience: options.service, now };
    const audit = new AuditStore(db);
    const resolver = new PrincipalResolver(directory,
      new Authenticator(directory, new FailureStore(db), now), tokens);
    return {
      policy: new AccessControl({ directory, audit, resolver, realm: options.realm,
        service: options.service, now }),
      tokens: new TokenService({ directory, audit, resolver, tokens, service: options.service }),
      api: new ApiAccess({ directory, audit, resolver, realm: options.realm,
        service: options.service, now }),
      ...(initialAdminPassword === undefined ? {} : { initialAdminPassword }),
      close: () => Promise.resolve(void db.close()),
    };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Creates `admin` once per data dir; returns the password only when it was generated. */
async function bootstrapAdmin(directory: Directory, now: () => Date,
  fromEnv: string | undefined): Promise<string | undefined> {
  if (directory.meta('admin_created') !== undefined) {
    return undefined;
  }

  const given = fromEnv !== undefined && fromEnv !== '' ? checkPassword(fromEnv) : undefined;
  const password = given ?? generatePassword();
  const hash = await hashPassword(password);
  const created = directory.transaction(() => {
    if (directory.meta('admin_created') !== undefined) {
      return false;
    }

    directory.setMeta('admin_created', now().toISOString());
    if (directory.user(ADMIN_USER) === undefined) {
      directory.addUser(ADMIN_USER, hash, true, now());
    }

    return true;
  });
  return created && given === undefined ? password : undefined;
}
