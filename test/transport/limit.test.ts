import { describe, expect, it } from 'vitest';
import { createLimiter, mapConcurrent } from '../../src/transport/limit.js';
import { retryAfterHeader } from '../../src/transport/http.js';

describe('limiter', () => {
  it('holds at most max at once and serves waiters in order', async () => {
    const limiter = createLimiter(2);
    const a = await limiter.acquire(Date.now() + 1000);
    const b = await limiter.acquire(Date.now() + 1000);
    const order: string[] = [];
    const c = limiter.acquire(Date.now() + 1000).then((r) => (order.push('c'), r));
    const d = limiter.acquire(Date.now() + 1000).then((r) => (order.push('d'), r));
    expect(limiter.waiting).toBe(2);
    a!();
    a!(); // releasing twice must not free a second slot
    await c;
    expect(limiter.waiting).toBe(1);
    b!();
    await d;
    expect(order).toEqual(['c', 'd']);
    expect(limiter.active).toBe(2);
  });

  it('gives up at the deadline', async () => {
    const limiter = createLimiter(1);
    await limiter.acquire(Date.now() + 1000);
    expect(await limiter.acquire(Date.now() + 20)).toBeNull();
    expect(limiter.waiting).toBe(0);
  });
});

describe('mapConcurrent', () => {
  it('keeps order and never exceeds the concurrency', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapConcurrent([5, 1, 4, 2, 3], 2, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n * 3));
      running -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});

describe('retryAfterHeader', () => {
  it.each([
    ['17', 17],
    ['1.2', 2],
    ['', undefined],
    [undefined, undefined],
    ['soon', undefined],
  ])('reads %s', (value, expected) => {
    expect(retryAfterHeader(value === undefined ? {} : { 'retry-after': value })).toBe(expected);
  });

  it('reads an HTTP date', () => {
    const value = new Date(Date.now() + 30_000).toUTCString();
    expect(retryAfterHeader({ 'retry-after': value })).toBeGreaterThanOrEqual(28);
  });
});

describe('sandbox journal', () => {
  it('keeps within its byte budget and still counts every request', async () => {
    const { startSandboxServer } = await import('../../src/sandbox/server.js');
    const sandbox = await startSandboxServer(() => ({ status: 200, body: {} }), {
      journalMaxBytes: 2_500,
    });
    try {
      for (let i = 0; i < 5; i++) {
        await fetch(sandbox.url, { method: 'POST', body: 'x'.repeat(1_000) });
      }
      expect(sandbox.receivedCount()).toBe(5);
      expect(sandbox.journal).toHaveLength(2);
    } finally {
      await sandbox.close();
    }
  });
});
