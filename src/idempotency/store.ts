/**
 * Where idempotency keys live: one entry per (client, key), either a running marker (with its own
 * short expiry, extended while the operation runs) or the stored answer (kept for
 * IDEMPOTENCY_TTL_SECONDS). In memory for one process; in Redis when REDIS_URL is set, so a retry
 * that lands on another replica is answered the same.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.js';
import { ensureConnected, type Redis } from '../redis.js';

/** What an operation left behind for its key. */
export interface StoredAnswer {
  /** The request's fingerprint (document, operationName, variables). */
  fingerprint: string;
  status: number;
  contentType: string;
  /** The body exactly as sent; null when the process stopped before the operation finished. */
  body: string | null;
  /** The outcome of at least one write is unknown: a retry reconciles instead of replaying. */
  unknown: boolean;
  /** What each mutation field (by response key) noted for a later reconciliation. */
  notes: Record<string, FieldNote>;
}

/** What a mutation field notes about its own outcome. */
export interface FieldNote {
  /** The write may have happened without a confirmation. */
  unknown?: boolean;
  /** Input positions confirmed done, as [first, last] ranges (card codes). */
  confirmed?: [number, number][];
  /** Input positions sent without a confirmation: they may have been done (card codes). */
  maybe?: [number, number][];
}

export type Claim =
  /** The key is new (or its stored answer is being reconciled): this request owns it now. */
  | { kind: 'claimed'; token: string; previous?: StoredAnswer }
  /** Another request with this key is still running. */
  | { kind: 'running'; fingerprint: string }
  | { kind: 'stored'; answer: StoredAnswer };

export interface IdempotencyStore {
  /** Takes the key for a new run, or says why not. `lockMs`: how long the marker lives unextended. */
  claim(key: string, fingerprint: string, lockMs: number): Promise<Claim>;
  /** Keeps a running marker alive. */
  extend(key: string, token: string, lockMs: number): Promise<void>;
  /** Stores the answer for `ttlMs`, replacing the marker. */
  store(key: string, answer: StoredAnswer, ttlMs: number): Promise<void>;
  /** Drops this run's marker (nothing was done): a retry runs afresh. */
  release(key: string, token: string): Promise<void>;
}

const RUNNING = 'R';
const DONE = 'D';

/** A marker's value: its owner's token and the fingerprint, so a mismatch is told from a retry. */
const marker = (token: string, fingerprint: string) => `${RUNNING}${token} ${fingerprint}`;

function decode(value: string): Claim {
  if (value.startsWith(RUNNING)) {
    return { kind: 'running', fingerprint: value.slice(value.indexOf(' ') + 1) };
  }
  return { kind: 'stored', answer: JSON.parse(value.slice(1)) as StoredAnswer };
}

const newToken = () => randomUUID();

/**
 * A stored answer whose outcome is unknown is handed over for reconciliation to one request: the
 * entry is swapped for that request's marker only if it is still the same stored answer.
 */
function claimFrom(
  value: string,
  fingerprint: string,
  takeOver: (token: string) => Promise<boolean>,
): Promise<Claim> | Claim {
  const found = decode(value);
  if (found.kind !== 'stored' || !found.answer.unknown || found.answer.fingerprint !== fingerprint)
    return found;
  const token = newToken();
  return takeOver(token).then((ok) =>
    ok
      ? { kind: 'claimed', token, previous: found.answer }
      : { kind: 'running', fingerprint: found.answer.fingerprint },
  );
}

