// Parsers for flag values shared by several commands. Each throws a UsageError that says
// what a valid value looks like.
import { InvalidArgumentError } from 'commander';
import { parsePlatform } from '../image/platform.js';
import type { Platform } from '../image/types.js';

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
};

/** `512M`, `2G`, `1048576` → bytes (binary units). */
export function parseSize(text: string): number {
  const match = /^(\d+)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  const unit = SIZE_UNITS[match?.[2]?.toLowerCase() ?? ''];
  if (match === null || unit === undefined || !Number.isSafeInteger(Number(match[1]) * unit)) {
    throw new InvalidArgumentError(`"${text}" is not a size; use e.g. 512M, 2G or 1048576`);
  }

  return Number(match[1]) * unit;
}

/** A positive whole number. */
export function parseCount(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`"${text}" is not a positive whole number`);
  }

  return value;
}

/** `linux/amd64`, `linux/arm64/v8`. */
export function parsePlatformOption(text: string): Platform {
  try {
    return parsePlatform(text);
  } catch {
    throw new InvalidArgumentError(`"${text}" is not a platform; use os/arch[/variant]`);
  }
}

/** A value from a fixed list. */
export function oneOf<T extends string>(choices: readonly T[]): (text: string) => T {
  return (text) => {
    if (!(choices as readonly string[]).includes(text)) {
      throw new InvalidArgumentError(`use one of: ${choices.join(', ')}`);
    }

    return text as T;
  };
}
