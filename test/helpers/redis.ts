/**
 * The one gate of every test that needs the real Redis. Such a test must fail, not pass on the
 * gateway's in-memory fallback, when Redis is down in CI; on a laptop without Redis it is skipped
 * with one loud line instead.
 *
 *   const redisUp = await requireRedis();
 *   describe.runIf(redisUp)('… through Redis', () => { … REDIS_URL … });
 */
import { Redis } from 'ioredis';

/** The Redis the tests use; TEST_REDIS_URL overrides it (to check this gate against a closed port). */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let probe: Promise<boolean> | undefined;

/**
 * Resolves true when Redis answers PING. When it does not: under CI=true it rejects (the test
 * file fails); otherwise it prints one line to stderr and resolves false (the caller skips).
 */
export function requireRedis(): Promise<boolean> {
  probe ??= ping().then((error) => {
    if (error === undefined) return true;
    const message = `Redis at ${REDIS_URL} is not reachable (${error}): the tests that need it`;
    if (process.env.CI === 'true') throw new Error(`${message} cannot run, and CI=true`);
    console.warn(`\n!!! ${message} are SKIPPED (start Redis to run them; in CI they fail)\n`);
    return false;
  });
  return probe;
}

async function ping(): Promise<string | undefined> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED…) says more than the "Connection is closed" that follows.
  let cause: unknown;
  redis.on('error', (error) => (cause ??= error));
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG' ? undefined : 'no PONG';
  } catch (error) {
    const reason = cause ?? error;
    return reason instanceof Error ? reason.message : String(reason);
  } finally {
    redis.disconnect();
  }
}
