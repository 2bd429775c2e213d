import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../testing/requirements.js';
import type { AuditNote } from '../finding.js';
import { discoverDockerApi } from './docker-api.js';

let dir: string;
let cleanup: () => Promise<void>;
let silent: Server;
const connections: Socket[] = [];

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('docker-api'));
  // Accepts connections and never answers, like a hung daemon.
  silent = createServer((socket) => connections.push(socket));
  await new Promise<void>((resolve) => silent.listen(join(dir, 'hung.sock'), resolve));
});
afterAll(async () => {
  connections.forEach((socket) => socket.destroy());
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  await cleanup();
});

describe('discoverDockerApi', () => {
  it('gives up on a socket that does not answer and says so', async () => {
    const notes: AuditNote[] = [];
    const socket = join(dir, 'hung.sock');
    expect(await discoverDockerApi(socket, notes, 200)).toEqual([]);
    expect(notes).toEqual([
      {
        level: 'warning',
        message: `container API at ${socket} failed (no answer within 200 ms); skipped`,
      },
    ]);
  });

  it('notes a socket that is not there', async () => {
    const notes: AuditNote[] = [];
    expect(await discoverDockerApi(join(dir, 'missing.sock'), notes, 200)).toEqual([]);
    expect(notes[0]?.message).toMatch(/failed \(connect ENOENT/);
  });
});
