import { z } from 'zod';
import { nonEmpty, originUrl, requiredWhenLive } from '../../config/shared.js';

/** Blackhawk CAVS environment variables. Setting BLACKHAWK_BASE_URL makes it LIVE. */
export const blackhawkEnv = z
  .object({
    /** Origin of the CAVS API, e.g. https://marketplace.bhnapi.com (the adapter adds /api/auth, /cards/v1/...). */
    BLACKHAWK_BASE_URL: originUrl.optional(),
    /** OAuth client id, sent as the user part of `Basic base64(clientId:clientSecret)`. */
    BLACKHAWK_CLIENT_ID: nonEmpty
      .refine((value) => !value.includes(':'), 'must not contain ":" (it is a Basic auth user id)')
      .optional(),
    /** OAuth client secret. */
    BLACKHAWK_CLIENT_SECRET: nonEmpty.optional(),
    /** Optional token scope; Blackhawk's default scope covers every API configured for the account. */
    BLACKHAWK_SCOPE: nonEmpty.optional(),
  })
  .superRefine(
    requiredWhenLive('BLACKHAWK_BASE_URL', ['BLACKHAWK_CLIENT_ID', 'BLACKHAWK_CLIENT_SECRET']),
  );

export type BlackhawkEnv = z.infer<typeof blackhawkEnv>;

export interface BlackhawkSettings {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Sent as the token request's `scope` when set. */
  scope: string | null;
}

export function blackhawkLiveSettings(env: BlackhawkEnv): BlackhawkSettings | null {
  return env.BLACKHAWK_BASE_URL && env.BLACKHAWK_CLIENT_ID && env.BLACKHAWK_CLIENT_SECRET
    ? {
        baseUrl: env.BLACKHAWK_BASE_URL,
        clientId: env.BLACKHAWK_CLIENT_ID,
        clientSecret: env.BLACKHAWK_CLIENT_SECRET,
        scope: env.BLACKHAWK_SCOPE ?? null,
      }
    : null;
}
