/**
 * The provider request budget on its own: the in-memory window with a short duration, and the
 * Redis window on the real Redis at 127.0.0.1:6379 (unique key prefix; these fail when it is down).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { fusebillQuotaReport } from '../../src/providers/fusebill/client.js';
import { closeRedis, createRedis, ensureConnected, type Redis } from '../../src/redis.js';
import { createProviderQuota, memoryBudget, redisBudget } from '../../src/transport/quota.js';
import { REDIS_URL, requireRedis } from '../helpers/redis.js';

const redisUp = await requireRedis();

const silent = createLogger({ level: 'error', write: () => undefined });
const soon = (ms = 5_000) => Date.now() + ms;

describe('provider quota in memory', () => {
  it('lets reads use 90 % of the window and writes the rest', async () => {
    const quota = createProviderQuota(10, memoryBudget(60_000));
    const reads = [];
    for (let i = 0; i < 10; i++) reads.push(await quota.take('read', Date.now()));
    expect(reads.slice(0, 9)).toEqual(Array(9).fill(null));
    expect(reads[9]).toBeGreaterThan(50_000);
    expect(await quota.take('write', Date.now())).toBeNull();
    expect(await quota.take('write', Date.now())).toBeGreaterThan(50_000);
  });

  it('keeps at least one request for reads under a tiny limit', async () => {
    const quota = createProviderQuota(1, memoryBudget(60_000));
    expect(await quota.take('read', Date.now())).toBeNull();
    expect(await quota.take('write', Date.now())).not.toBeNull();
  });

  it('waits for the next window when it begins before the deadline', async () => {
    const quota = createProviderQuota(2, memoryBudget(400));
    expect(await quota.take('write', soon())).toBeNull();
    expect(await quota.take('write', soon())).toBeNull();
    const started = Date.now();
    expect(await quota.take('write', soon())).toBeNull();
    // The window cannot have ended sooner than it was set to (a lower bound only: never flaky).
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('refuses at once, with the time until budget, when the window outlasts the deadline', async () => {
    const quota = createProviderQuota(1, memoryBudget(60_000));
    expect(await quota.take('write', soon())).toBeNull();
    const started = Date.now();
    const wait = await quota.take('write', soon(2_000));
    expect(wait).toBeGreaterThan(55_000);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('is tightened by the provider report and never loosened by it', async () => {
    const quota = createProviderQuota(1_000, memoryBudget(60_000));
    expect(await quota.take('write', Date.now())).toBeNull();
    await quota.observe({ remaining: 900, resetInMs: 30_000 }); // looser than ours: ignored
    await quota.observe({ remaining: 0, resetInMs: 30_000 });
    const wait = await quota.take('write', soon());
    expect(wait).toBeGreaterThan(25_000);
    expect(wait).toBeLessThanOrEqual(30_000);
  });

  it('admits no more than the provider says remain, until its reset', async () => {
    const quota = createProviderQuota(1_000, memoryBudget(60_000));
    await quota.observe({ remaining: 3, resetInMs: 20_000 });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await quota.take('write', Date.now()));
    expect(answers.filter((a) => a === null)).toHaveLength(3);
  });

  it('keeps 10 % of the provider-reported limit for writes when it is below ours', async () => {
    // A gateway allowed 1,000 a minute against an account allowed 50: reads stop at 45 of the 50.
    const quota = createProviderQuota(1_000, memoryBudget(60_000));
    await quota.observe({ remaining: 50, resetInMs: 60_000, limit: 50 });
    await quota.observe({ remaining: 49, resetInMs: 60_000, limit: 50 });
    let reads = 0;
    while ((await quota.take('read', Date.now())) === null) reads += 1;
    expect(reads).toBe(44); // 45 reads in all: the one the second report counted, and 44 more
    let writes = 0;
    while ((await quota.take('write', Date.now())) === null) writes += 1;
    expect(writes).toBe(5);
  });
});

describe('fusebill rate-limit headers', () => {
  const now = Date.now();
  it.each([
    [
      'epoch seconds',
      {
        'x-rate-limit-remaining-minute': '3',
        'x-rate-limit-reset-minute': String(Math.floor(now / 1000) + 20),
      },
      3,
      20_000,
    ],
    [
      'epoch milliseconds',
      { 'x-rate-limit-remaining-minute': '0', 'x-rate-limit-reset-minute': String(now + 30_000) },
      0,
      30_000,
    ],
    [
      'an HTTP date',
      {
        'x-rate-limit-remaining-minute': '7',
        'x-rate-limit-reset-minute': new Date(now + 40_000).toUTCString(),
      },
      7,
      40_000,
    ],
    [
      'seconds from now',
      { 'x-rate-limit-remaining-minute': '0', 'x-rate-limit-reset-minute': '30' },
      0,
      30_000,
    ],
    ['no reset: a whole minute', { 'x-rate-limit-remaining-minute': '5' }, 5, 60_000],
  ])('reads %s', (_name, headers, remaining, resetInMs) => {
    const report = fusebillQuotaReport(headers);
    expect(report?.remaining).toBe(remaining);
    expect(report?.resetInMs).toBeGreaterThan(resetInMs - 2_000);
    expect(report?.resetInMs).toBeLessThanOrEqual(resetInMs);
  });

  it('reads the limit when given', () => {
    expect(
      fusebillQuotaReport({
        'x-rate-limit-limit-minute': '50',
        'x-rate-limit-remaining-minute': '49',
      }),
    ).toMatchObject({ limit: 50, remaining: 49 });
  });

  it.each([
    ['no headers', {}],
    ['a remaining count that is not a number', { 'x-rate-limit-remaining-minute': 'lots' }],
    ['only the day window', { 'x-rate-limit-remaining-day': '0' }],
  ])('reports nothing for %s', (_name, headers) => {
    expect(fusebillQuotaReport(headers)).toBeUndefined();
  });
});

describe.runIf(redisUp)('provider quota in Redis', () => {
  const prefix = `switchyard-test-${randomUUID()}:`;
  let clients: Redis[];
  beforeAll(async () => {
    clients = [createRedis(REDIS_URL, prefix), createRedis(REDIS_URL, prefix)];
    // No fallback here: these tests are about Redis and must fail when it is down.
    await Promise.all(clients.map((c) => ensureConnected(c)));
  });
  afterAll(() => Promise.all(clients.map((c) => closeRedis(c))));

  it('admits exactly the read share of concurrent takes across two connections', async () => {
    const key = `provider-quota:${randomUUID()}`;
    const quotas = clients.map((c) => createProviderQuota(20, redisBudget(c, key, 60_000, silent)));
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => quotas[i % 2]!.take('read', Date.now() + 1_000)),
    );
    expect(answers.filter((a) => a === null)).toHaveLength(18);
    expect(Number(await clients[0]!.get(key))).toBe(18);
    // The refused reads took nothing: both writes still pass, then the window is full.
    expect(await quotas[1]!.take('write', Date.now())).toBeNull();
    expect(await quotas[0]!.take('write', Date.now())).toBeNull();
    expect(await quotas[0]!.take('write', Date.now())).toBeGreaterThan(50_000);
  });

  it('waits for the next window when it begins before the deadline', async () => {
    const key = `provider-quota:${randomUUID()}`;
    const quota = createProviderQuota(1, redisBudget(clients[0]!, key, 500, silent));
    expect(await quota.take('write', soon())).toBeNull();
    const started = Date.now();
    expect(await quota.take('write', soon())).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('shares a provider report with every replica', async () => {
    const key = `provider-quota:${randomUUID()}`;
    const [a, b] = clients.map((c) =>
      createProviderQuota(1_000, redisBudget(c, key, 60_000, silent)),
    );
    expect(await a!.take('write', Date.now())).toBeNull();
    await a!.observe({ remaining: 0, resetInMs: 30_000 });
    const wait = await b!.take('write', soon());
    expect(wait).toBeGreaterThan(25_000);
    expect(wait).toBeLessThanOrEqual(30_000);
    expect(await clients[1]!.pttl(key)).toBeLessThanOrEqual(30_000);
  });
});

// Needs no Redis at all: the fallback is what runs when Redis is down.
describe('provider quota with Redis unreachable', () => {
  it('counts in this process when Redis is unreachable, and says so once', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', write: (line) => lines.push(line) });
    const down = createRedis('redis://127.0.0.1:1', 'unreachable:');
    try {
      const quota = createProviderQuota(3, redisBudget(down, 'provider-quota:x', 60_000, log));
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await quota.take('write', Date.now()));
      expect(answers.filter((a) => a === null)).toHaveLength(3);
      expect(
        lines.filter((l) => l.includes('provider quotas are counted per replica')),
      ).toHaveLength(1);
    } finally {
      await closeRedis(down);
    }
  });
});
