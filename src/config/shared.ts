/** zod building blocks for environment variables, shared by the gateway and provider slices. */
import { z } from 'zod';

/** A provider origin, scheme://host[:port], with no path: adapters append documented paths. */
export const originUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return /^https?:$/.test(url.protocol) && url.pathname === '/' && !url.search && !url.username;
    } catch {
      return false;
    }
  }, 'must be an origin like https://host[:port] with no path')
  .transform((value) => value.replace(/\/+$/, ''));

/** A non-empty secret or identifier. */
export const nonEmpty = z.string().trim().min(1, 'must not be empty');

export const positiveInt = (fallback: number) =>
  z.coerce.number().int().positive().default(fallback);

/**
 * Makes every listed variable required once `baseVar` is set: a LIVE provider must have its
 * credentials, and the message names each missing variable.
 */
export function requiredWhenLive<T extends Record<string, unknown>>(
  baseVar: keyof T & string,
  required: (keyof T & string)[],
) {
  return (env: T, ctx: z.RefinementCtx) => {
    if (env[baseVar] === undefined) return;
    for (const name of required) {
      if (env[name] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `is required when ${baseVar} is set`,
        });
      }
    }
  };
}
