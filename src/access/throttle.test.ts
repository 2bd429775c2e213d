import { describe, expect, it } from 'vitest';
import { lockedUntil } from './throttle.js';

const minute = 60_000;
const now = 1_000 * minute;

describe('lockedUntil', () => {
  it('allows up to four recent failures', () => {
    expect(lockedUntil([1, 2, 3, 4].map((i) => now - i * minute), now)).toBeUndefined();
  });

  it('locks for a minute after the fifth failure, doubling after each more', () => {
    const five = [0, 1, 2, 3, 4].map((i) => now - i * 1000);
    expect(lockedUntil(five, now)).toBe(now + minute);
    expect(lockedUntil([...five, now], now)).toBe(now + 2 * minute);
  });

  it('forgets failures older than the window', () => {
    expect(lockedUntil([0, 1, 2, 3, 4].map((i) => now - 16 * minute - i), now)).toBeUndefined();
  });

  it('ends the lock when its time has passed', () => {
    const five = [0, 1, 2, 3, 4].map((i) => now - 2 * minute - i);
    expect(lockedUntil(five, now)).toBeUndefined();
  });
});
