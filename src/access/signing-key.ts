// The token signing key: Ed25519, generated on first start and kept in the data dir, readable
// by its owner only. Created with link() so two processes starting at once agree on one key.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes,
  type KeyObject } from 'node:crypto';
import { chmod, link, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AccessError } from './errors.js';

export const SIGNING_KEY_FILE = 'token-signing-key.pem';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

async function createKeyFile(file: string): Promise<void> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(pem);
    await handle.sync();
  } finally {
    await handle.close();
  }

  try {
    await link(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * Loads the key from `dataDir`, creating it on first use.
 * @throws AccessError `SIGNING_KEY` when the file is unreadable or not an Ed25519 key.
 */
export async function loadSigningKey(dataDir: string): Promise<SigningKey> {
  const file = join(dataDir, SIGNING_KEY_FILE);
  try {
    const pem = await readFile(file, 'utf8').catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      await createKeyFile(file);
      return readFile(file, 'utf8');
    });
    await chmod(file, 0o600);
    const privateKey = createPrivateKey(pem);
    if (privateKey.asymmetricKeyType !== 'ed25519') {
      throw new Error(`expected an ed25519 key, found ${privateKey.asymmetricKeyType}`);
    }

    return { privateKey, publicKey: createPublicKey(privateKey) };
  } catch (cause) {
    throw new AccessError('SIGNING_KEY', `cannot use the token signing key ${file}: remove it `
      + 'to have a new one generated (tokens already issued become invalid)', { cause });
  }
}
