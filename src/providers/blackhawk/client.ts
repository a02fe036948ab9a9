/**
 * Blackhawk CAVS over HTTP: the client-credentials token (cached, single flight, refreshed once after
 * a 401 by the transport) and one set-activation-codes request per batch.
 */
import { GatewayErrorCode, UpstreamError } from '../../errors.js';
import { requestToken } from '../../transport/oauth.js';
import { createTokenCache, jwtExpiry, type IssuedToken } from '../../transport/token-cache.js';
import type { HttpResponse } from '../../transport/types.js';
import { parseWire } from '../../transport/wire.js';
import type { CallContext, CardCodeRecord, ProviderDeps } from '../contract.js';
import type { BlackhawkSettings } from './config.js';
import { scrubSecrets } from './redact.js';
import {
  AUTH_PATH,
  SET_CODES_PATH,
  blackhawkRejection,
  blackhawkResult,
  blackhawkToken,
  serializeCodeRecords,
  type BlackhawkToken,
} from './wire.js';

/**
 * Token lifetime when the response has neither expires_in nor a JWT exp claim. Short on purpose: a
 * longer-lived token is merely fetched again early, and one that dies sooner is refreshed on its 401.
 */
export const DEFAULT_TOKEN_TTL_MS = 5 * 60_000;
/** Longest provider message passed on, cut after activation codes are removed from it. */
const MAX_PROVIDER_MESSAGE = 300;

/** Expiry from expires_in, else the JWT exp claim, else DEFAULT_TOKEN_TTL_MS. */
export function issuedToken(token: BlackhawkToken, now: number): IssuedToken {
  const expiresAt =
    token.expiresInSeconds !== undefined
      ? now + token.expiresInSeconds * 1000
      : (jwtExpiry(token.accessToken) ?? now + DEFAULT_TOKEN_TTL_MS);
  return { accessToken: token.accessToken, expiresAt };
}

/** Blackhawk's verdict on one batch; transport failures reject with UpstreamError instead. */
export type BatchAnswer =
  | { accepted: true }
  | {
      accepted: false;
      statusCode: number;
      /** The body's `status` as sent (CAVS has no error codes; it echoes a status there), if any. */
      providerCode: string | null;
      /** The provider's own words with every activation code of the batch removed, if it gave any. */
      detail: string | null;
    };

export interface BlackhawkClient {
  /** Sends one batch of at most MAX_CODES_PER_REQUEST records in one request. */
  setActivationCodes(batch: readonly CardCodeRecord[], ctx: CallContext): Promise<BatchAnswer>;
}

function providerDetail(message: string | null | undefined, batch: readonly CardCodeRecord[]) {
  if (!message) return null;
  const scrubbed = scrubSecrets(
    message,
    batch.map((r) => r.activationCode),
  )
    .replace(/\s+/g, ' ')
    .trim();
  // Cut only after scrubbing: a code cut in half would no longer be recognised.
  return scrubbed.length > MAX_PROVIDER_MESSAGE
    ? `${scrubbed.slice(0, MAX_PROVIDER_MESSAGE)}…`
    : scrubbed;
}

export function createBlackhawkClient(
  settings: BlackhawkSettings,
  deps: ProviderDeps,
): BlackhawkClient {
  const { log } = deps;
  const basic = Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64');

  const fetchToken = async (deadline: number): Promise<IssuedToken> => {
    const form: Record<string, string> = { grant_type: 'client_credentials' };
    if (settings.scope) form.scope = settings.scope;
    const token = await requestToken(
      http,
      {
        path: AUTH_PATH,
        deadline,
        form,
        headers: {
          accept: 'application/json',
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          response_type: 'token id_token',
        },
      },
      blackhawkToken,
      log,
    );
    return issuedToken(token, Date.now());
  };

  const tokens = createTokenCache({ fetch: fetchToken, provider: 'blackhawk', log });
  const http = deps.http({
    baseUrl: settings.baseUrl,
    auth: tokens,
  });

  const rejected = (
    response: HttpResponse,
    body: { status?: string | number | null; message?: string | null } | null,
    batch: readonly CardCodeRecord[],
  ): BatchAnswer => ({
    accepted: false,
    statusCode: response.statusCode,
    providerCode: body?.status == null ? null : String(body.status),
    detail: providerDetail(body?.message, batch),
  });

  return {
    async setActivationCodes(batch, ctx) {
      const response = await http.send({
        method: 'POST',
        path: SET_CODES_PATH,
        kind: 'write',
        operation: 'set activation codes',
        body: serializeCodeRecords(batch),
        headers: { 'content-type': 'application/json' },
        scope: ctx,
      });
      if (response.statusCode >= 200 && response.statusCode < 300) {
        const body = parseWire(blackhawkResult, response, {
          provider: 'blackhawk',
          kind: 'write',
          what: 'set activation codes',
          log: ctx.log,
        });
        return body.success ? { accepted: true } : rejected(response, body, batch);
      }
      // Any other status the transport hands back is a 4xx. In CAVS's own error shape it means
      // CAVS refused the whole batch; without it (an HTML 404 from a proxy, a wrong origin) it is
      // the gateway's configuration or the path in between, not the caller's records.
      const body = blackhawkRejection.safeParse(response.body);
      if (!body.success) {
        ctx.log.error('provider answered neither a success nor its error envelope', {
          provider: 'blackhawk',
          operation: 'set activation codes',
          status: response.statusCode,
        });
        throw new UpstreamError(
          GatewayErrorCode.PROVIDER_UNAVAILABLE,
          'blackhawk',
          `blackhawk answered HTTP ${response.statusCode} without its error body; check BLACKHAWK_BASE_URL`,
        );
      }
      return rejected(
        response,
        { status: body.data.status, message: body.data.message ?? body.data.error },
        batch,
      );
    },
  };
}
