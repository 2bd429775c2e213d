// Every CLI command, listed once by the name it is typed as. Each module exports
// `register(program, io)`. Modules load on demand: a run of one command imports only that
// command's code (its image, advisory or posture domains), which keeps start-up short; help
// and unknown names load them all.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';

export type Register = (program: Command, io: CliIo) => void;
type Loader = () => Promise<{ register: Register }>;

/** In the order `moat --help` lists them. */
export const commandLoaders: ReadonlyArray<readonly [string, Loader]> = [
  ['sbom', () => import('./sbom.js')],
  ['audit', () => import('./audit.js')],
  ['db', () => import('./db.js')],
  ['version-compare', () => import('./version-compare.js')],
  ['scan', () => import('./scan.js')],
  ['user', () => import('./user.js')],
  ['robot', () => import('./robot.js')],
  ['project', () => import('./project.js')],
  ['audit-log', () => import('./audit-log.js')],
  ['serve', () => import('./serve.js')],
  ['gc', () => import('./gc.js')],
  ['key', () => import('./key.js')],
  ['sign', () => import('./sign.js')],
  ['verify', () => import('./verify.js')],
  ['attest', () => import('./attest.js')],
  ['verify-attestation', () => import('./verify-attestation.js')],
];

/** The register functions a run needs: the named command's alone, or all of them. */
export async function commandsFor(argv: readonly string[]): Promise<Register[]> {
  const name = argv.find((arg) => !arg.startsWith('-'));
  const one = commandLoaders.find(([command]) => command === name);
  const wanted = one === undefined ? commandLoaders : [one];
  const modules = await Promise.all(wanted.map(([, load]) => load()));
  return modules.map((module) => module.register);
}
