/**
 * One gateway, assembled from its configuration: client access, the providers (and sandboxes),
 * the HTTP surface. main.ts adds the process around it (Redis, signals, banner, exit codes); the
 * tests start exactly this.
 */
import { createAccess, type Access } from './access/index.js';
import type { GatewayConfig } from './config/index.js';
import { startGateway, type Gateway } from './gateway/app.js';
import type { Logger } from './log.js';
import { PROVIDERS } from './providers/registry.js';
import { startProviders, type ProviderSet } from './providers/runtime.js';
import type { Redis } from './redis.js';

export interface Running {
  gateway: Gateway;
  providers: ProviderSet;
  access: Access;
  /** Stops the HTTP surface (draining it), then the sandboxes. Redis is its owner's to close. */
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
  const providers = await startProviders(PROVIDERS, config, log, redis);
  try {
    const gateway = await startGateway({ ...config, providers, log, access, redis });
    return {
      gateway,
      providers,
      access,
      async close() {
        await gateway.stop();
        await providers.close();
      },
    };
  } catch (error) {
    await providers.close();
    throw error;
  }
}
