/**
 * Bearer tokens from the company's identity provider, verified with jose against its JWKS (fetched
 * over HTTP, cached, fetched again when a token names an unknown key id), its issuer and audience.
 */
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
  if (!id) return null;
  const scopes = c.scp ?? (c.scope ?? '').split(' ').filter(Boolean);
  const providers = c['switchyard:providers']?.map((p) => p.toLowerCase()).filter(isProviderId);
  return {
    id: id.slice(0, 128),
    name: id.slice(0, 128),
    via: 'jwt',
    scopes: new Set(scopes),
    providers: providers ? new Set<ProviderId>(providers) : null,
    cardPrograms: c['switchyard:card_programs'] ? new Set(c['switchyard:card_programs']) : null,
    rateLimitPerMinute,
    trustedDocumentsOnly: c['switchyard:trusted_documents_only'] ?? false,
  };
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
  const verify = async (token: string): Promise<{ result: JwtResult; expiresAt?: number }> => {
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: options.clockToleranceS,
        algorithms: ALGORITHMS,
      });
      const client = clientFromClaims(payload, options.rateLimitPerMinute);
      return client
        ? { result: { ok: true, client }, expiresAt: payload.exp ? payload.exp * 1000 : undefined }
        : { result: { ok: false, reason: 'invalid' } };
    } catch (error) {
      return keysUnavailable(error)
        ? { result: { ok: false, reason: 'unavailable', error } }
        : { result: { ok: false, reason: 'invalid' } };
    }
  };
  return async (token) => {
    const now = Date.now();
    const known = verdicts.get(token, now);
    if (known) return known;
    const { result, expiresAt } = await verify(token);
    // An outage is not a verdict on the token: ask again next time.
    if (!(!result.ok && result.reason === 'unavailable')) {
      verdicts.set(token, result, Math.min(now + REMEMBER_MS, expiresAt ?? Infinity));
    }
    return result;
  };
}
