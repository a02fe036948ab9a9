/**
 * Bearer tokens from the company's identity provider, verified with jose against its JWKS (fetched
 * over HTTP, cached, fetched again when a token names an unknown key id), its issuer and audience.
 */
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import { isProviderId, type ProviderId } from '../providers/ids.js';
import type { Client } from './model.js';

export interface JwtOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
  clockToleranceS: number;
  /** Least time between two fetches of the key set that a token with an unknown kid causes. */
  cooldownMs: number;
  rateLimitPerMinute: number;
}

/** Asymmetric algorithms only: a JWKS publishes public keys, so an HMAC token is never valid here. */
const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

export type JwtResult =
  | { ok: true; client: Client }
  | { ok: false; reason: 'invalid' }
  /** The keys could not be fetched: not the caller's fault, and not a verdict on the token. */
  | { ok: false; reason: 'unavailable'; error: unknown };

const claims = z.object({
  client_id: z.string().min(1).optional(),
  azp: z.string().min(1).optional(),
  sub: z.string().min(1).optional(),
  scope: z.string().optional(),
  scp: z.array(z.string()).optional(),
  'switchyard:providers': z.array(z.string()).optional(),
  'switchyard:card_programs': z.array(z.string().regex(/^\d{1,19}$/)).optional(),
  'switchyard:trusted_documents_only': z.boolean().optional(),
});

/** The client a verified token speaks for; null when its claims do not make one. */
export function clientFromClaims(payload: JWTPayload, rateLimitPerMinute: number): Client | null {
  const parsed = claims.safeParse(payload);
  if (!parsed.success) return null;
  const c = parsed.data;
  const id = c.client_id ?? c.azp ?? c.sub;
  // An id is kept whole or the token is refused: cutting it could make two clients one.
  if (!id || id.length > MAX_CLIENT_ID) return null;
  const scopes = c.scp ?? (c.scope ?? '').split(' ').filter(Boolean);
  const providers = c['switchyard:providers']?.map((p) => p.toLowerCase()).filter(isProviderId);
  return {
    id,
    name: id,
    via: 'jwt',
    scopes: new Set(scopes),
    providers: providers ? new Set<ProviderId>(providers) : null,
    cardPrograms: c['switchyard:card_programs'] ? new Set(c['switchyard:card_programs']) : null,
    rateLimitPerMinute,
    trustedDocumentsOnly: c['switchyard:trusted_documents_only'] ?? false,
  };
}

/** Longest bearer token looked at; a longer one is refused unread. */
const MAX_TOKEN_LENGTH = 8_192;
const MAX_CLIENT_ID = 128;

/** Refusals jose makes after the signature checked out: wrong issuer or audience, expired. */
function signedButRefused(error: unknown): boolean {
  if (error instanceof errors.JWTExpired) return true;
  return error instanceof errors.JWTClaimValidationFailed && error.claim !== 'nbf';
}

/** The identity provider's key set could not be had: a fetch that failed, timed out or was not a JWKS. */
function keysUnavailable(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true; // fetch failed (connection refused, DNS)
  return (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    (error.code === 'ERR_JOSE_GENERIC' && error.message.includes('JSON Web Key Set HTTP response'))
  );
}

/**
 * Verdicts are remembered per token for up to a minute (a signature check costs ~90 us, a third
 * of a single read's own CPU): a valid token until its expiry or the minute, whichever comes
 * first; an invalid one for the minute, so a stream of bad tokens costs one check each.
 */
const REMEMBER_MS = 60_000;
const REMEMBERED_MAX = 10_000;

class Verdicts {
  private readonly entries = new Map<string, { result: JwtResult; until: number }>();
  get(token: string, now: number): JwtResult | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.until > now) return entry.result;
    this.entries.delete(token);
    return undefined;
  }
  set(token: string, result: JwtResult, until: number): void {
    if (this.entries.size >= REMEMBERED_MAX) {
      // The oldest first: a Map iterates in insertion order.
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(token, { result, until });
  }
}

export function createJwtVerifier(options: JwtOptions): (token: string) => Promise<JwtResult> {
  const verdicts = new Verdicts();
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
    timeoutDuration: 5_000,
    // A token naming an unknown key id fetches the set again, but not more often than this.
    cooldownDuration: options.cooldownMs,
    cacheMaxAge: 10 * 60_000,
  });
  /** The verdict, and until when it may be remembered (not at all without `until`). */
  const verify = async (token: string): Promise<{ result: JwtResult; until?: number }> => {
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: options.clockToleranceS,
        algorithms: ALGORITHMS,
        // A token that never expires is not accepted.
        requiredClaims: ['exp'],
      });
      const client = clientFromClaims(payload, options.rateLimitPerMinute);
      if (!client) return { result: { ok: false, reason: 'invalid' }, until: Infinity };
      return { result: { ok: true, client }, until: payload.exp! * 1000 };
    } catch (error) {
      if (keysUnavailable(error)) return { result: { ok: false, reason: 'unavailable', error } };
      // Remembered only when the signature was checked and time will not change the answer: a
      // token of a key published a moment later, or one not yet valid, is asked about again.
      return {
        result: { ok: false, reason: 'invalid' },
        ...(signedButRefused(error) ? { until: Infinity } : {}),
      };
    }
  };
  return async (token) => {
    if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'invalid' };
    const now = Date.now();
    const key = createHash('sha256').update(token).digest('base64');
    const known = verdicts.get(key, now);
    if (known) return known;
    const { result, until } = await verify(token);
    if (until !== undefined) verdicts.set(key, result, Math.min(now + REMEMBER_MS, until));
    return result;
  };
}
