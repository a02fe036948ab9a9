/**
 * An OAuth access-token cache shared by every request of one provider client: the token is reused
 * until shortly before it expires, and concurrent callers share one in-flight fetch.
 */
import { GatewayErrorCode, UpstreamError } from '../gateway/errors.js';
import type { AuthStrategy } from './http.js';

export interface IssuedToken {
  accessToken: string;
  /** Epoch ms at which the provider stops accepting it. */
  expiresAt: number;
}

export interface TokenCacheOptions {
  /** Fetches a new token; must finish before `deadline` (epoch ms). */
  fetch(deadline: number): Promise<IssuedToken>;
  /** Refresh this long before expiry, so a token never expires in flight. */
  refreshSkewMs?: number;
  /**
   * After the provider rejects our credentials, fail fast for this long instead of asking again:
   * some providers lock an account after a few failed attempts (EnKash: three).
   */
  rejectionCooldownMs?: number;
  /**
   * After this many rejections in a row, stop asking until the process restarts: a cool-down only
   * slows an account lock-out down. Unlimited by default.
   */
  maxConsecutiveRejections?: number;
  now?: () => number;
  /**
   * Least time a shared fetch gets, whoever starts it: a caller with little time left must not
   * doom the fetch every other caller waits for. Each caller still gives up at its own deadline.
   */
  minFetchMs?: number;
}

/** A caller's own deadline passed while it waited for a shared token fetch. */
export class TokenWaitTimeout extends Error {
  override readonly name = 'TokenWaitTimeout';
}

export interface TokenCache extends AuthStrategy {
  /** Tokens fetched so far (for diagnostics and tests). */
  readonly fetchCount: number;
}

export function createTokenCache(options: TokenCacheOptions): TokenCache {
  const skew = options.refreshSkewMs ?? 30_000;
  const now = options.now ?? Date.now;
  let current: (IssuedToken & { refreshAt: number }) | undefined;
  let inFlight: Promise<IssuedToken> | undefined;
  let fetchCount = 0;
  let rejected: { error: UpstreamError; until: number } | undefined;
  let rejections = 0;
  const maxRejections = options.maxConsecutiveRejections ?? Infinity;
  const cooldown = options.rejectionCooldownMs ?? 30_000;

  const minFetchMs = options.minFetchMs ?? 5_000;

  const refresh = (deadline: number) => {
    if (rejected && now() < rejected.until) return Promise.reject(rejected.error);
    inFlight ??= (async () => {
      fetchCount += 1;
      try {
        const issued = await options.fetch(Math.max(deadline, Date.now() + minFetchMs));
        const fetchedAt = now();
        // Renew `skew` before expiry, or at mid-life for tokens that live shorter than twice the skew.
        const lead = Math.min(skew, Math.max(0, issued.expiresAt - fetchedAt) / 2);
        current = { ...issued, refreshAt: issued.expiresAt - lead };
        rejected = undefined;
        rejections = 0;
        return current;
      } catch (error) {
        if (
          error instanceof UpstreamError &&
          error.code === GatewayErrorCode.PROVIDER_AUTH_FAILED
        ) {
          rejections += 1;
          const until = rejections >= maxRejections ? Infinity : now() + cooldown;
          rejected = { error, until };
        }
        throw error;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  return {
    async header(deadline) {
      const held = current;
      if (held && now() < held.refreshAt) return `Bearer ${held.accessToken}`;
      if (held && now() < held.expiresAt) {
        // Early refresh: keep serving the token we hold while a new one is fetched. A refresh
        // that fails or hangs costs callers nothing until the held token really expires.
        refresh(deadline).catch(() => undefined);
        return `Bearer ${held.accessToken}`;
      }
      const token = await raceDeadline(refresh(deadline), deadline);
      return `Bearer ${token.accessToken}`;
    },
    invalidate(header) {
      if (current && header === `Bearer ${current.accessToken}`) current = undefined;
    },
    get fetchCount() {
      return fetchCount;
    },
  };
}

/** Reads the `exp` claim (seconds) of a JWT without verifying it; undefined when absent. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function raceDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new TokenWaitTimeout('gave up waiting for an access token')),
      Math.max(0, deadline - Date.now()),
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
