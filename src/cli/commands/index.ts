// Every CLI command, listed once. Each module exports `register(program, io)`.
import type { Command } from 'commander';
import type { CliIo } from '../io.js';

type Register = (program: Command, io: CliIo) => void;

export const commands: Register[] = [];
