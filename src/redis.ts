/**
 * The process's one Redis connection (REDIS_URL), owned by main.ts and handed to every part that
 * shares state between replicas. Every key it writes starts with REDIS_KEY_PREFIX.
 */
import { Redis } from 'ioredis';

export type { Redis };

/**
 * A client that connects on first use and never queues commands while disconnected: a command
 * fails at once instead, so the caller's fallback (and the request) is not held up by an outage.
 */
export function createRedis(url: string, keyPrefix: string): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1_000,
    keyPrefix,
  });
  redis.on('error', () => undefined); // each user reports the failures of its own commands
  return redis;
}

const connecting = new WeakMap<Redis, Promise<void>>();

/**
 * Connects a lazy client on first use; callers that arrive while it connects wait for the same
 * attempt. Rejects when Redis cannot be reached (ioredis keeps reconnecting in the background).
 */
export function ensureConnected(redis: Redis): Promise<void> {
  if (redis.status === 'wait') {
    const attempt = redis.connect().finally(() => connecting.delete(redis));
    connecting.set(redis, attempt);
    return attempt;
  }
  return connecting.get(redis) ?? Promise.resolve();
}

/** Closes the connection: politely when it is up, at once otherwise. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit();
  else redis.disconnect();
}
