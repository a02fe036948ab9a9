/** Process entry: load config -> start providers (and sandboxes) -> start the gateway -> listen. */
import { ConfigError, loadConfig } from './config/index.js';
import { startGateway } from './gateway/app.js';
import { createLogger } from './log.js';
import { PROVIDERS } from './providers/registry.js';
import { startProviders } from './providers/runtime.js';

const SAMPLE_QUERY = `query { providers { provider mode operations } customer(id: "fusebill:12000750") { id status providerStatus } }`;

async function main() {
  let config;
  try {
    config = loadConfig(process.env, PROVIDERS);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger({ level: config.LOG_LEVEL });
  const providers = await startProviders(PROVIDERS, config, log);
  const gateway = await startGateway({ ...config, providers, log });

  log.info('gateway listening', {
    url: gateway.url,
    providers: Object.fromEntries(providers.list.map((p) => [p.id, p.mode])),
  });
  if (process.stdout.isTTY || !config.NODE_ENV || config.NODE_ENV === 'development') {
    process.stdout.write(
      `\nSwitchyard GraphQL endpoint: ${gateway.url}\nTry:\n  curl -s ${gateway.url} -H 'content-type: application/json' \\\n    -d '${JSON.stringify({ query: SAMPLE_QUERY })}'\n\n`,
    );
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    void gateway
      .stop()
      .then(() => providers.close())
      .then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

await main();
