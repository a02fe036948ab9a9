/** Blackhawk CAVS wire format: paths, limits and zod schemas of the raw payloads (only fields we use). */
import { z } from 'zod';
import type { CardCodeRecord } from '../contract.js';

export const AUTH_PATH = '/api/auth';
export const SET_CODES_PATH = '/cards/v1/set-activation-codes';

/** Blackhawk recommends at most 1,000 codes per request; larger sets are split into batches. */
export const MAX_CODES_PER_REQUEST = 1_000;

/**
 * The set-activation-codes body of one batch: `[{"quoteNumber","proxyNumber","activationCode"}]`,
 * the same bytes JSON.stringify would write. Numbers stay digit strings (a 19-digit proxy is not a
 * safe JS number).
 *
 * Written straight from the records, with no copy of them in the wire shape and no second walk by
 * JSON.stringify: about twice as fast for 100,000 codes. Only for records that passed
 * validateCardCodes, whose values are digits and ASCII letters, so nothing needs escaping.
 */
export function serializeCodeRecords(batch: readonly CardCodeRecord[]): string {
  const parts = new Array<string>(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const { programNumber, proxyNumber, activationCode } = batch[i];
    parts[i] =
      `{"quoteNumber":"${programNumber}","proxyNumber":"${proxyNumber}","activationCode":"${activationCode}"}`;
  }
  return `[${parts.join(',')}]`;
}

const tokenString = z.string().min(1);
const seconds = z.union([
  z.number().positive(),
  z
    .string()
    .regex(/^\d+$/)
    .transform(Number)
    .refine((n) => n > 0),
]);

/**
 * The token response. Its field names are undocumented ("returns a JWT Auth token"): read
 * access_token, else token, else id_token. An unusable expires_in is ignored, not fatal: the JWT
 * exp claim or a default then applies.
 */
export const blackhawkToken = z
  .object({
    access_token: tokenString.nullish(),
    token: tokenString.nullish(),
    id_token: tokenString.nullish(),
    expires_in: seconds.nullish().catch(undefined),
  })
  .refine((body) => Boolean(body.access_token ?? body.token ?? body.id_token), {
    message: 'has no access_token, token or id_token',
  })
  .transform((body) => ({
    accessToken: body.access_token ?? body.token ?? body.id_token ?? '',
    expiresInSeconds: body.expires_in ?? undefined,
  }));
export type BlackhawkToken = z.infer<typeof blackhawkToken>;

/** Documented as a "Boolean String"; the samples also show a JSON boolean. */
const booleanish = z.union([
  z.boolean(),
  z
    .string()
    .regex(/^(true|false)$/i)
    .transform((value) => value.toLowerCase() === 'true'),
]);
/** Documented as a String matching the HTTP status; the samples show a number. */
const status = z.union([z.string(), z.number()]).nullish();

/** The answer to set-activation-codes: {status, success, message}. */
export const blackhawkResult = z.object({
  status,
  success: booleanish,
  message: z.string().nullish(),
});

/**
 * A 4xx body: CAVS's own {status, success: false, message} or Spring's {status, error, message, path}.
 * Read leniently: the HTTP status alone already says the batch was rejected.
 */
export const blackhawkRejection = z
  .object({
    status,
    error: z.string().nullish(),
    message: z.string().nullish(),
  })
  .refine((body) => body.status != null || body.message != null || body.error != null, {
    message: 'not a CAVS error body',
  });
