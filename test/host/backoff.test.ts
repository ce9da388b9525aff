import { describe, expect, it } from 'vitest';
import {
  type BackoffOptions,
  DEFAULT_BACKOFF,
  MIN_RETRY_DELAY_MS,
  nextDelay,
} from '../../src/host/backoff.js';

const policy: BackoffOptions = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  maxAttempts: null,
};
const always = (value: number) => () => value;

describe('nextDelay', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_BACKOFF).toEqual(policy);
  });

  // With random() ≈ 1 the delay is the bound itself: initial × factor^(attempt−1), capped.
  it.each([
    [1, 500],
    [2, 1000],
    [3, 2000],
    [6, 16_000],
    [7, 30_000],
    [50, 30_000],
    [5000, 30_000], // the power overflows to Infinity; the cap holds
  ])('attempt %i, random → 1: %i ms', (attempt, expected) => {
    expect(nextDelay(attempt, policy, always(0.999_999_99))).toBe(expected);
  });

  it.each([
    [1, 0.5, 250],
    [3, 0.25, 500],
    [7, 0.5, 15_000],
    [4, 0.333, 1332],
  ])('attempt %i, random %d: full jitter gives %i ms', (attempt, random, expected) => {
    expect(nextDelay(attempt, policy, always(random))).toBe(expected);
  });

  it.each([
    [0, 'random 0'],
    [0.01, 'a tiny draw'],
    [Number.NaN, 'NaN from a broken source'],
    [-3, 'a negative draw'],
  ])('never goes below the floor (%d: %s)', (random) => {
    expect(nextDelay(1, policy, always(random))).toBe(MIN_RETRY_DELAY_MS);
  });

  it('never exceeds maxDelayMs, even when the floor is above it', () => {
    const tiny: BackoffOptions = { ...policy, initialDelayMs: 10, maxDelayMs: 40 };
    expect(nextDelay(1, tiny, always(0))).toBe(40);
    expect(nextDelay(9, tiny, always(5))).toBe(40);
  });

  it('gives up after maxAttempts', () => {
    const limited: BackoffOptions = { ...policy, maxAttempts: 3 };
    expect([1, 2, 3, 4, 5].map((n) => nextDelay(n, limited, always(0.5)))).toEqual([
      250,
      500,
      1000,
      null,
      null,
    ]);
    expect(nextDelay(1, { ...policy, maxAttempts: 0 })).toBeNull();
  });

  it('retries forever when maxAttempts is null', () => {
    expect(nextDelay(1_000_000, policy, always(0.5))).toBe(15_000);
  });

  it('uses Math.random by default and stays within the bounds', () => {
    for (let i = 0; i < 200; i++) {
      const delay = nextDelay(3, policy) as number;
      expect(delay).toBeGreaterThanOrEqual(MIN_RETRY_DELAY_MS);
      expect(delay).toBeLessThanOrEqual(2000);
    }
  });

  it.each([0, -1, 1.5])('rejects attempt %d', (attempt) => {
    expect(() => nextDelay(attempt, policy)).toThrow(RangeError);
  });
});
