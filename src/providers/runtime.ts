/** The started providers of one gateway process: mode, adapter and sandbox of each. */
import type { GatewayConfig } from '../config/index.js';
import { GatewayErrorCode, UpstreamError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../observe/metrics.js';
import type { Tracing } from '../observe/tracing.js';
import { providerObserver, type ProviderObserver } from '../observe/upstream.js';
import type { Redis } from '../redis.js';
import type { SandboxHandle } from '../sandbox/server.js';
import { createCircuit, type ProviderCircuit } from '../transport/circuit.js';
import { createHttpClient } from '../transport/http.js';
import { createProviderQuotas } from '../transport/quota.js';
import { memoryLedger, redisLedger, type RejectionLedger } from '../transport/rejection-ledger.js';
import type { CircuitState, ProviderQuota } from '../transport/types.js';
import type {
  ProviderAdapter,
  ProviderDeps,
  ProviderMode,
  RegisteredProvider,
} from './contract.js';
import type { ProviderId } from './ids.js';

export interface StartedProvider {
  id: ProviderId;
  mode: ProviderMode;
  adapter: ProviderAdapter | null;
  /** The embedded sandbox, in SANDBOX mode. */
  sandbox: SandboxHandle<unknown> | null;
  /** The provider's circuit breaker; null when it is disabled. */
  circuit: ProviderCircuit | null;
  /** Its HTTP clients' report (the last answer's time, metrics); null when it is disabled. */
  observer: ProviderObserver | null;
}

export class ProviderSet {
  private readonly byId: ReadonlyMap<ProviderId, StartedProvider>;

  constructor(readonly list: readonly StartedProvider[]) {
    this.byId = new Map(list.map((p) => [p.id, p]));
  }

  /** The adapter of a provider; PROVIDER_DISABLED when it is turned off. */
  adapter(id: ProviderId): ProviderAdapter {
    const adapter = this.byId.get(id)?.adapter;
    if (!adapter) {
      throw new UpstreamError(
        GatewayErrorCode.PROVIDER_DISABLED,
        id,
        `${id} is disabled on this gateway`,
      );
    }
    return adapter;
  }

  started(id: ProviderId): StartedProvider | undefined {
    return this.byId.get(id);
  }

  /** The state of a provider's circuit breaker; null when the provider is disabled. */
  circuitState(id: ProviderId): CircuitState | null {
    return this.byId.get(id)?.circuit?.state ?? null;
  }

  /**
   * Calls `listener` on every circuit transition of every provider (for metrics); returns a
   * function that removes it.
   */
  onCircuitStateChange(listener: (provider: ProviderId, state: CircuitState) => void): () => void {
    const removers = this.list.map(
      (p) => p.circuit?.onStateChange((state) => listener(p.id, state)) ?? (() => undefined),
    );
    return () => removers.forEach((remove) => remove());
  }

  /** Stops the embedded sandboxes. */
  async close(): Promise<void> {
    await Promise.all(this.list.map((p) => p.sandbox?.close() ?? Promise.resolve()));
  }
}

/** The settings every provider's upstream calls share. */
export interface UpstreamPolicy {
  log: Logger;
  /** Deadline for one provider call, including token fetches and retries. */
  timeoutMs: number;
  /** Most requests in flight to one provider from this process. */
  maxConcurrency: number;
  /** Most times a read (or a write that never connected) is tried again within its deadline. */
  readRetries: number;
  /** Consecutive provider failures that open its circuit. */
  breakerFailures: number;
  /** How long an open circuit refuses calls before one trial call goes through. */
  breakerCooldownMs: number;
  /** How many batches of one bulk operation are sent at once. */
  batchConcurrency: number;
  /** Overall deadline of one bulk operation: batches not started by then are not sent. */
  bulkDeadlineMs: number;
  /** Rejected logins per credential, shared by every replica when REDIS_URL is set. */
  rejections: RejectionLedger;
  /** Each provider's request budget (none when absent), shared by replicas when REDIS_URL is set. */
  quotas?: Partial<Record<ProviderId, ProviderQuota>>;
  /** The gateway's metrics, when METRICS_PORT is on. */
  metrics?: Metrics;
  /** Tracing, when an OTLP endpoint is configured. */
  tracing?: Tracing;
}

/**
 * The services one provider receives. Its HTTP client gets the shared policy here, so whatever
 * every upstream call needs (deadlines, limits, quotas, and later breakers, metrics, trace
 * headers) is added once for all providers.
 */
export function providerDeps(
  id: ProviderId,
  policy: UpstreamPolicy,
  circuit: ProviderCircuit = providerCircuit(id, policy),
  observer: ProviderObserver = providerObserver(policy.metrics?.provider(id)),
): ProviderDeps {
  const log = policy.log.child({ provider: id });
  const { tracing } = policy;
  return {
    log,
    batchConcurrency: policy.batchConcurrency,
    bulkDeadlineMs: policy.bulkDeadlineMs,
    rejections: policy.rejections,
    http: (options) =>
      createHttpClient({
        ...options,
        provider: id,
        timeoutMs: policy.timeoutMs,
        maxConcurrency: policy.maxConcurrency,
        readRetries: policy.readRetries,
        circuit,
        log,
        observer,
        ...(tracing && { tracer: tracing.upstream(id, options.baseUrl) }),
        ...(policy.quotas?.[id] && { quota: policy.quotas[id] }),
      }),
  };
}

/** One circuit breaker per provider, shared by every HTTP client the provider builds. */
export function providerCircuit(id: ProviderId, policy: UpstreamPolicy): ProviderCircuit {
  return createCircuit({
    provider: id,
    failures: policy.breakerFailures,
    cooldownMs: policy.breakerCooldownMs,
    log: policy.log,
  });
}

/**
 * Each provider's requests a minute: `<PROVIDER>_RATE_LIMIT_PER_MINUTE` when set (0: none), else
 * its documented limit when it runs live, or against a sandbox that enforces its quota
 * (SANDBOX_ENFORCE_QUOTA). A plain sandbox has no budget, so local load tests measure the gateway.
 */
export function providerRateLimits(registry: readonly RegisteredProvider[], config: GatewayConfig) {
  const limits: Partial<Record<ProviderId, number>> = {};
  for (const provider of registry) {
    if (config.disabled.has(provider.id)) continue;
    const documented =
      config.SANDBOX_ENFORCE_QUOTA || provider.isLive(config.env)
        ? provider.rateLimitPerMinute
        : undefined;
    const limit = config.providerRateLimits[provider.id] ?? documented;
    if (limit) limits[provider.id] = limit;
  }
  return limits;
}

/**
 * Starts every registered provider: live where configured, else against its embedded sandbox.
 * `redis` (main.ts's client, when REDIS_URL is set) holds what replicas share.
 */
export async function startProviders(
  registry: readonly RegisteredProvider[],
  config: GatewayConfig,
  log: Logger,
  redis?: Redis,
  telemetry: { metrics?: Metrics; tracing?: Tracing } = {},
): Promise<ProviderSet> {
  const policy: UpstreamPolicy = {
    log,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    maxConcurrency: config.UPSTREAM_MAX_CONCURRENCY,
    readRetries: config.UPSTREAM_READ_RETRIES,
    breakerFailures: config.BREAKER_FAILURES,
    breakerCooldownMs: config.BREAKER_COOLDOWN_MS,
    batchConcurrency: config.UPSTREAM_BATCH_CONCURRENCY,
    bulkDeadlineMs: config.BULK_DEADLINE_MS,
    rejections: redis
      ? redisLedger(redis, log, config.REJECTED_LOGINS_TTL_MS)
      : memoryLedger(config.REJECTED_LOGINS_TTL_MS),
    quotas: createProviderQuotas(providerRateLimits(registry, config), redis, log),
    ...telemetry,
  };
  const started = await Promise.all(
    registry.map(async (provider): Promise<StartedProvider> => {
      if (config.disabled.has(provider.id)) {
        return {
          id: provider.id,
          mode: 'DISABLED',
          adapter: null,
          sandbox: null,
          circuit: null,
          observer: null,
        };
      }
      const circuit = providerCircuit(provider.id, policy);
      const observer = providerObserver(policy.metrics?.provider(provider.id));
      const deps = providerDeps(provider.id, policy, circuit, observer);
      const result = await provider.start(config.env, deps, {
        latencyMs: config.SANDBOX_LATENCY_MS,
        enforceQuota: config.SANDBOX_ENFORCE_QUOTA,
      });
      return { id: provider.id, ...result, circuit, observer };
    }),
  );
  return new ProviderSet(started);
}
