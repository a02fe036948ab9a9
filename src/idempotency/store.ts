/**
 * Where idempotency keys live: one entry per (client, key), either a running marker (with its own
 * short expiry, extended while the operation runs) or the stored answer (kept for
 * IDEMPOTENCY_TTL_SECONDS); beside a stored unknown answer, the lock of the one retry reconciling
 * it. In memory for one process; in Redis when REDIS_URL is set, so a retry
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
  /**
   * Takes the key for a new run, or says why not. `lockMs`: how long the run's lock lives
   * unextended. A stored answer whose outcome is unknown stays in place while one retry holds a
   * separate reconciliation lock, so a reconciling replica that dies loses nothing.
   */
  claim(key: string, fingerprint: string, lockMs: number): Promise<Claim>;
  /** Keeps this run's lock alive. */
  extend(key: string, token: string, lockMs: number): Promise<void>;
  /**
   * Stores the answer for `ttlMs` and drops this run's lock, unless another run has taken the key
   * since this run's lock lapsed (then that run's answer wins).
   */
  store(key: string, token: string, answer: StoredAnswer, ttlMs: number): Promise<void>;
  /** Drops this run's lock (nothing was done): a retry runs afresh, or reconciles again. */
  release(key: string, token: string): Promise<void>;
}

const RUNNING = 'R';
const DONE = 'D';
/** A stored answer whose outcome is unknown: evicted from memory after every other answer. */
const UNKNOWN = 'U';
/** The reconciliation lock of a key, beside its stored unknown answer. */
const lockKey = (key: string) => `${key}:reconciling`;

/** A marker's value: its owner's token and the fingerprint, so a mismatch is told from a retry. */
const marker = (token: string, fingerprint: string) => `${RUNNING}${token} ${fingerprint}`;
const encode = (answer: StoredAnswer) => (answer.unknown ? UNKNOWN : DONE) + JSON.stringify(answer);

function decode(value: string): Claim {
  if (value.startsWith(RUNNING)) {
    return { kind: 'running', fingerprint: value.slice(value.indexOf(' ') + 1) };
  }
  return { kind: 'stored', answer: JSON.parse(value.slice(1)) as StoredAnswer };
}

const newToken = () => randomUUID();

/**
 * What a claim that found `value` under the key gets: a running run or a stored answer as they
 * are, except a stored unknown answer of the same request, which goes to the one retry that takes
 * its reconciliation lock.
 */
async function claimFrom(
  value: string,
  fingerprint: string,
  lock: (token: string) => Promise<boolean>,
): Promise<Claim> {
  const found = decode(value);
  if (found.kind !== 'stored' || !found.answer.unknown || found.answer.fingerprint !== fingerprint)
    return found;
  const token = newToken();
  return (await lock(token))
    ? { kind: 'claimed', token, previous: found.answer }
    : { kind: 'running', fingerprint };
}

/** In memory, bounded by entries and bytes: plain stored answers go first, unknown ones last. */
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
  const over = () => entries.size > options.maxEntries || bytes > options.maxBytes;
  const set = (key: string, value: string, ttlMs: number) => {
    remove(key);
    entries.set(key, { value, expiresAt: Date.now() + ttlMs });
    bytes += value.length;
    // Oldest first; a run in progress (its marker or lock) is never evicted.
    for (const evictable of [DONE, UNKNOWN]) {
      for (const [oldKey, entry] of entries) {
        if (!over()) return;
        if (oldKey === key) continue;
        if (entry.expiresAt <= Date.now() || entry.value.startsWith(evictable)) remove(oldKey);
      }
    }
  };
  const mine = (key: string, token: string) =>
    get(key)?.startsWith(`${RUNNING}${token} `) === true || get(lockKey(key)) === token;
  return {
    claim(key, fingerprint, lockMs) {
      const value = get(key);
      if (value === undefined) {
        const token = newToken();
        set(key, marker(token, fingerprint), lockMs);
        return Promise.resolve({ kind: 'claimed', token });
      }
      return claimFrom(value, fingerprint, (token) => {
        if (get(lockKey(key)) !== undefined) return Promise.resolve(false);
        set(lockKey(key), token, lockMs);
        return Promise.resolve(true);
      });
    },
    extend(key, token, lockMs) {
      for (const k of [key, lockKey(key)]) {
        const entry = entries.get(k);
        if (entry && (entry.value === token || entry.value.startsWith(`${RUNNING}${token} `)))
          entry.expiresAt = Date.now() + lockMs;
      }
      return Promise.resolve();
    },
    store(key, token, answer, ttlMs) {
      if (mine(key, token) || get(key) === undefined) {
        if (get(lockKey(key)) === token) remove(lockKey(key));
        set(key, encode(answer), ttlMs);
      }
      return Promise.resolve();
    },
    release(key, token) {
      if (get(key)?.startsWith(`${RUNNING}${token} `)) remove(key);
      if (get(lockKey(key)) === token) remove(lockKey(key));
      return Promise.resolve();
    },
  };
}

/** Sets the marker unless the key holds something; returns what it holds. */
const CLAIM = `local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`;
/** The reconciliation lock, taken only while the key still holds the same unknown answer. */
const LOCK = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return 1 end
return 0`;
/** This run's marker (prefix ARGV[1]) or lock (ARGV[2]) lives ARGV[3] ms longer. */
const EXTEND = `local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
return 1`;
/** Stores ARGV[3] for ARGV[4] ms if the key is this run's, or empty; drops this run's lock. */
const STORE = `local v = redis.call('GET', KEYS[1])
local lock = redis.call('GET', KEYS[2])
local mine = (v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1]) or lock == ARGV[2]
if not (mine or not v) then return 0 end
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
if lock == ARGV[2] then redis.call('DEL', KEYS[2]) end
return 1`;
const RELEASE = `local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
return 1`;

/**
 * In Redis: every replica sees the same keys. Redis errors reach the caller (the gateway falls
 * back to its memory store while Redis is unreachable, and says so).
 */
export function createRedisStore(redis: Redis): IdempotencyStore {
  const run = async (script: string, key: string, ...args: (string | number)[]) => {
    await ensureConnected(redis);
    return redis.eval(script, 2, key, lockKey(key), ...args) as Promise<string | number | null>;
  };
  const own = (token: string) => `${RUNNING}${token} `;
  return {
    async claim(key, fingerprint, lockMs) {
      const token = newToken();
      await ensureConnected(redis);
      const value = (await redis.eval(CLAIM, 1, key, marker(token, fingerprint), lockMs)) as
        string | null;
      if (typeof value !== 'string') return { kind: 'claimed', token };
      return claimFrom(
        value,
        fingerprint,
        async (owner) => (await run(LOCK, key, value, owner, lockMs)) === 1,
      );
    },
    async extend(key, token, lockMs) {
      await run(EXTEND, key, own(token), token, lockMs);
    },
    async store(key, token, answer, ttlMs) {
      await run(STORE, key, own(token), token, encode(answer), ttlMs);
    },
    async release(key, token) {
      await run(RELEASE, key, own(token), token);
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
