// A token server for the test registry (distribution token authentication spec): checks
// Basic credentials or an OAuth2 refresh token, and issues ES256 JWTs whose `access` claim
// holds only the actions the user may do. Runs in the test process on a loopback port.
import { randomUUID, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importPKCS8, SignJWT } from 'jose';

export interface TokenUser {
  password: string;
  /** Repositories the user may pull, or `*`. */
  pull?: string[];
  /** Repositories the user may push, or `*`. */
  push?: string[];
  /** An identity (refresh) token that also authenticates this user. */
  identityToken?: string;
}

export interface TokenServer {
  /** `http://127.0.0.1:PORT/token` */
  realm: string;
  /** Every token request seen, for assertions: who asked for which scopes. */
  requests: Array<{ user?: string; scopes: string[]; granted: string[] }>;
  stop(): Promise<void>;
}

interface Access {
  type: string;
  name: string;
  actions: string[];
}

const LIFETIME_S = 300;

/** Starts the token server. Throws when the key or certificate cannot be read. */
export async function startTokenServer(options: {
  certPath: string;
  keyPath: string;
  service: string;
  issuer: string;
  users: Record<string, TokenUser>;
}): Promise<TokenServer> {
  const key = await importPKCS8(await readFile(options.keyPath, 'utf8'), 'ES256');
  const certDer = new X509Certificate(await readFile(options.certPath)).raw.toString('base64');
  const requests: TokenServer['requests'] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const form = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : undefined;
    const params = form ?? url.searchParams;
    const user = authenticate(req, form, options.users);
    if (user === null) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
      return;
    }

    const scopes = params.getAll('scope').flatMap((s) => s.split(' ')).filter((s) => s !== '');
    const holder = user === undefined ? undefined : options.users[user];
    const access = scopes.flatMap((scope) => grant(scope, holder));
    requests.push({
      ...(user === undefined ? {} : { user }),
      scopes,
      granted: access.map((a) => `${a.type}:${a.name}:${a.actions.join(',')}`),
    });

    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ access })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', x5c: [certDer] })
      .setIssuer(options.issuer)
      .setSubject(user ?? '')
      .setAudience(params.get('service') ?? options.service)
      .setIssuedAt(now)
      .setNotBefore(now - 10)
      .setExpirationTime(now + LIFETIME_S)
      .setJti(randomUUID())
      .sign(key);
    const issuedAt = new Date(now * 1000).toISOString();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token, expires_in: LIFETIME_S, issued_at: issuedAt }));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    requests,
    stop: () => new Promise((done) => server.close(() => done())),
  };
}

// undefined = anonymous, null = refused, a name = authenticated.
function authenticate(
  req: IncomingMessage,
  form: URLSearchParams | undefined,
  users: Record<string, TokenUser>,
): string | undefined | null {
  const refresh = form?.get('refresh_token');
  if (refresh !== undefined && refresh !== null) {
    const found = Object.entries(users).find(([, u]) => u.identityToken === refresh);
    return found === undefined ? null : found[0];
  }

  const header = req.headers.authorization;
  if (header === undefined) {
    return undefined;
  }

  const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const name = decoded.slice(0, colon);
  return users[name]?.password === decoded.slice(colon + 1) && colon > 0 ? name : null;
}

// `repository:NAME:pull,push` → the subset of actions the user holds.
function grant(scope: string, user: TokenUser | undefined): Access[] {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first === -1 || last === first || user === undefined) {
    return [];
  }

  const type = scope.slice(0, first);
  const name = scope.slice(first + 1, last);
  const allowed = (list: string[] | undefined) =>
    list !== undefined && (list.includes('*') || list.includes(name));
  const actions = scope
    .slice(last + 1)
    .split(',')
    .filter((a) => (a === 'pull' && allowed(user.pull)) || (a === 'push' && allowed(user.push)));
  return type === 'repository' && actions.length > 0 ? [{ type, name, actions }] : [];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 64 * 1024) {
        req.destroy();
      }
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}
