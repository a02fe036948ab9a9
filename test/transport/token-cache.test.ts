import { beforeEach, describe, expect, it } from 'vitest';
import { GatewayErrorCode, UpstreamError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { memoryLedger } from '../../src/transport/rejection-ledger.js';
import { createTokenCache, jwtExpiry } from '../../src/transport/token-cache.js';
import { TokenWaitTimeout } from '../../src/transport/types.js';

function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** A cache whose token endpoint always rejects our credentials. */
function rejectingCache(options: {
  rejectionCooldownMs: number;
  maxConsecutiveRejections?: number;
}) {
  const clock = fakeClock();
  let count = 0;
  const cache = createTokenCache({
    provider: 'enkash',
    now: clock.now,
    ...options,
    fetch: () => {
      count += 1;
      return Promise.reject(
        new UpstreamError(GatewayErrorCode.PROVIDER_AUTH_FAILED, 'enkash', 'rejected'),
      );
    },
  });
  return { clock, cache, fetches: () => count };
}

describe('token cache', () => {
  it('shares one fetch among concurrent callers', async () => {
    let fetches = 0;
    const cache = createTokenCache({
      provider: 'enkash',
      fetch: async () => {
        fetches += 1;
        await new Promise((r) => setTimeout(r, 20));
        return { accessToken: `t${fetches}`, expiresAt: Date.now() + 3_600_000 };
      },
    });
    const headers = await Promise.all(
      Array.from({ length: 50 }, () => cache.header(Date.now() + 1000)),
    );
    expect(new Set(headers)).toEqual(new Set(['Bearer t1']));
    expect(fetches).toBe(1);
    expect(cache.fetchCount).toBe(1);
  });

  it('refreshes shortly before expiry, not after', async () => {
    const clock = fakeClock();
    let n = 0;
    const cache = createTokenCache({
      provider: 'enkash',
      now: clock.now,
      refreshSkewMs: 30_000,
      fetch: () => Promise.resolve({ accessToken: `t${++n}`, expiresAt: clock.now() + 300_000 }),
    });
    expect(await cache.header(0)).toBe('Bearer t1');
    clock.advance(269_000);
    expect(await cache.header(0)).toBe('Bearer t1');
    clock.advance(2_000);
    // Inside the refresh window: the held token is served while a new one is fetched.
    expect(await cache.header(0)).toBe('Bearer t1');
    await new Promise((r) => setImmediate(r));
    expect(await cache.header(0)).toBe('Bearer t2');
    expect(n).toBe(2);
  });

  it('does not make callers wait for a hanging refresh while the held token is valid', async () => {
    const clock = fakeClock();
    let n = 0;
    const cache = createTokenCache({
      provider: 'enkash',
      now: clock.now,
      refreshSkewMs: 30_000,
      fetch: () =>
        ++n === 1
          ? Promise.resolve({ accessToken: 'first', expiresAt: clock.now() + 300_000 })
          : new Promise(() => undefined),
    });
    await cache.header(Date.now() + 1000);
    clock.advance(280_000);
    const started = Date.now();
    expect(await cache.header(Date.now() + 50)).toBe('Bearer first');
    expect(Date.now() - started).toBeLessThan(40);
    clock.advance(30_000); // expired: now a caller must wait, and gives up at its deadline
    await expect(cache.header(Date.now() + 30)).rejects.toBeInstanceOf(TokenWaitTimeout);
  });

  it('renews short-lived tokens at mid-life instead of on every call', async () => {
    const clock = fakeClock();
    let n = 0;
    const cache = createTokenCache({
      provider: 'enkash',
      now: clock.now,
      refreshSkewMs: 30_000,
      fetch: () => Promise.resolve({ accessToken: `t${++n}`, expiresAt: clock.now() + 10_000 }),
    });
    await cache.header(0);
    clock.advance(4_000);
    expect(await cache.header(0)).toBe('Bearer t1');
    clock.advance(2_000);
    expect(await cache.header(0)).toBe('Bearer t1');
    await new Promise((r) => setImmediate(r));
    expect(await cache.header(0)).toBe('Bearer t2');
  });

  it('fetches anew after invalidate, but ignores a stale header', async () => {
    let n = 0;
    const cache = createTokenCache({
      provider: 'enkash',
      fetch: () => Promise.resolve({ accessToken: `t${++n}`, expiresAt: Date.now() + 3_600_000 }),
    });
    const first = await cache.header(0);
    cache.invalidate('Bearer something-else');
    expect(await cache.header(0)).toBe(first);
    cache.invalidate(first);
    expect(await cache.header(0)).toBe('Bearer t2');
  });

  it('fails fast during the cool-down after rejected credentials', async () => {
    const { clock, cache, fetches } = rejectingCache({ rejectionCooldownMs: 60_000 });
    await expect(cache.header(0)).rejects.toMatchObject({ code: 'PROVIDER_AUTH_FAILED' });
    await expect(cache.header(0)).rejects.toMatchObject({ code: 'PROVIDER_AUTH_FAILED' });
    expect(fetches()).toBe(1);
    clock.advance(60_001);
    await expect(cache.header(0)).rejects.toMatchObject({ code: 'PROVIDER_AUTH_FAILED' });
    expect(fetches()).toBe(2);
  });

  it('retries at once after a failure that is not a credential rejection', async () => {
    let fetches = 0;
    const cache = createTokenCache({
      provider: 'enkash',
      fetch: () => {
        fetches += 1;
        return fetches === 1
          ? Promise.reject(
              new UpstreamError(GatewayErrorCode.PROVIDER_UNAVAILABLE, 'enkash', 'down'),
            )
          : Promise.resolve({ accessToken: 'ok', expiresAt: Date.now() + 3_600_000 });
      },
    });
    await expect(cache.header(0)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(await cache.header(0)).toBe('Bearer ok');
  });
});

describe('jwtExpiry', () => {
  const jwt = (claims: object) =>
    `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
  it.each([
    [jwt({ exp: 1_900_000_000 }), 1_900_000_000_000],
    [jwt({ sub: 'x' }), undefined],
    ['not-a-jwt', undefined],
    ['a.!!!.c', undefined],
  ])('reads %s', (token, expected) => {
    expect(jwtExpiry(token)).toBe(expected);
  });
});

describe('token cache lock-out guard', () => {
  const HOUR = 3_600_000;
  const KEY = 'enkash:abc';

  /** A guarded cache (2 rejections, 1 s cool-down) whose token endpoint rejects until `fix()`. */
  function guardedCache(ledger = memoryLedger(HOUR, clock.now)) {
    let accept = false;
    let count = 0;
    const lines: string[] = [];
    const cache = createTokenCache({
      provider: 'enkash',
      now: clock.now,
      rejectionCooldownMs: 1_000,
      maxConsecutiveRejections: 2,
      ledger,
      ledgerKey: KEY,
      log: createLogger({ write: (l) => lines.push(l) }),
      fetch: () => {
        count += 1;
        return accept
          ? Promise.resolve({ accessToken: `t${count}`, expiresAt: Date.now() + HOUR })
          : Promise.reject(
              new UpstreamError(GatewayErrorCode.PROVIDER_AUTH_FAILED, 'enkash', 'rejected'),
            );
      },
    });
    return {
      cache,
      ledger,
      fetches: () => count,
      fix: () => (accept = true),
      pauseLines: () => lines.filter((l) => l.includes('logins paused')).length,
    };
  }
  let clock: ReturnType<typeof fakeClock>;
  beforeEach(() => {
    clock = fakeClock();
  });

  /** Two rejections, a cool-down apart: the guard's limit. */
  async function reachLimit(guard: ReturnType<typeof guardedCache>) {
    await expect(guard.cache.header(0)).rejects.toMatchObject({ code: 'PROVIDER_AUTH_FAILED' });
    clock.advance(1_001);
    await expect(guard.cache.header(0)).rejects.toMatchObject({ code: 'PROVIDER_AUTH_FAILED' });
    expect(guard.fetches()).toBe(2);
  }

  it('pauses after maxConsecutiveRejections, saying when to retry, until the count lapses', async () => {
    const guard = guardedCache();
    await reachLimit(guard);
    clock.advance(10 * 60_000); // long past the cool-down, well inside the hour
    const paused = await guard.cache.header(0).catch((e: unknown) => e);
    expect(paused).toBeInstanceOf(UpstreamError);
    expect(paused).toMatchObject({
      code: 'PROVIDER_AUTH_FAILED',
      provider: 'enkash',
      options: { retryAfter: 50 * 60 },
    });
    expect((paused as Error).message).toMatch(/2 times in a row; logins are paused.*3000 s more/);
    await expect(guard.cache.header(0)).rejects.toMatchObject({ code: 'PROVIDER_AUTH_FAILED' });
    expect(guard.fetches()).toBe(2);
    expect(guard.pauseLines()).toBe(1);

    guard.fix(); // an operator fixed the credentials
    clock.advance(50 * 60_000); // the count lapses an hour after the last rejection
    expect(await guard.cache.header(0)).toBe('Bearer t3');
    expect(guard.fetches()).toBe(3);
  });

  it('logs in at once after the ledger is cleared, even inside its own cool-down', async () => {
    const guard = guardedCache();
    await reachLimit(guard);
    await expect(guard.cache.header(0)).rejects.toMatchObject({ code: 'PROVIDER_AUTH_FAILED' });
    guard.fix();
    await guard.ledger.clear(KEY);
    expect(await guard.cache.header(0)).toBe('Bearer t3');
    expect((await guard.ledger.read(KEY)).count).toBe(0);
  });

  it('leaves no stuck refresh behind when the pause is found in the ledger', async () => {
    // Another replica's two rejections: this process pauses before asking at all.
    const ledger = memoryLedger(HOUR, clock.now);
    await ledger.add(KEY);
    await ledger.add(KEY);
    const guard = guardedCache(ledger);
    const callers = await Promise.allSettled(
      Array.from({ length: 5 }, () => guard.cache.header(0)),
    );
    for (const result of callers) {
      expect(result).toMatchObject({
        status: 'rejected',
        reason: { code: 'PROVIDER_AUTH_FAILED', options: { retryAfter: 3_600 } },
      });
    }
    expect(guard.fetches()).toBe(0);
    guard.fix();
    await ledger.clear(KEY);
    // Every later call logs in, not only the next one: nothing from the pause is held.
    expect(await guard.cache.header(0)).toBe('Bearer t1');
    expect(await guard.cache.header(0)).toBe('Bearer t1');
    expect(guard.fetches()).toBe(1);
  });

  it('asks again after its cool-down while the count is under the limit', async () => {
    const guard = guardedCache();
    await expect(guard.cache.header(0)).rejects.toMatchObject({ code: 'PROVIDER_AUTH_FAILED' });
    const cooling = await guard.cache.header(0).catch((e: unknown) => e);
    expect(cooling).toMatchObject({ code: 'PROVIDER_AUTH_FAILED', options: { retryAfter: 1 } });
    expect(guard.fetches()).toBe(1);
    guard.fix();
    clock.advance(1_001);
    expect(await guard.cache.header(0)).toBe('Bearer t2');
    expect((await guard.ledger.read(KEY)).count).toBe(0);
  });
});

describe('token cache deadlines', () => {
  it('lets each waiter give up at its own deadline while the shared fetch goes on', async () => {
    let release!: () => void;
    const cache = createTokenCache({
      provider: 'enkash',
      fetch: () =>
        new Promise(
          (resolve) =>
            (release = () => resolve({ accessToken: 'late', expiresAt: Date.now() + 3_600_000 })),
        ),
    });
    const hurried = cache.header(Date.now() + 20);
    const patient = cache.header(Date.now() + 5_000);
    await expect(hurried).rejects.toBeInstanceOf(TokenWaitTimeout);
    release();
    expect(await patient).toBe('Bearer late');
    expect(cache.fetchCount).toBe(1);
  });

  it('gives the shared fetch at least minFetchMs, whoever starts it', async () => {
    let given = 0;
    const cache = createTokenCache({
      provider: 'enkash',
      minFetchMs: 5_000,
      fetch: (deadline) => {
        given = deadline - Date.now();
        return Promise.resolve({ accessToken: 't', expiresAt: Date.now() + 3_600_000 });
      },
    });
    await cache.header(Date.now() + 50);
    expect(given).toBeGreaterThan(4_000);
  });

  it('keeps using a still-valid token when an early refresh fails', async () => {
    const clock = fakeClock();
    let n = 0;
    const cache = createTokenCache({
      provider: 'enkash',
      now: clock.now,
      refreshSkewMs: 30_000,
      fetch: () =>
        ++n === 1
          ? Promise.resolve({ accessToken: 'first', expiresAt: clock.now() + 300_000 })
          : Promise.reject(
              new UpstreamError(GatewayErrorCode.PROVIDER_UNAVAILABLE, 'enkash', 'down'),
            ),
    });
    expect(await cache.header(Date.now() + 1000)).toBe('Bearer first');
    clock.advance(280_000); // inside the refresh window, before expiry
    expect(await cache.header(Date.now() + 1000)).toBe('Bearer first');
    clock.advance(30_000); // past expiry: nothing valid to fall back on
    await expect(cache.header(Date.now() + 1000)).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
    });
  });
});
