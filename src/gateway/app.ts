/**
 * The HTTP surface: POST/GET /graphql (Apollo Server, with the GraphQL multipart request spec for
 * uploads), GET /healthz, a request id per operation and a JSON log line per operation.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import DataLoader from 'dataloader';
import express, { type ErrorRequestHandler } from 'express';
import graphqlUploadExpress from 'graphql-upload/graphqlUploadExpress.mjs';
import type { GatewayConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import type { CustomerModel, ProviderId } from '../providers/contract.js';
import type { ProviderSet } from '../providers/runtime.js';
import type { GatewayContext } from './context.js';
import { UpstreamError, UserFacingError } from '../errors.js';
import { createFormatError } from './format-error.js';
import { buildSchema } from './schema.js';

export interface Gateway {
  /** http://host:port/graphql */
  readonly url: string;
  readonly httpServer: http.Server;
  stop(): Promise<void>;
}

type GatewayOptions = Pick<
  GatewayConfig,
  'PORT' | 'HOST' | 'NODE_ENV' | 'BODY_LIMIT_BYTES' | 'UPLOAD_MAX_FILE_BYTES'
> & { providers: ProviderSet; log: Logger };

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Builds the per-request loaders: one DataLoader per provider, created on first use. */
function customerLoaders(ctx: Pick<GatewayContext, 'providers' | 'call'>) {
  const loaders = new Map<ProviderId, DataLoader<string, CustomerModel | null>>();
  return (provider: ProviderId) => {
    let loader = loaders.get(provider);
    if (!loader) {
      const adapter = ctx.providers.adapter(provider);
      loader = new DataLoader<string, CustomerModel | null>(
        async (ids) => {
          if (!adapter.readCustomers) throw new Error(`${provider} has no customer read`);
          return adapter.readCustomers(ids, ctx.call);
        },
        { name: `${provider}.customers`, maxBatchSize: 100 },
      );
      loaders.set(provider, loader);
    }
    return loader;
  };
}

/** The public code (and provider) of an error as the client sees it, for the operation log. */
function errorSummary(error: { extensions?: Record<string, unknown> }): {
  code: string;
  provider?: string;
} {
  const original = unwrapResolverError(error);
  if (original instanceof UpstreamError)
    return { code: original.code, provider: original.provider };
  if (original instanceof UserFacingError) {
    const first = original.errors[0];
    return {
      code: first?.code ?? 'INVALID_INPUT',
      ...(first?.provider ? { provider: first.provider } : {}),
    };
  }
  const code = error.extensions?.code;
  return { code: typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR' };
}

function operationLog(): ApolloServerPlugin<GatewayContext> {
  return {
    requestDidStart() {
      const started = performance.now();
      return Promise.resolve({
        willSendResponse({ contextValue: ctx, operationName, response, errors }) {
          const summaries = (errors ?? []).map(errorSummary);
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const fields = {
            operationName: operationName ?? null,
            durationMs: Math.round((performance.now() - started) * 10) / 10,
            errorCodes: summaries.length ? summaries.map((s) => s.code) : undefined,
            errorProviders: summaries.some((s) => s.provider)
              ? [...new Set(summaries.map((s) => s.provider).filter(Boolean))]
              : undefined,
            userErrorCount: body?.data ? countUserErrors(body.data) : undefined,
          };
          ctx.log.info('graphql operation', fields);
          return Promise.resolve();
        },
      });
    },
  };
}

function countUserErrors(data: Record<string, unknown>): number | undefined {
  let total: number | undefined;
  for (const value of Object.values(data)) {
    const list = (value as { userErrors?: unknown } | null)?.userErrors;
    if (Array.isArray(list)) total = (total ?? 0) + list.length;
  }
  return total;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { log, providers } = options;
  const production = options.NODE_ENV === 'production';
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);

  const server = new ApolloServer<GatewayContext>({
    schema: buildSchema(),
    // Apollo's own messages (start-up, drain, plugin warnings) as JSON lines like everything else.
    logger: {
      debug: (message: unknown) => log.debug(String(message), { source: 'apollo' }),
      info: (message: unknown) => log.info(String(message), { source: 'apollo' }),
      warn: (message: unknown) => log.warn(String(message), { source: 'apollo' }),
      error: (message: unknown) => log.error(String(message), { source: 'apollo' }),
    },
    csrfPrevention: true,
    introspection: !production,
    // main.ts owns SIGTERM/SIGINT: it stops the gateway, then the sandboxes, then exits.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: !production,
    formatError: createFormatError(log, !production),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // No field sets cache hints and no response is HTTP-cached: computing a policy per field is waste.
      ApolloServerPluginCacheControlDisabled(),
      operationLog(),
    ],
  });
  await server.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.use(
    '/graphql',
    (req, res, next) => {
      const given = req.header('x-request-id');
      const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
      res.locals.requestId = requestId;
      res.setHeader('x-request-id', requestId);
      // Customer and card state changes under the caller: no shared cache may keep an answer.
      res.setHeader('cache-control', 'no-store');
      next();
    },
    express.json({ limit: options.BODY_LIMIT_BYTES }),
    graphqlUploadExpress({ maxFileSize: options.UPLOAD_MAX_FILE_BYTES, maxFiles: 1 }),
    expressMiddleware(server, {
      context: ({ res }) => {
        const requestId = String(res.locals.requestId);
        const requestLog = log.child({ requestId });
        const call = { requestId, log: requestLog };
        const base = {
          requestId,
          log: requestLog,
          providers,
          call,
          limits: { uploadMaxFileBytes: options.UPLOAD_MAX_FILE_BYTES },
        };
        return Promise.resolve({ ...base, customerLoader: customerLoaders(base) });
      },
    }),
  );

  // Body-parser and upload failures: a JSON GraphQL error instead of Express's HTML page.
  const onError: ErrorRequestHandler = (
    error: { status?: number; statusCode?: number; message?: string; type?: string },
    _req,
    res,
    _next,
  ) => {
    const status = error.status ?? error.statusCode ?? 500;
    const code =
      status === 413 ? 'PAYLOAD_TOO_LARGE' : status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR';
    // body-parser quotes the start of a body it cannot parse: never echo request bytes.
    const message =
      status === 413
        ? `Request body is larger than the limit of ${options.BODY_LIMIT_BYTES} bytes (BODY_LIMIT_BYTES)`
        : error.type === 'entity.parse.failed'
          ? 'Request body is not valid JSON'
          : status < 500
            ? (error.message ?? 'Bad request')
            : 'Internal error';
    if (status >= 500) log.error('http error', { error, status });
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  };
  app.use(onError);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.PORT, options.HOST, resolve);
  });
  const { address, port } = httpServer.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}/graphql`,
    httpServer,
    stop: () => server.stop(),
  };
}
