/** The started providers of one gateway process: mode, adapter and sandbox of each. */
import { GatewayErrorCode, UpstreamError } from '../gateway/errors.js';
import type { GatewayConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import type { SandboxHandle } from '../sandbox/server.js';
import { memoryLedger, redisLedger, type RejectionLedger } from '../transport/rejection-ledger.js';
import type { ProviderAdapter, ProviderMode, RegisteredProvider } from './contract.js';
import type { ProviderId } from './ids.js';

export interface StartedProvider {
  id: ProviderId;
  mode: ProviderMode;
  adapter: ProviderAdapter | null;
  /** The embedded sandbox, in SANDBOX mode. */
  sandbox: SandboxHandle<unknown> | null;
}

export class ProviderSet {
  private readonly byId: ReadonlyMap<ProviderId, StartedProvider>;

  constructor(
    readonly list: readonly StartedProvider[],
    private readonly ledger: RejectionLedger = memoryLedger(),
  ) {
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

  async close(): Promise<void> {
    await Promise.all(this.list.map((p) => p.sandbox?.close() ?? Promise.resolve()));
    await this.ledger.close();
  }
}

/** Starts every registered provider: live where configured, else against its embedded sandbox. */
export async function startProviders(
  registry: readonly RegisteredProvider[],
  config: GatewayConfig,
  log: Logger,
): Promise<ProviderSet> {
  const rejections = config.REDIS_URL
    ? redisLedger(config.REDIS_URL, config.REDIS_KEY_PREFIX, log)
    : memoryLedger();
  const started = await Promise.all(
    registry.map(async (provider): Promise<StartedProvider> => {
      if (config.disabled.has(provider.id)) {
        return { id: provider.id, mode: 'DISABLED', adapter: null, sandbox: null };
      }
      const deps = {
        log: log.child({ provider: provider.id }),
        timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        maxConcurrency: config.UPSTREAM_MAX_CONCURRENCY,
        batchConcurrency: config.UPSTREAM_BATCH_CONCURRENCY,
        rejections,
      };
      const result = await provider.start(config.env, deps, {
        latencyMs: config.SANDBOX_LATENCY_MS,
      });
      return { id: provider.id, ...result };
    }),
  );
  return new ProviderSet(started, rejections);
}
