// Test support: a fault-injecting reverse proxy on a loopback port in front of a real test
// registry. Each request is forwarded unchanged unless the test's `fault` hook returns a
// fault: a canned reply, a flipped byte, a replaced or truncated body, or a stall.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { kind: 'reply'; status: number; headers?: Record<string, string>; body?: string }
  /** Forward, then flip one byte of the body. */
  | { kind: 'corrupt' }
  /** Forward the headers, replace the body (`chunked` drops Content-Length). */
  | { kind: 'replace'; body: Buffer; chunked?: boolean }
  /** Send the first `bytes` of the body; `cut` closes the socket, else Content-Length shrinks. */
  | { kind: 'truncate'; bytes: number; cut: boolean }
  /** Close the connection without any reply. */
  | { kind: 'reset' }
  /** Send the headers and `bytes` of the body, then nothing until the client gives up. */
  | { kind: 'stall'; bytes: number }
  /** Forward with extra request headers (e.g. credentials a pre-signed URL would carry). */
  | { kind: 'forward'; headers: Record<string, string>; path?: string };

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

export interface FaultProxy {
  host: string;
  port: number;
  seen: SeenRequest[];
  stop(): Promise<void>;
}

/** Starts the proxy; `fault` sees each request (and how many came before it on that path). */
export async function startFaultProxy(
  upstream: string,
  fault: (req: SeenRequest, count: number) => Fault | undefined,
): Promise<FaultProxy> {
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const entry = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers };
    const count = seen.filter((s) => s.path === entry.path).length;
    seen.push(entry);
    handle(upstream, req, res, fault(entry, count)).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    port,
    seen,
    stop: () =>
      new Promise((done) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => done());
      }),
  };
}

async function handle(
  upstream: string,
  req: IncomingMessage,
  res: ServerResponse,
  fault: Fault | undefined,
): Promise<void> {
  if (fault?.kind === 'reset') {
    req.socket.destroy();
    return;
  }

  if (fault?.kind === 'reply') {
    res.writeHead(fault.status, fault.headers);
    res.end(fault.body);
    return;
  }

  const extra = fault?.kind === 'forward' ? fault.headers : {};
  const path = fault?.kind === 'forward' && fault.path !== undefined ? fault.path : req.url;
  const reply = await forward(upstream, req, path ?? '/', extra);
  const headers = { ...reply.headers };
  delete headers['transfer-encoding'];
  headers['content-length'] = String(reply.body.length);
  let body = reply.body;
  if (fault?.kind === 'corrupt' && body.length > 0) {
    body = Buffer.from(body);
    const at = Math.floor(body.length / 2);
    body[at] = (body[at] ?? 0) ^ 0x01;
  }

  if (fault?.kind === 'replace') {
    body = fault.body;
    delete headers['content-length'];
    if (fault.chunked !== true) {
      headers['content-length'] = String(body.length);
    }
  }

  if (fault?.kind === 'truncate') {
    body = body.subarray(0, fault.bytes);
    if (!fault.cut) {
      headers['content-length'] = String(body.length);
    }
  }

  res.writeHead(reply.status, headers);
  if (fault?.kind === 'stall') {
    res.write(body.subarray(0, fault.bytes));
    return;
  }

  if (fault?.kind === 'truncate' && fault.cut) {
    res.write(body, () => res.destroy());
    return;
  }

  res.end(body);
}

function forward(
  upstream: string,
  req: IncomingMessage,
  path: string,
  extra: Record<string, string>,
): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const out = request(
      `http://${upstream}${path}`,
      { method: req.method, headers: { ...req.headers, host: upstream, ...extra } },
      (reply) => {
        const chunks: Buffer[] = [];
        reply.on('data', (chunk: Buffer) => chunks.push(chunk));
        reply.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: reply.statusCode ?? 502, headers: reply.headers, body });
        });
        reply.on('error', reject);
      },
    );
    out.on('error', reject);
    req.pipe(out);
  });
}
