/** zod schemas of EnKash's raw payloads: only the fields the gateway reads. */
import { z } from 'zod';

const count = z.number().int().nonnegative().nullish();
const text = z.string().nullish();

/** The OAuth password-grant answer of `POST /oauth/token`. */
export const enkashToken = z.object({
  access_token: z.string().min(1),
  // Every request carries `Bearer <token>`; any other token type would need another header.
  token_type: z.string().regex(/^bearer$/i, 'must be "bearer"'),
  // Seconds. Some EnKash samples omit it; the client then assumes a short lifetime.
  expires_in: z
    .union([z.number(), z.string().regex(/^\d+$/)])
    .transform(Number)
    .pipe(z.number().int().positive())
    .nullish(),
  refresh_token: text,
  scope: text,
});
export type EnkashToken = z.infer<typeof enkashToken>;

/** An OAuth error answer of the token endpoint, read only for its `error` code (never logged in full). */
export const enkashOAuthError = z
  .object({ error: z.string().max(64).nullish() })
  .catch({ error: null });

/** EnKash's ErrorResponse. `errorType` is kept as a string: a value EnKash adds must not crash us. */
export const enkashErrorResponse = z.object({
  errorType: text,
  errorMessage: text,
  requestId: text,
  timestamp: text,
});

/**
 * The AR envelope `{errorResponse?, payload?, response_code?, response_message?}` of every answer.
 * A body with none of its members (an encrypted `{request}` body among them) is not an envelope:
 * reading it as one would turn any answer into a success.
 */
export const enkashEnvelope = z
  .object({
    errorResponse: enkashErrorResponse.nullish(),
    payload: z.unknown().optional(),
    response_code: z.number().int().nullish(),
    response_message: text,
  })
  .refine(
    (e) => e.errorResponse != null || e.payload !== undefined || e.response_code != null,
    'has none of errorResponse, payload, response_code',
  );
export type EnkashEnvelope = z.infer<typeof enkashEnvelope>;

/** The `BulkResponse«Void»` payload of `POST /api/v0/customer/bulk/update`. */
export const enkashBulkResponse = z.object({
  total_count: count,
  success_count: count,
  failure_count: count,
  warn_count: count,
  success_file_url: text,
  failure_file_url: text,
});
