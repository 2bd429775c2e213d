// Test support: one anonymous test registry holding a pushed image, reached through a fresh
// fault-injecting proxy per test, with recorded (not slept) retry delays.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { openRegistrySource, type RegistrySourceOptions } from '../image/registry/index.js';
import type { RetryInfo } from '../image/registry/transport.js';
import type { ImageSource } from '../image/types.js';
import type { BuiltImage } from './images.js';
import { buildSingleImage, skopeoPush } from './registry-images.js';
import {
  startFaultProxy,
  type Fault,
  type FaultProxy,
  type SeenRequest,
} from './registry-proxy.js';
import { startRegistry, type TestRegistry } from './registry.js';
import { makeTempDir } from './requirements.js';

export interface FaultHarness {
  registry: TestRegistry;
  image: BuiltImage;
  temp: string;
  proxy: FaultProxy | undefined;
  sleeps: number[];
  retries: RetryInfo[];
  /** Opens `PROXY/ref` with the fault hook installed for this test. */
  through(
    fault: (req: SeenRequest, count: number) => Fault | undefined,
    ref?: string,
    extra?: RegistrySourceOptions,
  ): Promise<ImageSource>;
}

/** Registers vitest hooks that run the registry, and returns the harness they fill in. */
export function useFaultHarness(): FaultHarness {
  let cleanup: (() => Promise<void>) | undefined;
  const harness = {
    proxy: undefined,
    sleeps: [],
    retries: [],
    through: async (fault, ref = 'moat/app:v1', extra = {}) => {
      harness.proxy = await startFaultProxy(harness.registry.host, fault);
      const options: RegistrySourceOptions = {
        env: { HOME: harness.temp },
        sleep: async (ms) => void harness.sleeps.push(ms),
        onRetry: (info) => harness.retries.push(info),
        random: () => 1,
        ...extra,
      };
      return (await openRegistrySource(`${harness.proxy.host}/${ref}`, options)).source;
    },
  } as Partial<FaultHarness> as FaultHarness;

  beforeAll(async () => {
    const temp = await makeTempDir('registry-faults');
    cleanup = temp.cleanup;
    harness.temp = temp.dir;
    harness.registry = await startRegistry();
    harness.image = await buildSingleImage(temp.dir);
    const authFile = join(temp.dir, 'auth.json');
    await writeFile(authFile, '{}');
    await skopeoPush(harness.image.reference, `${harness.registry.host}/moat/app:v1`, {
      authFile,
    });
  });

  afterEach(async () => {
    await harness.proxy?.stop();
    harness.proxy = undefined;
    harness.sleeps.length = 0;
    harness.retries.length = 0;
  });

  afterAll(async () => {
    await harness.registry?.stop();
    await cleanup?.();
  });

  return harness;
}

/** Matchers for the proxy's hook. */
export const isManifest = (r: SeenRequest): boolean =>
  r.path.startsWith('/v2/moat/app/manifests/');

export const isBlob =
  (digest: string) =>
  (r: SeenRequest): boolean =>
    r.path === `/v2/moat/app/blobs/${digest}`;
