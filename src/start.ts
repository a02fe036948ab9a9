/**
 * One gateway, assembled from its configuration: client access, the providers (and sandboxes),
 * the HTTP surface. main.ts adds the process around it (Redis, signals, banner, exit codes); the
 * tests start exactly this.
 */
import { createAccess, type Access } from './access/index.js';
import type { GatewayConfig } from './config/index.js';
import { startGateway, type Gateway } from './gateway/app.js';
import type { Logger } from './log.js';
import { createMetrics, serveMetrics } from './observe/metrics.js';
import { createTracing } from './observe/tracing.js';
import { PROVIDERS } from './providers/registry.js';
import { startProviders, type ProviderSet } from './providers/runtime.js';
import { ensureConnected, type Redis } from './redis.js';

export interface Running {
  gateway: Gateway;
  providers: ProviderSet;
  access: Access;
  /** http://host:port/metrics, when METRICS_PORT is on. */
  metricsUrl: string | undefined;
  /**
   * Stops the HTTP surface (draining it), then the sandboxes, the metrics endpoint and tracing
   * (sending what it holds). Redis is its owner's to close.
   */
  close(): Promise<void>;
}

/** Throws ClientsFileError for an unusable CLIENTS_FILE, before anything is started. */
export async function startSwitchyard(
  config: GatewayConfig,
  log: Logger,
  redis?: Redis,
): Promise<Running> {
  const access = createAccess(config, { redis, log });
  if (access.open) {
    log.warn(
      'the gateway runs open: no CLIENTS_FILE or AUTH_JWKS_URL, so every caller has every scope',
      {
        authDisabled: config.AUTH_DISABLED,
      },
    );
  }
  if (redis) {
    // Checked once so the log says so at start; an outage later is survived (each user falls
    // back to this process alone), and /readyz shows it.
    await ensureConnected(redis).catch((error: unknown) =>
      log.warn(
        'Redis cannot be reached: state shared between replicas stays per process until it can',
        {
          error,
        },
      ),
    );
  }
  const metrics = config.METRICS_PORT === null ? undefined : createMetrics();
  const tracing = await createTracing(config, log);
  const providers = await startProviders(PROVIDERS, config, log, redis, { metrics, tracing });
  metrics?.watch(providers);
  let endpoint: Awaited<ReturnType<typeof serveMetrics>> | undefined;
  try {
    if (metrics) endpoint = await serveMetrics(metrics, config.HOST, config.METRICS_PORT!);
    const gateway = await startGateway({
      ...config,
      providers,
      log,
      access,
      redis,
      metrics,
      tracing,
    });
    return {
      gateway,
      providers,
      access,
      metricsUrl: endpoint?.url,
      async close() {
        await gateway.stop();
        await providers.close();
        await endpoint?.close();
        await tracing?.shutdown();
      },
    };
  } catch (error) {
    await providers.close();
    await endpoint?.close();
    await tracing?.shutdown();
    throw error;
  }
}
