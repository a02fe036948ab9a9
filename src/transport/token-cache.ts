/**
 * An OAuth access-token cache shared by every request of one provider client: the token is reused
 * until shortly before it expires, and concurrent callers share one in-flight fetch.
 */
import { GatewayErrorCode, UpstreamError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ProviderId } from '../providers/ids.js';
import { memoryLedger, type RejectionLedger } from './rejection-ledger.js';
import { TokenWaitTimeout, type AuthStrategy } from './types.js';

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
   * After the provider rejects our credentials, fail fast for this long instead of asking again
   * (while the ledger still counts the rejection): some providers lock an account after a few
   * failed attempts (EnKash: three).
   */
  rejectionCooldownMs?: number;
  /**
   * After this many rejections in a row, stop asking: a cool-down only slows an account lock-out
   * down. Counted in `ledger` under `ledgerKey`, so replicas sharing a ledger stop together, and
   * resume together when the count lapses or is deleted. Unlimited by default.
   */
  maxConsecutiveRejections?: number;
  /** Where rejections are counted; this process only (and for good) by default. */
  ledger?: RejectionLedger;
  /** The login the count belongs to; must name no secret. */
  ledgerKey?: string;
  /** Whose tokens these are, for the error and log line when logins are paused. */
  provider: ProviderId;
  log?: Logger;
  now?: () => number;
  /**
   * Least time a shared fetch gets, whoever starts it: a caller with little time left must not
   * doom the fetch every other caller waits for. Each caller still gives up at its own deadline.
   */
  minFetchMs?: number;
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
  /** The last rejection of our credentials by this process, and the end of its cool-down. */
  let rejected: { until: number } | undefined;
  /** Whether this process has logged the pause it is in (once per pause, not once per call). */
  let pauseLogged = false;
  const maxRejections = options.maxConsecutiveRejections ?? Infinity;
  const ledger = options.ledger ?? memoryLedger(Infinity);
  const ledgerKey = options.ledgerKey ?? options.provider;
  const { provider } = options;
  const cooldown = options.rejectionCooldownMs ?? 30_000;

  const minFetchMs = options.minFetchMs ?? 5_000;

  const authFailed = (message: string, waitMs: number) =>
    new UpstreamError(GatewayErrorCode.PROVIDER_AUTH_FAILED, provider, message, {
      ...(Number.isFinite(waitMs) ? { retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) } : {}),
    });

  /**
   * One login. The ledger decides first: while it holds `maxRejections`, logins are paused for
   * every replica sharing it, until the count lapses, a login succeeds elsewhere, or an operator
   * deletes it. This process's own cool-down applies only while the ledger still holds a count,
   * so a cleared ledger is tried at once.
   */
  const login = async (deadline: number): Promise<IssuedToken> => {
    const { count, lapsesInMs } = await ledger.read(ledgerKey);
    if (count >= maxRejections) {
      if (!pauseLogged) {
        pauseLogged = true;
        options.log?.error('logins paused after rejected credentials', {
          provider,
          ledgerKey,
          maxRejectedLogins: maxRejections,
          pausedForMs: lapsesInMs,
        });
      }
      throw authFailed(
        `${provider} rejected the gateway's credentials ${maxRejections} times in a row; logins are paused so the account does not lock` +
          (Number.isFinite(lapsesInMs)
            ? ` (for ${Math.ceil(lapsesInMs / 1000)} s more, unless an operator clears the pause)`
            : ' until an operator clears the pause'),
        lapsesInMs,
      );
    }
    pauseLogged = false;
    if (rejected && count > 0 && now() < rejected.until) {
      throw authFailed(`${provider} rejected the gateway's credentials`, rejected.until - now());
    }
    fetchCount += 1;
    try {
      const issued = await options.fetch(Math.max(deadline, Date.now() + minFetchMs));
      const fetchedAt = now();
      // Renew `skew` before expiry, or at mid-life for tokens that live shorter than twice the skew.
      const lead = Math.min(skew, Math.max(0, issued.expiresAt - fetchedAt) / 2);
      current = { ...issued, refreshAt: issued.expiresAt - lead };
      rejected = undefined;
      await ledger.clear(ledgerKey);
      return current;
    } catch (error) {
      if (error instanceof UpstreamError && error.code === GatewayErrorCode.PROVIDER_AUTH_FAILED) {
        await ledger.add(ledgerKey);
        rejected = { until: now() + cooldown };
      }
      throw error;
    }
  };

  // Single flight: whatever `login` throws, and wherever, the shared promise is dropped once it
  // settles, so the next caller after a failure asks again.
  const refresh = (deadline: number) =>
    (inFlight ??= login(deadline).finally(() => {
      inFlight = undefined;
    }));

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
