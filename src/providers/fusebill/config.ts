import { z } from 'zod';
import { nonEmpty, originUrl, requiredWhenLive } from '../../config/shared.js';

/** Fusebill's environment variables. Setting FUSEBILL_BASE_URL makes it LIVE. */
export const fusebillEnv = z
  .object({
    /** Origin of the Fusebill API, e.g. https://secure.fusebill.com (the adapter adds /v1/...). */
    FUSEBILL_BASE_URL: originUrl.optional(),
    /** The API key exactly as Fusebill shows it: already base64, sent as `Basic <key>`. */
    FUSEBILL_API_KEY: nonEmpty.optional(),
  })
  .superRefine(requiredWhenLive('FUSEBILL_BASE_URL', ['FUSEBILL_API_KEY']));

export type FusebillEnv = z.infer<typeof fusebillEnv>;

export interface FusebillSettings {
  baseUrl: string;
  apiKey: string;
}

export function fusebillLiveSettings(env: FusebillEnv): FusebillSettings | null {
  return env.FUSEBILL_BASE_URL && env.FUSEBILL_API_KEY
    ? { baseUrl: env.FUSEBILL_BASE_URL, apiKey: env.FUSEBILL_API_KEY }
    : null;
}
