// Every CLI command, listed once. Each module exports `register(program, io)`.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { register as attest } from './attest.js';
import { register as audit } from './audit.js';
import { register as auditLog } from './audit-log.js';
import { register as db } from './db.js';
import { register as gc } from './gc.js';
import { register as key } from './key.js';
import { register as project } from './project.js';
import { register as robot } from './robot.js';
import { register as sbom } from './sbom.js';
import { register as scan } from './scan.js';
import { register as serve } from './serve.js';
import { register as sign } from './sign.js';
import { register as user } from './user.js';
import { register as verify } from './verify.js';
import { register as verifyAttestation } from './verify-attestation.js';
import { register as versionCompare } from './version-compare.js';

type Register = (program: Command, io: CliIo) => void;

export const commands: Register[] = [sbom, audit, db, versionCompare, scan,
  user, robot, project, auditLog, serve, gc, key, sign, verify,
  attest, verifyAttestation];
