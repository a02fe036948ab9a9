import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { PROVIDERS } from '../../src/providers/registry.js';
import { providerRateLimits } from '../../src/providers/runtime.js';

const load = (env: Record<string, string>) => loadConfig(env, PROVIDERS);
const problem = (env: Record<string, string>): string => {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration', () => {
  it('has working defaults with no environment at all', () => {
    const config = load({});
    expect(config).toMatchObject({
      PORT: 4000,
      UPSTREAM_TIMEOUT_MS: 10_000,
      BODY_LIMIT_BYTES: 32 * 1024 * 1024,
      HTTP_HEADERS_TIMEOUT_MS: 10_000,
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 72_000,
      SHUTDOWN_GRACE_MS: 15_000,
      UPSTREAM_READ_RETRIES: 2,
      BREAKER_FAILURES: 5,
      BREAKER_COOLDOWN_MS: 10_000,
    });
    expect(config.disabled.size).toBe(0);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ UPSTREAM_TIMEOUT_MS: '0' }, 'UPSTREAM_TIMEOUT_MS'],
    [{ UPSTREAM_READ_RETRIES: '-1' }, 'UPSTREAM_READ_RETRIES'],
    [{ UPSTREAM_READ_RETRIES: '11' }, 'UPSTREAM_READ_RETRIES'],
    [{ BREAKER_FAILURES: '0' }, 'BREAKER_FAILURES'],
    [{ BREAKER_COOLDOWN_MS: 'soon' }, 'BREAKER_COOLDOWN_MS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ DISABLED_PROVIDERS: 'fusebill,paypal' }, 'paypal'],
    [
      { FUSEBILL_BASE_URL: 'https://secure.fusebill.com' },
      'FUSEBILL_API_KEY is required when FUSEBILL_BASE_URL is set',
    ],
    [
      { FUSEBILL_BASE_URL: 'https://secure.fusebill.com/v1', FUSEBILL_API_KEY: 'k' },
      'FUSEBILL_BASE_URL',
    ],
    [
      { FUSEBILL_BASE_URL: 'ftp://secure.fusebill.com', FUSEBILL_API_KEY: 'k' },
      'FUSEBILL_BASE_URL',
    ],
    [
      { FUSEBILL_BASE_URL: 'http://secure.fusebill.com', FUSEBILL_API_KEY: 'k' },
      'FUSEBILL_BASE_URL must use https',
    ],
    [{ FUSEBILL_API_KEY: 'k' }, 'FUSEBILL_API_KEY is set but FUSEBILL_BASE_URL is not'],
    [
      { FUSEBILL_BASE_URL: 'https://:pw@secure.fusebill.com', FUSEBILL_API_KEY: 'k' },
      'FUSEBILL_BASE_URL',
    ],
    [
      { FUSEBILL_BASE_URL: 'https://secure.fusebill.com/#x', FUSEBILL_API_KEY: 'k' },
      'FUSEBILL_BASE_URL',
    ],
    [{ NETXD_KEY_ID: 'k' }, 'NETXD_KEY_ID is set but NETXD_BASE_URL is not'],
    [{ NODE_ENV: 'prod' }, 'NODE_ENV'],
    [{ HTTP_REQUEST_TIMEOUT_MS: '0' }, 'HTTP_REQUEST_TIMEOUT_MS'],
    [{ SHUTDOWN_GRACE_MS: 'soon' }, 'SHUTDOWN_GRACE_MS'],
    [
      { HTTP_HEADERS_TIMEOUT_MS: '60000', HTTP_REQUEST_TIMEOUT_MS: '30000' },
      'HTTP_HEADERS_TIMEOUT_MS must not be longer than HTTP_REQUEST_TIMEOUT_MS',
    ],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL'],
    [
      { NODE_ENV: 'production' },
      'FUSEBILL_BASE_URL is not set, so fusebill would run against its embedded sandbox in production',
    ],
  ])('stops on %o with a message naming %s', (env, expected) => {
    expect(problem(env)).toContain(expected);
  });

  it('never echoes a secret value in its message', () => {
    const message = problem({
      FUSEBILL_BASE_URL: 'not a url',
      FUSEBILL_API_KEY: 'super-secret-key-123',
    });
    expect(message).toContain('FUSEBILL_BASE_URL');
    expect(message).not.toContain('super-secret-key-123');
  });

  it('reports every problem at once', () => {
    const message = problem({ PORT: 'x', UPSTREAM_TIMEOUT_MS: '-1' });
    expect(message).toContain('PORT');
    expect(message).toContain('UPSTREAM_TIMEOUT_MS');
  });

  it('skips the slice of a disabled provider', () => {
    const config = load({ DISABLED_PROVIDERS: 'Fusebill', FUSEBILL_BASE_URL: 'https://x.example' });
    expect([...config.disabled]).toEqual(['fusebill']);
  });

  it('gives each provider a request budget variable, holding only what is set (0: none)', () => {
    expect(load({}).providerRateLimits).toEqual({});
    expect(load({ BLACKHAWK_RATE_LIMIT_PER_MINUTE: '0' }).providerRateLimits).toEqual({
      blackhawk: 0,
    });
    expect(load({}).SANDBOX_ENFORCE_QUOTA).toBe(false);
    expect(
      load({ FUSEBILL_RATE_LIMIT_PER_MINUTE: '50', NETXD_RATE_LIMIT_PER_MINUTE: '300' })
        .providerRateLimits,
    ).toEqual({ fusebill: 50, netxd: 300 });
    expect(
      load({ DISABLED_PROVIDERS: 'fusebill', FUSEBILL_RATE_LIMIT_PER_MINUTE: 'x' })
        .providerRateLimits,
    ).toEqual({});
  });

  it.each([['-5'], ['ten'], ['1.5']])('refuses a budget of %s, naming the variable', (value) => {
    expect(problem({ BLACKHAWK_RATE_LIMIT_PER_MINUTE: value })).toMatch(
      /BLACKHAWK_RATE_LIMIT_PER_MINUTE/,
    );
  });

  it.each([
    ['a sandbox', {}, {}],
    [
      'a live Fusebill',
      { FUSEBILL_BASE_URL: 'https://secure.fusebill.com', FUSEBILL_API_KEY: 'k' },
      { fusebill: 1_000 },
    ],
    ['a sandbox enforcing its quota', { SANDBOX_ENFORCE_QUOTA: 'true' }, { fusebill: 1_000 }],
    ['a set limit', { NETXD_RATE_LIMIT_PER_MINUTE: '300' }, { netxd: 300 }],
    [
      'a live Fusebill with its budget off',
      {
        FUSEBILL_BASE_URL: 'https://secure.fusebill.com',
        FUSEBILL_API_KEY: 'k',
        FUSEBILL_RATE_LIMIT_PER_MINUTE: '0',
      },
      {},
    ],
  ])('budgets for %s: the documented limit only where it applies', (_label, env, limits) => {
    expect(providerRateLimits(PROVIDERS, load(env))).toEqual(limits);
  });

  it.each([
    ['http://idp.example.com/jwks', 'AUTH_JWKS_URL must use https'],
    [
      'https://user:pw@idp.example.com/jwks',
      'AUTH_JWKS_URL must be an http(s) URL without credentials',
    ],
    ['ftp://idp.example.com/jwks', 'AUTH_JWKS_URL must be an http(s) URL without credentials'],
    ['not a url', 'AUTH_JWKS_URL must be a URL like https://host/path'],
  ])('refuses the JWKS URL %s, saying why', (url, message) => {
    expect(
      problem({ AUTH_JWKS_URL: url, AUTH_JWT_ISSUER: 'https://idp', AUTH_JWT_AUDIENCE: 'sw' }),
    ).toContain(message);
  });

  it('accepts a JWKS URL with a path, and http on loopback', () => {
    for (const url of ['https://idp.example.com/.well-known/jwks.json', 'http://127.0.0.1:9/jwks'])
      expect(
        load({ AUTH_JWKS_URL: url, AUTH_JWT_ISSUER: 'https://idp', AUTH_JWT_AUDIENCE: 'sw' })
          .AUTH_JWKS_URL,
      ).toBe(url);
  });

  it('treats an empty variable as unset', () => {
    expect(load({ PORT: '', LOG_LEVEL: ' ' })).toMatchObject({ PORT: 4000, LOG_LEVEL: 'info' });
  });

  it('runs sandboxes in production only when asked to, or with every provider live or disabled', () => {
    // Production also wants a decision on client access; running open is that decision here.
    expect(() =>
      load({ NODE_ENV: 'production', ALLOW_SANDBOXES: 'true', AUTH_DISABLED: 'true' }),
    ).not.toThrow();
    expect(() =>
      load({
        NODE_ENV: 'production',
        AUTH_DISABLED: 'true',
        DISABLED_PROVIDERS: 'enkash,netxd,blackhawk',
        FUSEBILL_BASE_URL: 'https://secure.fusebill.com',
        FUSEBILL_API_KEY: 'k',
      }),
    ).not.toThrow();
  });

  it('accepts plain http for loopback origins only', () => {
    expect(() =>
      load({ FUSEBILL_BASE_URL: 'http://127.0.0.1:8080', FUSEBILL_API_KEY: 'k' }),
    ).not.toThrow();
    expect(() =>
      load({ FUSEBILL_BASE_URL: 'http://localhost:8080', FUSEBILL_API_KEY: 'k' }),
    ).not.toThrow();
  });

  it('accepts a live origin with a trailing slash', () => {
    expect(() =>
      load({ FUSEBILL_BASE_URL: 'https://secure.fusebill.com/', FUSEBILL_API_KEY: 'k' }),
    ).not.toThrow();
  });
});
