/**
 * The two idempotency stores behave the same: the memory one, and the Redis one against the real
 * Redis on 127.0.0.1:6379 (test/helpers/redis.ts: with CI=true this fails when Redis is down).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createMemoryStore,
  createRedisStore,
  type IdempotencyStore,
  type StoredAnswer,
} from '../../src/idempotency/store.js';
import { closeRedis, createRedis } from '../../src/redis.js';
import { REDIS_URL, requireRedis } from '../helpers/redis.js';

const redisUp = await requireRedis();

const redis = createRedis(REDIS_URL, `switchyard-test-${randomUUID()}:`);
afterAll(() => closeRedis(redis));

const answer = (fingerprint: string, unknown = false): StoredAnswer => ({
  fingerprint,
  status: 200,
  contentType: 'application/json; charset=utf-8',
  body: '{"data":{"x":1}}',
  unknown,
  notes: {},
});
/** Claims `key` as a new run and returns its token. */
async function claimed(store: IdempotencyStore, key: string, fingerprint = 'fp', lockMs = 5_000) {
  const claim = await store.claim(key, fingerprint, lockMs);
  if (claim.kind !== 'claimed') throw new Error(`not claimed: ${claim.kind}`);
  return claim.token;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const stores: [string, () => IdempotencyStore][] = [
  ['memory', () => createMemoryStore({ maxEntries: 100, maxBytes: 1_000_000 })],
];
if (redisUp) stores.push(['redis', () => createRedisStore(redis)]);

describe.each(stores)('%s store', (_name, make: () => IdempotencyStore) => {
  const store = make();

  it('claims a new key once; a second claim sees it running, with its fingerprint', async () => {
    const key = randomUUID();
    expect(await store.claim(key, 'fp1', 5_000)).toMatchObject({ kind: 'claimed' });
    expect(await store.claim(key, 'fp1', 5_000)).toEqual({ kind: 'running', fingerprint: 'fp1' });
    expect(await store.claim(key, 'fp2', 5_000)).toEqual({ kind: 'running', fingerprint: 'fp1' });
  });

  it('lets a marker lapse after its lock time unless extended, so a crashed run frees its key', async () => {
    const key = randomUUID();
    const first = await store.claim(key, 'fp', 150);
    if (first.kind !== 'claimed') throw new Error('not claimed');
    await sleep(100);
    await store.extend(key, first.token, 300);
    await sleep(150);
    expect((await store.claim(key, 'fp', 150)).kind).toBe('running');
    await sleep(300);
    expect((await store.claim(key, 'fp', 150)).kind).toBe('claimed');
  });

  it('releases only its own marker', async () => {
    const key = randomUUID();
    await store.claim(key, 'fp', 5_000);
    await store.release(key, 'someone-else');
    expect((await store.claim(key, 'fp', 5_000)).kind).toBe('running');
  });

  it('stores an answer for its TTL, then forgets it', async () => {
    const key = randomUUID();
    await store.store(key, await claimed(store, key), answer('fp'), 200);
    expect(await store.claim(key, 'fp', 5_000)).toEqual({ kind: 'stored', answer: answer('fp') });
    await sleep(300);
    expect((await store.claim(key, 'fp', 5_000)).kind).toBe('claimed');
  });

  it('hands an unknown outcome over to exactly one retry, with the earlier answer', async () => {
    const key = randomUUID();
    await store.store(key, await claimed(store, key), answer('fp', true), 5_000);
    const [a, b] = await Promise.all([
      store.claim(key, 'fp', 5_000),
      store.claim(key, 'fp', 5_000),
    ]);
    const kinds = [a.kind, b.kind].sort();
    expect(kinds).toEqual(['claimed', 'running']);
    const won = a.kind === 'claimed' ? a : b;
    expect(won).toMatchObject({ previous: answer('fp', true) });
  });

  it('does not hand an unknown outcome over to another request under the same key', async () => {
    const key = randomUUID();
    await store.store(key, await claimed(store, key), answer('fp', true), 5_000);
    expect(await store.claim(key, 'other', 5_000)).toEqual({
      kind: 'stored',
      answer: answer('fp', true),
    });
  });

  it('keeps an unknown outcome when the retry reconciling it dies: the next retry gets it', async () => {
    const key = randomUUID();
    await store.store(key, await claimed(store, key), answer('fp', true), 5_000);
    expect((await store.claim(key, 'fp', 150)).kind).toBe('claimed');
    // That retry's replica dies: no store, no release. Its lock lapses, the answer stays.
    expect((await store.claim(key, 'fp', 150)).kind).toBe('running');
    await sleep(250);
    expect(await store.claim(key, 'fp', 150)).toMatchObject({
      kind: 'claimed',
      previous: answer('fp', true),
    });
  });

  it('does not let a run whose lock lapsed overwrite the run that took the key since', async () => {
    const key = randomUUID();
    const late = await claimed(store, key, 'fp', 100);
    await sleep(200);
    const current = await claimed(store, key, 'fp', 5_000);
    await store.store(key, late, { ...answer('fp'), body: 'late' }, 5_000);
    expect((await store.claim(key, 'fp', 5_000)).kind).toBe('running');
    await store.store(key, current, answer('fp'), 5_000);
    expect(await store.claim(key, 'fp', 5_000)).toEqual({ kind: 'stored', answer: answer('fp') });
  });
});

describe('memory store bounds', () => {
  it('evicts the oldest plain answers first, unknown ones last, never a running marker', async () => {
    const store = createMemoryStore({ maxEntries: 3, maxBytes: 1_000_000 });
    await store.claim('running', 'fp', 60_000);
    await store.store('unknown', await claimed(store, 'unknown'), answer('fp', true), 60_000);
    for (const key of ['a', 'b']) {
      await store.store(key, await claimed(store, key, 'fp', 60_000), answer('fp'), 60_000);
    }
    expect((await store.claim('running', 'fp', 60_000)).kind).toBe('running');
    expect((await store.claim('b', 'fp', 60_000)).kind).toBe('stored');
    // 'unknown' is older than 'a' and 'b' but outlived 'a'.
    expect((await store.claim('unknown', 'other', 60_000)).kind).toBe('stored');
    expect((await store.claim('a', 'fp', 60_000)).kind).toBe('claimed');
  });
});
