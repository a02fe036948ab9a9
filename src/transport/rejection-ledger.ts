/**
 * Counts rejected logins per credential, shared by every replica that uses the same store, so a
 * wrong password cannot lock a provider account (EnKash locks after three) just because several
 * replicas each tried it. In memory for a single process; in Redis when REDIS_URL is set.
 */
import type { Logger } from '../log.js';
import { ensureConnected, type Redis } from '../redis.js';

/** What a ledger holds for one credential. */
export interface LedgerEntry {
  /** Consecutive rejected logins recorded (by every replica sharing the store); 0 when none. */
  count: number;
  /** Milliseconds until the count lapses without a new rejection; 0 when there is no count. */
  lapsesInMs: number;
}

export interface RejectionLedger {
  /** The count of rejected logins for `key`, and when it lapses. */
  read(key: string): Promise<LedgerEntry>;
  /** Records one more rejection; returns the new count. */
  add(key: string): Promise<number>;
  /** A login succeeded: start counting from zero again. */
  clear(key: string): Promise<void>;
}

/**
 * How long a count lives without a new rejection: after that, logins are tried again. The
 * gateway's own default, REJECTED_LOGINS_TTL_MS in the configuration, says the same.
 */
export const REJECTION_TTL_MS = 60 * 60_000;

const NONE: LedgerEntry = { count: 0, lapsesInMs: 0 };

export function memoryLedger(ttlMs = REJECTION_TTL_MS, now = Date.now): RejectionLedger {
  const counts = new Map<string, { count: number; expiresAt: number }>();
  const live = (key: string) => {
    const entry = counts.get(key);
    if (entry && entry.expiresAt <= now()) counts.delete(key);
    return counts.get(key);
  };
  return {
    read(key) {
      const entry = live(key);
      return Promise.resolve(
        entry ? { count: entry.count, lapsesInMs: entry.expiresAt - now() } : NONE,
      );
    },
    add(key) {
      const count = (live(key)?.count ?? 0) + 1;
      counts.set(key, { count, expiresAt: now() + ttlMs });
      return Promise.resolve(count);
    },
    clear(key) {
      counts.delete(key);
      return Promise.resolve();
    },
  };
}

/**
 * The Redis ledger, on the process's Redis client (whose key prefix applies). When Redis cannot be
 * reached it falls back to counting in this process (and says so once): a Redis outage must not
 * stop logins, only weaken the guard to per-replica.
 */
export function redisLedger(redis: Redis, log: Logger, ttlMs = REJECTION_TTL_MS): RejectionLedger {
  const fallback = memoryLedger(ttlMs);
  let warned = false;
  const guarded = async <T>(run: () => Promise<T>, degraded: () => Promise<T>): Promise<T> => {
    try {
      await ensureConnected(redis);
      return await run();
    } catch (error) {
      if (!warned) {
        warned = true;
        log.warn('redis unavailable: rejected logins are counted per replica', { error });
      }
      return degraded();
    }
  };
  const name = (key: string) => `auth-rejections:${key}`;
  return {
    read: (key) =>
      guarded(
        async () => {
          const [[, count], [, ttl]] = (await redis
            .multi()
            .get(name(key))
            .pttl(name(key))
            .exec()) as [[Error | null, string | null], [Error | null, number]];
          if (count === null) return NONE;
          // A key without an expiry (-1) was written by hand: it lapses only when deleted.
          return { count: Number(count), lapsesInMs: ttl >= 0 ? ttl : Infinity };
        },
        () => fallback.read(key),
      ),
    add: (key) =>
      guarded(
        async () => {
          const [[, count]] = (await redis
            .multi()
            .incr(name(key))
            .pexpire(name(key), ttlMs)
            .exec()) as [[Error | null, number]];
          return count;
        },
        () => fallback.add(key),
      ),
    clear: (key) =>
      guarded(
        async () => {
          await redis.del(name(key));
        },
        () => fallback.clear(key),
      ),
  };
}
