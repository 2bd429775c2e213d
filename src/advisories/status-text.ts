// `moat db status` as text: records per ecosystem, sources, and how old the data is.
import type { DbStatus } from './store.js';

/** Age of the newest update in milliseconds, or undefined for a database never updated. */
export function databaseAge(status: DbStatus, now: Date): number | undefined {
  const { lastUpdate } = status;
  return lastUpdate === undefined ? undefined : now.getTime() - Date.parse(lastUpdate);
}

/** Renders the status for people. */
export function formatStatus(status: DbStatus, now: Date): string {
  const lines = [`records: ${status.totalRecords} (${status.withdrawnRecords} withdrawn)`];
  const age = databaseAge(status, now);
  lines.push(age === undefined
    ? 'last update: never'
    : `last update: ${status.lastUpdate} (${formatAge(age)} ago)`);

  lines.push('', 'sources:');
  for (const source of status.sources) {
    const where = source.url === undefined ? '' : `  ${source.url}`;
    lines.push(`  ${source.name.padEnd(24)} ${String(source.records).padStart(8)}  `
      + `${source.updatedAt}${where}`);
  }

  lines.push('', 'ecosystems:');
  for (const { ecosystem, records } of status.ecosystems) {
    lines.push(`  ${ecosystem.padEnd(24)} ${String(records).padStart(8)}`);
  }

  return `${lines.join('\n')}\n`;
}

/** `3d 4h`, `5h 12m`, `40m`. */
export function formatAge(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) {
    return `${days}d ${hours}h`;
  }

  return hours > 0 ? `${hours}h ${minutes % 60}m` : `${minutes}m`;
}

/** Parses `24h`, `90m`, `7d` into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*([smhd])$/.exec(text.trim());
  if (match === null) {
    return undefined;
  }

  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's'];
  return Number(match[1]) * unit;
}
