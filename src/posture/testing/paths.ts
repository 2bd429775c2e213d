// Test-only: where the repository and the shared conformance data live.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SHARED_DIR = resolve(REPO_ROOT, '..', 'shared');
