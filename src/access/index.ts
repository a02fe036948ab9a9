/**
 * Client access, assembled once at start-up from the configuration: who a request comes from (an
 * API key from CLIENTS_FILE, or a JWT verified against AUTH_JWKS_URL), and how many requests a
 * minute each client may make. With neither configured the gateway runs open: every caller is the
 * open client, with every scope and no rate limit.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import type { Redis } from '../redis.js';
import { ClientsFileError, clientForKey, loadClientsFile, type KeyedClient } from './clients.js';
import { loadManifest, type TrustedDocuments } from './documents.js';
import { createJwtVerifier } from './jwt.js';
import { openClient, type Client } from './model.js';
import { createClientRateLimiter, type ClientRateLimiter } from './rate-limit.js';

export type { Client } from './model.js';

export type Authentication =
  | { ok: true; client: Client }
  /** `missing`: no credential; `invalid`: one that fails any check (which one is not said). */
  | { ok: false; reason: 'missing' | 'invalid' }
  /** The identity provider's keys could not be fetched: 503, not the caller's fault. */
  | { ok: false; reason: 'unavailable' };

export interface Access {
  /** True when no client authentication is configured. */
  readonly open: boolean;
  /** The caller of an open gateway. */
  readonly openClient: Client;
  /** The `WWW-Authenticate` challenges a 401 carries. */
  readonly challenge: string;
  /** Who sent these headers. Decided before anything else of the request is looked at. */
  authenticate(
    headers: IncomingHttpHeaders,
    rawHeaders: readonly string[],
  ): Promise<Authentication>;
  readonly limiter: ClientRateLimiter;
  /** The trusted documents of PERSISTED_DOCUMENTS_FILE, by sha256; empty without one. */
  readonly documents: TrustedDocuments;
}

type AccessConfig = Pick<
  GatewayConfig,
  | 'CLIENTS_FILE'
  | 'AUTH_JWKS_URL'
  | 'AUTH_JWT_ISSUER'
  | 'AUTH_JWT_AUDIENCE'
  | 'AUTH_JWT_CLOCK_TOLERANCE_S'
  | 'AUTH_JWKS_COOLDOWN_MS'
  | 'CLIENT_RATE_LIMIT_PER_MINUTE'
  | 'PERSISTED_DOCUMENTS_FILE'
>;

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i;

const count = (rawHeaders: readonly string[], name: string) => {
  let n = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === name) n++;
  return n;
};

/**
 * Throws ClientsFileError when CLIENTS_FILE cannot be used (the message names no key), and
 * ManifestError when PERSISTED_DOCUMENTS_FILE cannot.
 */
export function createAccess(config: AccessConfig, shared: { redis?: Redis; log: Logger }): Access {
  const keyed: KeyedClient[] | null = config.CLIENTS_FILE
    ? loadClientsFile(config.CLIENTS_FILE, config.CLIENT_RATE_LIMIT_PER_MINUTE)
    : null;
  const documents: TrustedDocuments = config.PERSISTED_DOCUMENTS_FILE
    ? loadManifest(config.PERSISTED_DOCUMENTS_FILE)
    : new Map();
  const trustedOnly = keyed?.find(({ client }) => client.trustedDocumentsOnly);
  if (trustedOnly && documents.size === 0) {
    throw new ClientsFileError(
      `CLIENTS_FILE: client "${trustedOnly.client.id}" may only run trusted documents, but PERSISTED_DOCUMENTS_FILE names none`,
    );
  }
  const jwks =
    config.AUTH_JWKS_URL && config.AUTH_JWT_ISSUER && config.AUTH_JWT_AUDIENCE
      ? createJwtVerifier({
          jwksUrl: config.AUTH_JWKS_URL,
          issuer: config.AUTH_JWT_ISSUER,
          audience: config.AUTH_JWT_AUDIENCE,
          clockToleranceS: config.AUTH_JWT_CLOCK_TOLERANCE_S,
          cooldownMs: config.AUTH_JWKS_COOLDOWN_MS,
          rateLimitPerMinute: config.CLIENT_RATE_LIMIT_PER_MINUTE,
        })
      : null;
  const { log } = shared;
  const challenge = [
    ...(jwks ? ['Bearer realm="switchyard"'] : []),
    ...(keyed ? ['ApiKey realm="switchyard", header="x-api-key"'] : []),
  ].join(', ');
  let warnedUnavailable = false;

  return {
    open: !keyed && !jwks,
    openClient: openClient(config.CLIENT_RATE_LIMIT_PER_MINUTE),
    challenge,
    limiter: createClientRateLimiter(shared.redis, log),
    documents,
    async authenticate(headers, rawHeaders) {
      const key = headers['x-api-key'];
      const authorization = headers.authorization;
      if (key === undefined && authorization === undefined) return { ok: false, reason: 'missing' };
      // One credential per request: two could name two clients.
      if (key !== undefined && authorization !== undefined) return { ok: false, reason: 'invalid' };
      // Node keeps the first of two Authorization headers; a proxy in front may have read the
      // other. Two are refused rather than guessed between.
      if (authorization !== undefined && count(rawHeaders, 'authorization') > 1) {
        return { ok: false, reason: 'invalid' };
      }
      if (key !== undefined) {
        const client = keyed && typeof key === 'string' ? clientForKey(keyed, key) : null;
        return client ? { ok: true, client } : { ok: false, reason: 'invalid' };
      }
      const token = BEARER.exec(authorization ?? '')?.[1];
      if (!token || !jwks) return { ok: false, reason: 'invalid' };
      const result = await jwks(token);
      if (result.ok) {
        warnedUnavailable = false;
        return result;
      }
      if (result.reason === 'unavailable') {
        if (!warnedUnavailable) {
          warnedUnavailable = true;
          log.error('the JWKS could not be fetched: bearer tokens cannot be verified', {
            error: result.error,
          });
        }
        return { ok: false, reason: 'unavailable' };
      }
      return { ok: false, reason: 'invalid' };
    },
  };
}