/** In memory, bounded by entries and bytes; the oldest stored answers go first. */
export function createMemoryStore(options: {
  maxEntries: number;
  maxBytes: number;
}): IdempotencyStore {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  let bytes = 0;
  const get = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      remove(key);
      return undefined;
    }
    return entry?.value;
  };
  const remove = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    bytes -= entry.value.length;
    entries.delete(key);
  };
  const set = (key: string, value: string, ttlMs: number) => {
    remove(key);
    entries.set(key, { value, expiresAt: Date.now() + ttlMs });
    bytes += value.length;
    // Oldest first; running markers are never evicted (a run in progress must keep its key).
    for (const [oldKey, entry] of entries) {
      if (entries.size <= options.maxEntries && bytes <= options.maxBytes) break;
      if (oldKey === key) continue;
      if (entry.expiresAt <= Date.now() || entry.value.startsWith(DONE)) remove(oldKey);
    }
  };
  return {
    claim(key, fingerprint, lockMs) {
      const value = get(key);
      if (value === undefined) {
        const token = newToken();
        set(key, marker(token, fingerprint), lockMs);
        return Promise.resolve({ kind: 'claimed', token });
      }
      return Promise.resolve(
        claimFrom(value, fingerprint, (token) => {
          if (get(key) !== value) return Promise.resolve(false);
          set(key, marker(token, fingerprint), lockMs);
          return Promise.resolve(true);
        }),
      );
    },
    extend(key, token, lockMs) {
      const entry = entries.get(key);
      if (entry?.value.startsWith(`${RUNNING}${token} `)) entry.expiresAt = Date.now() + lockMs;
      return Promise.resolve();
    },
    store(key, answer, ttlMs) {
      set(key, DONE + JSON.stringify(answer), ttlMs);
      return Promise.resolve();
    },
    release(key, token) {
      if (entries.get(key)?.value.startsWith(`${RUNNING}${token} `)) remove(key);
      return Promise.resolve();
    },
  };
}

/** Sets the marker unless the key holds something; returns what it holds. */
const CLAIM = `local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`;
/** Replaces the value only if it is still ARGV[1]. */
const SWAP = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end
return 0`;
/** Acts only while the key still holds this run's marker (prefix ARGV[1]). */
const EXTEND = `local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`;
const RELEASE = `local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then
  redis.call('DEL', KEYS[1]) return 1 end
return 0`;

/**
 * In Redis: every replica sees the same keys. Redis errors reach the caller (the gateway falls
 * back to its memory store while Redis is unreachable, and says so).
 */
export function createRedisStore(redis: Redis): IdempotencyStore {
  const run = async (script: string, key: string, ...args: (string | number)[]) => {
    await ensureConnected(redis);
    return redis.eval(script, 1, key, ...args) as Promise<string | number | null>;
  };
  return {
    async claim(key, fingerprint, lockMs) {
      const token = newToken();
      const value = await run(CLAIM, key, marker(token, fingerprint), lockMs);
      if (typeof value !== 'string') return { kind: 'claimed', token };
      return claimFrom(
        value,
        fingerprint,
        async (newOwner) =>
          (await run(SWAP, key, value, marker(newOwner, fingerprint), lockMs)) === 1,
      );
    },
    async extend(key, token, lockMs) {
      await run(EXTEND, key, `${RUNNING}${token} `, lockMs);
    },
    async store(key, answer, ttlMs) {
      await ensureConnected(redis);
      await redis.set(key, DONE + JSON.stringify(answer), 'PX', ttlMs);
    },
    async release(key, token) {
      await run(RELEASE, key, `${RUNNING}${token} `);
    },
  };
}

/**
 * Redis first; while it is unreachable, this process's memory (logged once per outage). A key
 * claimed in one store is finished in the same one.
 */
export function withFallback(primary: IdempotencyStore, fallback: IdempotencyStore, log: Logger) {
  let down = false;
  const failed = (error: unknown) => {
    if (!down) {
      down = true;
      log.error(
        'redis unavailable: idempotency keys are kept in this process only until it is back',
        {
          error,
        },
      );
    }
  };
  const recovered = () => {
    if (down) log.info('redis reachable again: idempotency keys are shared again');
    down = false;
  };
  return {
    async claim(key: string, fingerprint: string, lockMs: number) {
      try {
        const claim = await primary.claim(key, fingerprint, lockMs);
        recovered();
        return { claim, store: primary };
      } catch (error) {
        failed(error);
        return { claim: await fallback.claim(key, fingerprint, lockMs), store: fallback };
      }
    },
  };
}
