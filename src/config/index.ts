/**
 * Configuration from environment variables, validated once at start-up. The gateway's own variables
 * are here; each provider contributes its slice (providers/<name>/config.ts) through the registry.
 */
import { z } from 'zod';
import type { RegisteredProvider } from '../providers/contract.js';
import { PROVIDER_IDS, isProviderId, type ProviderId } from '../providers/ids.js';
import { flag, positiveInt, secureUrl } from './shared.js';

/** An OTLP collector URL: http or https. */
const httpUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return /^https?:$/.test(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL');

const gatewayEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  NODE_ENV: z.enum(['production', 'development', 'test']).optional(),
  ALLOW_SANDBOXES: flag(false),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  UPSTREAM_TIMEOUT_MS: positiveInt(10_000),
  UPSTREAM_MAX_CONCURRENCY: positiveInt(16),
  UPSTREAM_BATCH_CONCURRENCY: positiveInt(4),
  UPSTREAM_MAX_CONCURRENCY_PER_OPERATION: positiveInt(4),
  BULK_DEADLINE_MS: positiveInt(120_000),
  REJECTED_LOGINS_TTL_MS: positiveInt(60 * 60_000),
  UPSTREAM_READ_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  BREAKER_FAILURES: positiveInt(5),
  BREAKER_COOLDOWN_MS: positiveInt(10_000),
  BODY_LIMIT_BYTES: positiveInt(32 * 1024 * 1024),
  UPLOAD_MAX_FILE_BYTES: positiveInt(10 * 1024 * 1024),
  HTTP_HEADERS_TIMEOUT_MS: positiveInt(10_000),
  HTTP_REQUEST_TIMEOUT_MS: positiveInt(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt(72_000),
  SHUTDOWN_GRACE_MS: positiveInt(15_000),
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(300_000).default(0),
  METRICS_PORT: z
    .string()
    .trim()
    .default('9464')
    .transform((value, ctx) => {
      if (value.toLowerCase() === 'off') return null;
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        ctx.addIssue({ code: 'custom', message: 'must be a port (1-65535), or 0 or off' });
        return null;
      }
      return port === 0 ? null : port;
    }),
  OTEL_SDK_DISABLED: flag(false),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z
    .enum(['http/protobuf', 'http/json'], {
      message: 'must be http/protobuf or http/json (grpc is not supported)',
    })
    .default('http/protobuf'),
  OTEL_SERVICE_NAME: z.string().trim().min(1).default('switchyard'),
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(0).default(5_000),
  SANDBOX_LATENCY_MS: z.coerce.number().int().min(0).default(0),
  SANDBOX_ENFORCE_QUOTA: flag(false),
  CLIENTS_FILE: z.string().trim().min(1).optional(),
  AUTH_JWKS_URL: secureUrl.optional(),
  AUTH_JWT_ISSUER: z.string().trim().min(1).optional(),
  AUTH_JWT_AUDIENCE: z.string().trim().min(1).optional(),
  AUTH_JWT_CLOCK_TOLERANCE_S: z.coerce.number().int().min(0).max(300).default(30),
  AUTH_JWKS_COOLDOWN_MS: z.coerce.number().int().min(0).default(30_000),
  AUTH_DISABLED: flag(false),
  CLIENT_RATE_LIMIT_PER_MINUTE: positiveInt(600),
  MAX_DEPTH: positiveInt(8),
  MAX_ALIASES: z.coerce.number().int().min(0).default(30),
  MAX_ROOT_FIELDS: positiveInt(20),
  MAX_TOKENS: positiveInt(2_000),
  MAX_UPSTREAM_CALLS: positiveInt(100),
  PERSISTED_DOCUMENTS_FILE: z.string().trim().min(1).optional(),
  APQ_TTL_SECONDS: positiveInt(86_400),
  IDEMPOTENCY_TTL_SECONDS: positiveInt(86_400),
  IDEMPOTENCY_REQUIRED: flag(false),
  IDEMPOTENCY_MAX_ENTRIES: positiveInt(10_000),
  IDEMPOTENCY_MAX_BYTES: positiveInt(64 * 1024 * 1024),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const origins = value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      for (const origin of origins) {
        let url: URL | undefined;
        try {
          url = new URL(origin);
        } catch {
          url = undefined;
        }
        if (!url || url.origin !== origin.replace(/\/+$/, '')) {
          ctx.addIssue({
            code: 'custom',
            message: `"${origin.slice(0, 64)}" is not an origin like https://app.example.com`,
          });
        }
      }
      return origins.map((o) => o.replace(/\/+$/, ''));
    }),
  FEDERATION_SUBGRAPH: flag(false),
  INTROSPECTION: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true')),
  REDIS_URL: z
    .string()
    .trim()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .optional(),
  REDIS_KEY_PREFIX: z.string().trim().min(1).default('switchyard:'),
  DISABLED_PROVIDERS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const ids = value
        .split(',')
        .map((v) => v.trim().toLowerCase())
        .filter(Boolean);
      for (const id of ids) {
        if (!isProviderId(id)) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown provider "${id}" (known: ${PROVIDER_IDS.join(', ')})`,
          });
        }
      }
      return ids.filter(isProviderId);
    }),
});

export type GatewayConfig = z.infer<typeof gatewayEnv> & {
  /** The raw environment, for provider slices. */
  env: Record<string, string | undefined>;
  disabled: ReadonlySet<ProviderId>;
  /**
   * `<PROVIDER>_RATE_LIMIT_PER_MINUTE` where set (0: no budget); unset, a live provider gets its
   * documented limit (startProviders).
   */
  providerRateLimits: Partial<Record<ProviderId, number>>;
};

/** The name of a provider's request budget variable, e.g. FUSEBILL_RATE_LIMIT_PER_MINUTE. */
export const rateLimitVariable = (id: ProviderId) => `${id.toUpperCase()}_RATE_LIMIT_PER_MINUTE`;

/**
 * `<PROVIDER>_RATE_LIMIT_PER_MINUTE` of every enabled provider, derived from its id, so a new
 * provider needs no code here. Only what is set: the provider's documented limit is the default
 * where it applies (a live provider; see startProviders), and 0 turns the budget off.
 */
function rateLimitEnv(providers: readonly RegisteredProvider[]) {
  return z.object(
    Object.fromEntries(
      providers.map((p) => [rateLimitVariable(p.id), z.coerce.number().int().min(0).optional()]),
    ),
  );
}

/** How clients authenticate, and whether running without it is allowed here. */
function accessProblems(env: z.infer<typeof gatewayEnv>): string[] {
  const problems: string[] = [];
  const jwt = [env.AUTH_JWKS_URL, env.AUTH_JWT_ISSUER, env.AUTH_JWT_AUDIENCE];
  if (jwt.some(Boolean) && !jwt.every(Boolean)) {
    problems.push(
      'AUTH_JWKS_URL, AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE go together: set all three to accept JWTs, or none',
    );
  }
  const configured = Boolean(env.CLIENTS_FILE || env.AUTH_JWKS_URL);
  if (configured && env.AUTH_DISABLED) {
    problems.push(
      'AUTH_DISABLED=true but CLIENTS_FILE or AUTH_JWKS_URL is set: unset AUTH_DISABLED to require clients, or unset those to run open',
    );
  }
  if (!configured && env.NODE_ENV === 'production' && !env.AUTH_DISABLED) {
    problems.push(
      'no client can authenticate (neither CLIENTS_FILE nor AUTH_JWKS_URL is set), so anyone could call the gateway: configure one, or set AUTH_DISABLED=true to run open on purpose',
    );
  }
  return problems;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the gateway's variables and every provider slice; throws one ConfigError naming each bad variable. */
export function loadConfig(
  env: Record<string, string | undefined>,
  providers: readonly RegisteredProvider[],
): GatewayConfig {
  // An empty variable counts as unset, as most deploy tools write "unset" that way.
  env = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const problems: string[] = [];
  const collect = (result: { success: boolean; error?: z.ZodError }) => {
    for (const issue of result.error?.issues ?? []) {
      problems.push(`${issue.path.join('.') || '(environment)'} ${issue.message}`);
    }
  };
  const gateway = gatewayEnv.safeParse(env);
  collect(gateway);
  if (
    gateway.success &&
    gateway.data.HTTP_HEADERS_TIMEOUT_MS > gateway.data.HTTP_REQUEST_TIMEOUT_MS
  ) {
    problems.push(
      'HTTP_HEADERS_TIMEOUT_MS must not be longer than HTTP_REQUEST_TIMEOUT_MS (the request includes its headers)',
    );
  }
  const disabled = new Set(gateway.data?.DISABLED_PROVIDERS ?? []);
  const enabled = providers.filter((p) => !disabled.has(p.id));
  for (const provider of enabled) collect(provider.env.safeParse(env));
  const rateLimits = rateLimitEnv(enabled).safeParse(env);
  collect(rateLimits);
  if (
    gateway.success &&
    problems.length === 0 &&
    gateway.data.NODE_ENV === 'production' &&
    !gateway.data.ALLOW_SANDBOXES
  ) {
    // A forgotten *_BASE_URL must not turn a production gateway into a demo.
    for (const provider of providers) {
      if (!disabled.has(provider.id) && !provider.isLive(env)) {
        const base = `${provider.id.toUpperCase()}_BASE_URL`;
        problems.push(
          `${base} is not set, so ${provider.id} would run against its embedded sandbox in production: set ${base} and its credentials, add ${provider.id} to DISABLED_PROVIDERS, or set ALLOW_SANDBOXES=true`,
        );
      }
    }
  }
  if (gateway.success) problems.push(...accessProblems(gateway.data));
  if (!gateway.success || problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  const providerRateLimits: Partial<Record<ProviderId, number>> = {};
  for (const provider of enabled) {
    const limit = rateLimits.data?.[rateLimitVariable(provider.id)];
    if (limit !== undefined) providerRateLimits[provider.id] = limit;
  }
  return { ...gateway.data, env, disabled, providerRateLimits };
}
