/** zod building blocks for environment variables, shared by the gateway and provider slices. */
import { z } from 'zod';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/**
 * An http(s) URL something trusted travels to or comes from: https, or http for loopback hosts
 * only, and no credentials in it; `originOnly` also refuses a path, query or fragment.
 */
function loopbackOrHttps(example: string, originOnly: boolean) {
  return z
    .string()
    .trim()
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be ${example}` });
        return;
      }
      const notAnOrigin = originOnly && (url.pathname !== '/' || url.search || url.hash);
      if (!/^https?:$/.test(url.protocol) || url.username || url.password || notAnOrigin) {
        ctx.addIssue({
          code: 'custom',
          message: originOnly
            ? `must be ${example}, with no path, query, fragment or credentials`
            : 'must be an http(s) URL without credentials',
        });
      } else if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
        ctx.addIssue({
          code: 'custom',
          message: 'must use https (http is accepted for loopback hosts only)',
        });
      }
    });
}

/**
 * A provider origin, scheme://host[:port], with no path: adapters append documented paths.
 * Credentials travel to it, so plain http is accepted only for loopback hosts.
 */
export const originUrl = loopbackOrHttps('an origin like https://host[:port]', true).transform(
  (value) => value.replace(/\/+$/, ''),
);

/** A URL the gateway fetches something trusted from (a JWKS). */
export const secureUrl = loopbackOrHttps('a URL like https://host/path', false);

/** `true` or `false`, as most deploy tools write a flag. */
export const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true');

/** A non-empty secret or identifier. */
export const nonEmpty = z.string().trim().min(1, 'must not be empty');

export const positiveInt = (fallback: number) =>
  z.coerce.number().int().positive().default(fallback);

/**
 * Credentials go with their base URL: every listed variable is required once `baseVar` is set (a
 * LIVE provider must have its credentials), and none may be set without it, because that usually
 * means a forgotten base URL and the provider would quietly run against its sandbox.
 */
export function requiredWhenLive<T extends Record<string, unknown>>(
  baseVar: keyof T & string,
  required: (keyof T & string)[],
) {
  return (env: T, ctx: z.RefinementCtx) => {
    if (env[baseVar] === undefined) {
      for (const name of required) {
        if (env[name] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `is set but ${baseVar} is not: set ${baseVar} to go live, or unset ${name} to use the sandbox`,
          });
        }
      }
      return;
    }
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
