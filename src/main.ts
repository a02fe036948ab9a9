/** Process entry: load config -> Redis -> client access, providers (and sandboxes), gateway -> listen. */
import { ClientsFileError } from './access/clients.js';
import { ManifestError } from './access/documents.js';
import { ConfigError, loadConfig, type GatewayConfig } from './config/index.js';
import { createLogger } from './log.js';
import { PROVIDERS } from './providers/registry.js';
import { closeRedis, createRedis } from './redis.js';
import { startSwitchyard } from './start.js';

const SAMPLE_QUERY = `query { providers { provider mode operations } customer(id: "fusebill:12000750") { id status providerStatus } }`;

function fatal(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main() {
  let config: GatewayConfig;
  try {
    config = loadConfig(process.env, PROVIDERS);
  } catch (error) {
    if (error instanceof ConfigError) fatal(error.message);
    throw error;
  }
  const log = createLogger({ level: config.LOG_LEVEL });
  // The one Redis connection of the process, for everything replicas share.
  const redis = config.REDIS_URL
    ? createRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX)
    : undefined;
  const running = await startSwitchyard(config, log, redis).catch(
    (error: NodeJS.ErrnoException) => {
      if (error instanceof ClientsFileError || error instanceof ManifestError) fatal(error.message);
      if (error.code === 'EADDRINUSE' && (error as { port?: number }).port === config.METRICS_PORT)
        fatal(
          `Cannot serve metrics on ${config.HOST}:${config.METRICS_PORT}: the port is in use (set METRICS_PORT, or off)`,
        );
      if (error.code === 'EADDRINUSE')
        fatal(`Cannot listen on ${config.HOST}:${config.PORT}: the port is in use (set PORT)`);
      if (error.code === 'EADDRNOTAVAIL')
        fatal(`Cannot listen on ${config.HOST}: no such address on this machine (set HOST)`);
      throw error;
    },
  );

  const { gateway, providers, access } = running;
  log.info('gateway listening', {
    url: gateway.url,
    metrics: running.metricsUrl ?? 'off',
    providers: Object.fromEntries(providers.list.map((p) => [p.id, p.mode])),
    access: access.open ? 'open' : 'clients',
  });
  // For people: on stderr, so stdout stays one JSON object per line for log shippers.
  process.stderr.write(
    `\nSwitchyard GraphQL endpoint: ${gateway.url}\n` +
      (access.open
        ? `Open: no client authentication is configured (CLIENTS_FILE, AUTH_JWKS_URL), so every caller has every scope.\n`
        : '') +
      `Try:\n  curl -s ${gateway.url} -H 'content-type: application/json' \\\n    -d '${JSON.stringify({ query: SAMPLE_QUERY })}'\n\n`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    running
      .close()
      .then(() => redis && closeRedis(redis))
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error('shutdown failed', { error });
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

await main();
