// Structured logs go to stderr only, so stdout carries nothing but the requested output.
// Only the edges (CLI, server) create a logger; the core receives one or returns warnings.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = process.env.MOAT_LOG_LEVEL ?? 'warn'): Logger {
  return pino({ level, base: undefined }, pino.destination({ fd: 2, sync: true }));
}

/** A logger that drops everything, for library callers and tests that do not want logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
