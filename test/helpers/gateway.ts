/**
 * The typed test harness: a real gateway on a free loopback port, its providers against their
 * embedded sandboxes over real HTTP, and every log line it writes.
 */
import { loadConfig } from '../../src/config/index.js';
import type { Gateway } from '../../src/gateway/app.js';
import { createLogger } from '../../src/log.js';
import type { ProviderId } from '../../src/providers/ids.js';
import { PROVIDERS } from '../../src/providers/registry.js';
import type { ProviderSet } from '../../src/providers/runtime.js';
import { closeRedis, createRedis } from '../../src/redis.js';
import type { SandboxHandle } from '../../src/sandbox/server.js';
import { startSwitchyard } from '../../src/start.js';

export interface GraphqlResponse<D = any> {
  status: number;
  headers: Headers;
  body: {
    data?: D;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  };
}

export interface TestGateway {
  url: string;
  gateway: Gateway;
  providers: ProviderSet;
  /** Every JSON log line the gateway wrote, parsed. */
  logs: Record<string, unknown>[];
  /** The raw log text, for "this secret never appears" checks. */
  logText(): string;
  /** POST a GraphQL operation as JSON. */
  graphql<D = any>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphqlResponse<D>>;
  /**
   * POST an operation with one file, as the GraphQL multipart request spec says: `fileVariable`
   * is the dotted path of the Upload variable (e.g. "input.file"). Sends the CSRF preflight header
   * unless `preflight` is false.
   */
  upload<D = any>(
    query: string,
    variables: Record<string, unknown>,
    fileVariable: string,
    file: { content: string | Uint8Array; filename?: string; type?: string },
    preflight?: boolean,
  ): Promise<GraphqlResponse<D>>;
  /** http://host:port/metrics when started with `{ metrics: true }`. */
  metricsUrl: string | undefined;
  /** The embedded sandbox of a provider, with its journal, fault injection and state. */
  sandbox<State = any>(id: ProviderId): SandboxHandle<unknown, State>;
  close(): Promise<void>;
}

/**
 * Metrics are off unless `metrics` is set: then their endpoint takes a free port (a fixed
 * METRICS_PORT would collide between gateways running at once).
 */
export async function startTestGateway(
  env: Record<string, string | undefined> = {},
  options: { metrics?: boolean } = {},
): Promise<TestGateway> {
  const lines: string[] = [];
  const config = loadConfig(
    { PORT: '0', LOG_LEVEL: 'debug', METRICS_PORT: 'off', ...env },
    PROVIDERS,
  );
  // 0 is "off" in the environment; given here, it is the free port the endpoint listens on.
  if (options.metrics) config.METRICS_PORT = 0;
  const log = createLogger({ level: config.LOG_LEVEL, write: (line) => lines.push(line) });
  const redis = config.REDIS_URL
    ? createRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX)
    : undefined;
  const running = await startSwitchyard(config, log, redis);
  const { gateway, providers } = running;

  return {
    url: gateway.url,
    gateway,
    providers,
    metricsUrl: running.metricsUrl,
    get logs() {
      return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    logText: () => lines.join('\n'),
    async graphql(query, variables, headers) {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return {
        status: response.status,
        headers: response.headers,
        body: (await response.json()) as GraphqlResponse['body'],
      };
    },
    async upload(query, variables, fileVariable, file, preflight = true) {
      const form = new FormData();
      form.append('operations', JSON.stringify({ query, variables }));
      form.append('map', JSON.stringify({ 0: [`variables.${fileVariable}`] }));
      const bytes =
        typeof file.content === 'string' ? new TextEncoder().encode(file.content) : file.content;
      form.append(
        '0',
        new Blob([bytes], { type: file.type ?? 'text/csv' }),
        file.filename ?? 'upload.csv',
      );
      const response = await fetch(gateway.url, {
        method: 'POST',
        body: form,
        headers: preflight ? { 'apollo-require-preflight': 'true' } : {},
      });
      return {
        status: response.status,
        headers: response.headers,
        body: (await response.json()) as GraphqlResponse['body'],
      };
    },
    sandbox<State>(id: ProviderId) {
      const sandbox = providers.started(id)?.sandbox;
      if (!sandbox) throw new Error(`${id} has no sandbox in this gateway`);
      return sandbox as SandboxHandle<unknown, State>;
    },
    async close() {
      await running.close();
      if (redis) await closeRedis(redis);
    },
  };
}
