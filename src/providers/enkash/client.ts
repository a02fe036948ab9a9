/**
 * EnKash over HTTP: the OAuth password grant behind a shared token cache, Bearer auth on every AR
 * call, and the AR envelope, whose errorResponse decides success whatever the HTTP status.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { UpstreamError } from '../../errors.js';
import { requestToken } from '../../transport/oauth.js';
import { createTokenCache, type IssuedToken } from '../../transport/token-cache.js';
import type { HttpRequest, HttpResponse } from '../../transport/types.js';
import { parseWire } from '../../transport/wire.js';
import type { CallContext, ProviderDeps } from '../contract.js';
import type { EnkashSettings } from './config.js';
import { enkashErrorRule, enkashOutcome } from './status.js';
import { enkashEnvelope, enkashOAuthError, enkashToken } from './wire.js';

/** Token lifetime assumed when EnKash omits expires_in: the shortest it documents (5 minutes). */
export const ENKASH_DEFAULT_TOKEN_LIFETIME_MS = 5 * 60_000;
/** Renew a token this long before it expires (the cache halves it for shorter-lived tokens). */
export const ENKASH_TOKEN_REFRESH_SKEW_MS = 60_000;
/**
 * After EnKash rejects our credentials, fail fast this long before asking again (unless the shared
 * count was cleared meanwhile): EnKash locks the account after 3 consecutive failed attempts, and
 * a wrong password stays wrong until someone fixes it.
 */
export const ENKASH_REJECTION_COOLDOWN_MS = 5 * 60_000;

/**
 * EnKash locks the account after 3 failed logins. Logins stop after this many rejections in a
 * row, counted by every replica that shares REDIS_URL (per replica without it), leaving the third
 * attempt to a person. The count lapses REJECTED_LOGINS_TTL_MS after the last rejection, is cleared
 * when a login works, and may be deleted by an operator; every replica then logs in again.
 */
export const ENKASH_MAX_REJECTED_LOGINS = 2;

export interface EnkashClient {
  /** Sends an AR request and returns the envelope's payload parsed with `schema`; errors are thrown. */
  call<S extends z.ZodType>(request: HttpRequest, schema: S, ctx: CallContext): Promise<z.infer<S>>;
}

/** An answer that refuses the access token itself, in a 200 envelope: treated like a 401. */
function tokenRejected(response: HttpResponse): boolean {
  const envelope = enkashEnvelope.safeParse(response.body);
  const rule = enkashErrorRule(envelope.data?.errorResponse?.errorType);
  return rule?.kind === 'upstream' && rule.renewToken === true;
}

export function createEnkashClient(settings: EnkashSettings, deps: ProviderDeps): EnkashClient {
  const { log } = deps;
  const basic = `Basic ${Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64')}`;
  const tokens = createTokenCache({
    fetch: (deadline) => fetchToken(deadline),
    refreshSkewMs: ENKASH_TOKEN_REFRESH_SKEW_MS,
    rejectionCooldownMs: ENKASH_REJECTION_COOLDOWN_MS,
    maxConsecutiveRejections: ENKASH_MAX_REJECTED_LOGINS,
    // Counted per client id and user across replicas sharing REDIS_URL; names no secret.
    ledger: deps.rejections,
    ledgerKey: `enkash:${createHash('sha256').update(`${settings.clientId}\u0000${settings.username}`).digest('hex').slice(0, 16)}`,
    provider: 'enkash',
    log,
  });
  const http = deps.http({
    baseUrl: settings.baseUrl,
    auth: tokens,
    tokenRejected,
  });

  const fetchToken = async (deadline: number): Promise<IssuedToken> => {
    const requestedAt = Date.now();
    const token = await requestToken(
      http,
      {
        path: '/oauth/token',
        deadline,
        headers: { authorization: basic },
        form: {
          username: settings.username,
          password: settings.password,
          grant_type: 'password',
          clientId: settings.companyId,
        },
      },
      enkashToken,
      log,
      // Only the OAuth error code is logged: descriptions may repeat the username.
      (body) => ({ oauthError: enkashOAuthError.safeParse(body).data?.error ?? null }),
    );
    const lifetimeMs = token.expires_in
      ? token.expires_in * 1000
      : ENKASH_DEFAULT_TOKEN_LIFETIME_MS;
    return { accessToken: token.access_token, expiresAt: requestedAt + lifetimeMs };
  };

  return {
    async call(request, schema, ctx) {
      const response = await http.send({ ...request, scope: ctx });
      const { statusCode } = response;
      const wire = { provider: 'enkash' as const, kind: request.kind, log: ctx.log };
      // A 2xx that is not an envelope is OUTCOME_UNKNOWN on a write; any other status may carry
      // no envelope at all (the transport leaves a body that is not JSON undefined).
      const envelope =
        statusCode >= 200 && statusCode < 300
          ? parseWire(enkashEnvelope, response, { ...wire, what: `${request.operation} response` })
          : (enkashEnvelope.safeParse(response.body).data ?? null);
      const failure = enkashOutcome(statusCode, envelope);
      if (failure) {
        const fields = {
          provider: 'enkash',
          operation: request.operation,
          status: statusCode,
          errorType: envelope?.errorResponse?.errorType ?? null,
          enkashRequestId: envelope?.errorResponse?.requestId ?? null,
        };
        if (!envelope) {
          ctx.log.error('provider answered neither a success nor its error envelope', fields);
        } else if (failure instanceof UpstreamError) {
          ctx.log.warn('enkash reported a failure', fields);
        } else ctx.log.info('enkash refused the request', fields);
        throw failure;
      }
      return parseWire(
        schema,
        { statusCode, body: envelope?.payload },
        { ...wire, what: `${request.operation} payload` },
      );
    },
  };
}
