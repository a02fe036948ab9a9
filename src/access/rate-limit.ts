/**
 * Requests per minute per client, with rate-limiter-flexible: counted in Redis when REDIS_URL is
 * set, so replicas together admit a client's limit and not N times it; in this process otherwise,
 * and also while Redis cannot be reached (said once in the log).
 */
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Logger } from '../log.js';
import { ensureConnected, type Redis } from '../redis.js';
import type { Client } from './model.js';

export type Admission = { ok: true } | { ok: false; retryAfterS: number };

export interface ClientRateLimiter {
  /** Counts one request of `client`; refused when its minute's budget is spent. */
  admit(client: Client): Promise<Admission>;
}

const WINDOW_S = 60;

export function createClientRateLimiter(redis: Redis | undefined, log: Logger): ClientRateLimiter {
  // One limiter per distinct limit: clients with the same limit share it, keyed by client id.
  const limiters = new Map<number, RateLimiterAbstract>();
  let warned = false;
  const limiterFor = (points: number) => {
    let limiter = limiters.get(points);
    if (!limiter) {
      const memory = new RateLimiterMemory({ points, duration: WINDOW_S });
      limiter = redis
        ? new RateLimiterRedis({
            storeClient: redis,
            keyPrefix: `rate:${points}`,
            points,
            duration: WINDOW_S,
            // Redis unreachable: each process counts alone rather than refusing or admitting all.
            insuranceLimiter: memory,
          })
        : memory;
      limiters.set(points, limiter);
    }
    return limiter;
  };

  return {
    async admit(client) {
      if (redis && redis.status !== 'ready') {
        // The connection is made on first use; until it is up, rate-limiter-flexible counts in
        // memory (its insurance limiter), which must stay the exception.
        await ensureConnected(redis).catch(() => undefined);
        if ((redis.status as string) !== 'ready' && !warned) {
          warned = true;
          log.warn('redis unavailable: client rate limits are counted per replica', {
            redisStatus: redis.status,
          });
        }
      }
      try {
        // Keyed by how the client authenticates too: a token's subject and a file's client id
        // live in different namespaces and may coincide.
        await limiterFor(client.rateLimitPerMinute).consume(`${client.via}:${client.id}`, 1);
        return { ok: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          return { ok: false, retryAfterS: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
        }
        throw rejection;
      }
    },
  };
}
