import { z } from 'zod';
import { nonEmpty, originUrl, requiredWhenLive } from '../../config/shared.js';

/** EnKash company ids (our own, and `parentCompanyId`), as EnKash documents them. */
export const ENKASH_COMPANY_ID = /^CEK[A-Z0-9]{7}$/;

/** EnKash's environment variables. Setting ENKASH_BASE_URL makes it LIVE. */
export const enkashEnv = z
  .object({
    /** Origin of the EnKash AR API (the adapter adds /oauth/token and /api/v0/...). */
    ENKASH_BASE_URL: originUrl.optional(),
    /** OAuth client id, the user half of the token request's Basic header. */
    ENKASH_CLIENT_ID: nonEmpty.optional(),
    /** OAuth client secret, the password half of the token request's Basic header. */
    ENKASH_CLIENT_SECRET: nonEmpty.optional(),
    /** The API user's registered e-mail, sent as `username` in the password grant. */
    ENKASH_USERNAME: nonEmpty.optional(),
    /** The API user's password. EnKash locks the account after 3 failed attempts. */
    ENKASH_PASSWORD: nonEmpty.optional(),
    /** Our EnKash company id, sent as `clientId` in the password grant. */
    ENKASH_COMPANY_ID: z
      .string()
      .trim()
      .regex(ENKASH_COMPANY_ID, 'must be an EnKash company id matching ^CEK[A-Z0-9]{7}$')
      .optional(),
  })
  .superRefine(
    requiredWhenLive('ENKASH_BASE_URL', [
      'ENKASH_CLIENT_ID',
      'ENKASH_CLIENT_SECRET',
      'ENKASH_USERNAME',
      'ENKASH_PASSWORD',
      'ENKASH_COMPANY_ID',
    ]),
  );

export type EnkashEnv = z.infer<typeof enkashEnv>;

export interface EnkashSettings {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  companyId: string;
}

export function enkashLiveSettings(env: EnkashEnv): EnkashSettings | null {
  const {
    ENKASH_BASE_URL: baseUrl,
    ENKASH_CLIENT_ID: clientId,
    ENKASH_CLIENT_SECRET: clientSecret,
    ENKASH_USERNAME: username,
    ENKASH_PASSWORD: password,
    ENKASH_COMPANY_ID: companyId,
  } = env;
  return baseUrl && clientId && clientSecret && username && password && companyId
    ? { baseUrl, clientId, clientSecret, username, password, companyId }
    : null;
}
