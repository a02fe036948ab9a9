/**
 * The HTTP surface on Fastify: POST/GET /graphql (Apollo Server, with the GraphQL multipart request
 * spec for uploads), GET /healthz, a request id per request, JSON errors for everything the
 * HTTP layer refuses itself, and a bounded graceful close.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import cors from '@fastify/cors';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { Kind, parse } from 'graphql';
import type { Access, Client } from '../access/index.js';
import type { GatewayConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../observe/metrics.js';
import type { Tracing } from '../observe/tracing.js';
import type { ProviderSet } from '../providers/runtime.js';
import {
  ClientRequestError,
  MULTIPART_PENDING,
  hasPreflightHeader,
  parseMultipart,
  registerBodyParsers,
} from './body.js';
import { isTrustedDocument, persistedQueryCache } from '../access/documents.js';
import { operationShapeRule, upstreamCallsPlugin } from '../access/limits.js';
import type { Redis } from '../redis.js';
import { createIdempotency, KeyedRequest, type Override } from '../idempotency/index.js';
import { cardCodesPlugin } from './card-codes.js';
import { createContextFactory, type GatewayContext } from './context.js';
import { isExplorerVisit, registerExplorerAssets, sendExplorer } from './explorer.js';
import { createFormatError } from './format-error.js';
import { operationLog } from './operation-log.js';
import { buildSchema, buildSchemaAsSubgraph } from './schema.js';

export interface Gateway {
  /** http://host:port/graphql */
  readonly url: string;
  readonly httpServer: Server;
  /**
   * Turns /readyz to 503, waits SHUTDOWN_DELAY_MS (still serving) so load balancers stop sending,
   * then stops accepting connections, lets running requests finish (new requests on open
   * connections get 503), and after SHUTDOWN_GRACE_MS closes whatever is still open.
   */
  stop(): Promise<void>;
}

type GatewayOptions = Pick<
  GatewayConfig,
  | 'PORT'
  | 'HOST'
  | 'NODE_ENV'
  | 'BODY_LIMIT_BYTES'
  | 'UPLOAD_MAX_FILE_BYTES'
  | 'HTTP_HEADERS_TIMEOUT_MS'
  | 'HTTP_REQUEST_TIMEOUT_MS'
  | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'
  | 'SHUTDOWN_GRACE_MS'
  | 'SHUTDOWN_DELAY_MS'
  | 'MAX_DEPTH'
  | 'MAX_ALIASES'
  | 'MAX_ROOT_FIELDS'
  | 'MAX_TOKENS'
  | 'MAX_UPSTREAM_CALLS'
  | 'UPSTREAM_MAX_CONCURRENCY_PER_OPERATION'
  | 'APQ_TTL_SECONDS'
  | 'INTROSPECTION'
  | 'FEDERATION_SUBGRAPH'
  | 'CORS_ORIGINS'
  | 'UPSTREAM_TIMEOUT_MS'
  | 'IDEMPOTENCY_TTL_SECONDS'
  | 'IDEMPOTENCY_REQUIRED'
  | 'IDEMPOTENCY_MAX_ENTRIES'
  | 'IDEMPOTENCY_MAX_BYTES'
> & {
  providers: ProviderSet;
  log: Logger;
  access: Access;
  redis?: Redis;
  metrics?: Metrics;
  tracing?: Tracing;
};

/** The operation names of the trusted documents: the only client-chosen names metrics label. */
function trustedOperationNames(documents: ReadonlyMap<string, string>): Set<string> {
  const names = new Set<string>();
  for (const body of documents.values()) {
    try {
      for (const definition of parse(body).definitions) {
        if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) {
          names.add(definition.name.value);
        }
      }
    } catch {
      // A document that does not parse fails when it is run; it names nothing here.
    }
  }
  return names;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated client; null until the access step has run, and on an open gateway. */
    client: Client | null;
    /** The request's Idempotency-Key state; null without a key (and when keys are optional). */
    idempotency: KeyedRequest | null;
  }
}

const hasBody = (request: FastifyRequest) =>
  request.headers['transfer-encoding'] !== undefined ||
  Number(request.headers['content-length'] ?? 0) > 0;

/**
 * The Idempotency-Key header: undefined when absent, every value when it was sent more than once
 * (Node would join them with a comma into what looks like one key).
 */
function idempotencyHeader(rawHeaders: string[]): string | string[] | undefined {
  let found: string | string[] | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].length !== 15 || rawHeaders[i].toLowerCase() !== 'idempotency-key') continue;
    const value = rawHeaders[i + 1].trim();
    found = found === undefined ? value : [...(Array.isArray(found) ? found : [found]), value];
  }
  return found;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A given x-request-id when it is safe to log and forward, else a new one. */
function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** One GraphQL-shaped error, as the HTTP layer answers everything it refuses itself. */
const errorBody = (code: string, message: string) =>
  JSON.stringify({ errors: [{ message, extensions: { code } }] });

/**
 * Answers a connection Node's HTTP parser gave up on (malformed request, headers too large, a
 * request or header timeout) in the same error shape, then closes it.
 */
function clientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const timeout = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = timeout ? 408 : tooLarge ? 431 : 400;
  const body = timeout
    ? errorBody(
        'REQUEST_TIMEOUT',
        'The request was not received in time (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS)',
      )
    : errorBody(
        'BAD_REQUEST',
        tooLarge ? 'Request headers are too large' : 'Malformed HTTP request',
      );
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { log, providers } = options;
  const production = options.NODE_ENV === 'production';
  const bodyOptions = {
    bodyLimit: options.BODY_LIMIT_BYTES,
    uploadMaxFileBytes: options.UPLOAD_MAX_FILE_BYTES,
  };

  const app = Fastify({
    // The project's logger writes the one line per operation; Fastify's stays off the hot path.
    logger: false,
    genReqId: requestId,
    requestIdHeader: false,
    bodyLimit: options.BODY_LIMIT_BYTES,
    // Sized for an API: a client has this long to send its headers, and its whole request.
    requestTimeout: options.HTTP_REQUEST_TIMEOUT_MS,
    http: {
      headersTimeout: options.HTTP_HEADERS_TIMEOUT_MS,
      // Node checks both timeouts on this interval (30 s by default, longer than the timeouts).
      connectionsCheckingInterval: 1_000,
    },
    keepAliveTimeout: options.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    clientErrorHandler: clientError,
    // The gateway answers requests that arrive while it closes itself (503 in its error shape).
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // As under Express: /graphql/ and /GRAPHQL reach the endpoint too.
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false },
  });

  const schema = options.FEDERATION_SUBGRAPH ? await buildSchemaAsSubgraph() : buildSchema();
  const idempotency = createIdempotency({
    ttlSeconds: options.IDEMPOTENCY_TTL_SECONDS,
    required: options.IDEMPOTENCY_REQUIRED,
    // A running marker outlives one upstream call by a margin, and is extended while it runs, so a
    // replica that dies holding it locks the key for about a minute, not for a day.
    lockMs: options.UPSTREAM_TIMEOUT_MS + 30_000,
    maxEntries: options.IDEMPOTENCY_MAX_ENTRIES,
    maxBytes: options.IDEMPOTENCY_MAX_BYTES,
    log,
    ...(options.redis ? { redis: options.redis } : {}),
  });
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    // Apollo's own messages (start-up, plugin warnings) as JSON lines like everything else.
    logger: {
      debug: (message: unknown) => log.debug(String(message), { source: 'apollo' }),
      info: (message: unknown) => log.info(String(message), { source: 'apollo' }),
      warn: (message: unknown) => log.warn(String(message), { source: 'apollo' }),
      error: (message: unknown) => log.error(String(message), { source: 'apollo' }),
    },
    csrfPrevention: true,
    // Trusted documents first, then automatic persisted queries (in Redis when configured).
    persistedQueries: {
      cache: persistedQueryCache(options.access.documents, options.redis, log),
      ttl: options.APQ_TTL_SECONDS,
    },
    // Operation limits: the parser stops at MAX_TOKENS, a validation rule measures the shape.
    parseOptions: { maxTokens: options.MAX_TOKENS },
    validationRules: [
      operationShapeRule({
        depth: options.MAX_DEPTH,
        aliases: options.MAX_ALIASES,
        rootFields: options.MAX_ROOT_FIELDS,
        tokens: options.MAX_TOKENS,
        upstreamCalls: options.MAX_UPSTREAM_CALLS,
      }),
    ],
    introspection: options.INTROSPECTION ?? !production,
    // No "Did you mean" field suggestions in production: they tell a stranger the schema.
    hideSchemaDetailsFromClientErrors: production,
    // main.ts owns SIGTERM/SIGINT: it stops the gateway, then the sandboxes, then exits.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: !production,
    formatError: createFormatError(log, !production),
    plugins: [
      // No field sets cache hints and no response is HTTP-cached: computing a policy per field is waste.
      ApolloServerPluginCacheControlDisabled(),
      // Apollo's landing page loads from a CDN; outside production the explorer takes its place.
      ApolloServerPluginLandingPageDisabled(),
      // Before card-codes.ts: the estimate counts the activation codes of the variables.
      upstreamCallsPlugin(options.MAX_UPSTREAM_CALLS),
      cardCodesPlugin(schema),
      operationLog({
        metrics: options.metrics,
        tracing: options.tracing,
        trustedNames: trustedOperationNames(options.access.documents),
        rootFields: new Set([
          ...Object.keys(schema.getQueryType()?.getFields() ?? {}),
          ...Object.keys(schema.getMutationType()?.getFields() ?? {}),
        ]),
      }),
      // Last: a request the other plugins refuse never takes its idempotency key.
      idempotency.plugin,
    ],
  });
  await apollo.start();

  registerBodyParsers(app, bodyOptions);
  // Browser frontends on other origins, when listed; off by default (no headers, no hook).
  if (options.CORS_ORIGINS.length > 0) {
    await app.register(cors, {
      origin: options.CORS_ORIGINS,
      methods: ['GET', 'POST'],
      allowedHeaders: [
        'content-type',
        'x-api-key',
        'authorization',
        'x-request-id',
        'idempotency-key',
        'apollo-require-preflight',
        'x-apollo-operation-name',
      ],
      exposedHeaders: ['x-request-id', 'retry-after'],
      maxAge: 600,
    });
  }
  const contextFor = createContextFactory({
    log,
    providers,
    uploadMaxFileBytes: options.UPLOAD_MAX_FILE_BYTES,
    maxConcurrencyPerOperation: options.UPSTREAM_MAX_CONCURRENCY_PER_OPERATION,
    tracing: options.tracing,
    telemetry: options.metrics,
  });
  const { metrics } = options;
  const { access } = options;
  /** The request's client: set by the access hook, or the open client on an open gateway. */
  const clientOf = (request: FastifyRequest): Client => {
    if (request.client) return request.client;
    // Fail closed: a request that skipped the access hook of a gateway that has one runs nothing.
    if (!access.open) throw new Error('a request reached GraphQL without the access step');
    return access.openClient;
  };
  const graphql = fastifyApolloHandler(apollo, {
    context: (request) =>
      Promise.resolve(
        contextFor(
          request.id,
          clientOf(request),
          request.idempotency ?? undefined,
          request.headers,
        ),
      ),
  });

  // Set when the close starts. A request that arrives after it gets 503, and every answer from
  // then on ends its connection, so a kept-alive client cannot hold the drain open.
  let closing = false;
  // Set when the stop is asked for (SIGTERM): /readyz answers 503 from then on, while requests
  // are still served for SHUTDOWN_DELAY_MS, so load balancers stop sending before the drain.
  let stopRequested = false;
  // Set once the server listens: everything it needs (configuration, sandboxes, clients file,
  // Redis when configured) was loaded before.
  let started = false;
  const sendError = (reply: FastifyReply, status: number, code: string, message: string) => {
    if (closing) void reply.header('connection', 'close');
    return reply
      .code(status)
      .type('application/json; charset=utf-8')
      .send(errorBody(code, message));
  };
  const shuttingDown = (reply: FastifyReply) =>
    sendError(
      reply,
      503,
      'SERVICE_UNAVAILABLE',
      'The gateway is shutting down; send the request again',
    );

  // GraphiQL from node_modules for a browser's GET /graphql, outside production only.
  const explorer = !production;
  if (explorer) {
    registerExplorerAssets(app, (reply) =>
      sendError(reply, 404, 'NOT_FOUND', 'No such explorer file'),
    );
  }

  app.get('/healthz', (_request, reply) => {
    if (closing) return shuttingDown(reply);
    return reply.send({ status: 'ok' });
  });

  // Readiness: whether to send this gateway traffic. A provider being down does not make it
  // unready (the others still answer, and its calls fail fast with coded errors); the body says
  // how each one is doing.
  app.get('/readyz', (_request, reply) => {
    const status = stopRequested ? 'stopping' : started ? 'ready' : 'starting';
    const now = Date.now();
    const body = {
      status,
      ...(options.redis ? { redis: options.redis.status === 'ready' ? 'up' : 'down' } : {}),
      providers: Object.fromEntries(
        providers.list.map((p) => {
          const last = p.observer?.lastAnswerAt ?? null;
          return [
            p.id,
            {
              mode: p.mode,
              circuit: p.circuit?.state ?? null,
              lastAnswerAgoMs: last === null ? null : now - last,
            },
          ];
        }),
      ),
    };
    if (closing) void reply.header('connection', 'close');
    return reply
      .code(status === 'ready' ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(body);
  });

  app.decorateRequest('client', null);
  app.decorateRequest('idempotency', null);
  /** A stored answer again, byte for byte, or an idempotency refusal; nothing runs. */
  const sendOverride = (reply: FastifyReply, override: Override) => {
    if (override.kind === 'refuse') {
      if (metrics) {
        if (override.code === 'IDEMPOTENCY_KEY_IN_USE') metrics.idempotency('in_use');
        else if (override.code === 'IDEMPOTENCY_KEY_MISMATCH') metrics.idempotency('mismatch');
      }
      return sendError(reply, override.status, override.code, override.message);
    }
    metrics?.idempotency('replayed');
    const { answer } = override;
    if (closing) void reply.header('connection', 'close');
    return reply
      .code(answer.status)
      .type(answer.contentType)
      .header('idempotent-replayed', 'true')
      .send(answer.body);
  };
  /**
   * Who is calling, and whether it may now: decided from the headers alone, before the body is
   * read or anything runs. An open gateway has no such step.
   */
  const admit = async (request: FastifyRequest, reply: FastifyReply) => {
    void reply.header('x-request-id', request.id);
    void reply.header('cache-control', 'no-store');
    if (closing) return shuttingDown(reply);
    // The explorer page is static and public; the operations it sends are admitted as any other.
    if (explorer && isExplorerVisit(request)) return;
    const identity = await access.authenticate(request.headers, request.raw.rawHeaders);
    if (!identity.ok) {
      // The body is not read: end the connection rather than drain whatever is still coming.
      if (hasBody(request)) void reply.header('connection', 'close');
      if (identity.reason === 'unavailable') {
        return sendError(
          reply,
          503,
          'SERVICE_UNAVAILABLE',
          'Credentials cannot be checked right now (the identity provider is unreachable); try again',
        );
      }
      void reply.header('www-authenticate', access.challenge);
      return sendError(
        reply,
        401,
        'UNAUTHENTICATED',
        identity.reason === 'missing'
          ? 'Authentication required: send an API key in x-api-key or a token in Authorization: Bearer'
          : 'The credentials are invalid',
      );
    }
    const admission = await access.limiter.admit(identity.client);
    if (!admission.ok) {
      metrics?.rateLimited('client');
      if (hasBody(request)) void reply.header('connection', 'close');
      void reply.header('retry-after', String(admission.retryAfterS));
      return reply
        .code(429)
        .type('application/json; charset=utf-8')
        .send(
          JSON.stringify({
            errors: [
              {
                message: `Rate limit of ${identity.client.rateLimitPerMinute} requests a minute reached; retry after ${admission.retryAfterS} s`,
                extensions: { code: 'RATE_LIMITED', retryAfter: admission.retryAfterS },
              },
            ],
          }),
        );
    }
    request.client = identity.client;
  };

  app.route<{ Reply: string }>({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
    url: '/graphql',
    ...(access.open ? {} : { onRequest: admit }),
    handler: async (request, reply) => {
      void reply.header('x-request-id', request.id);
      // Customer and card state changes under the caller: no shared cache may keep an answer.
      void reply.header('cache-control', 'no-store');
      if (closing) return shuttingDown(reply);
      if (explorer && isExplorerVisit(request)) return sendExplorer(reply);
      if (request.body === MULTIPART_PENDING) {
        request.body = hasPreflightHeader(request)
          ? await parseMultipart(request.raw, reply.raw, bodyOptions)
          : undefined;
      }
      if (
        request.client?.trustedDocumentsOnly &&
        !isTrustedDocument(
          request.method === 'GET' ? request.query : request.body,
          access.documents,
        )
      ) {
        return sendError(
          reply,
          400,
          'PERSISTED_QUERY_NOT_IN_LIST',
          'This client may only run trusted documents, and this one is not in the persisted document list',
        );
      }
      const keyed = idempotency.begin(
        request.method,
        // Node joins a repeated header into one value: only then are the raw headers scanned.
        request.headers['idempotency-key'] === undefined
          ? undefined
          : idempotencyHeader(request.raw.rawHeaders),
        access.open ? '*' : clientOf(request).id,
        request.body,
      );
      if (keyed && !(keyed instanceof KeyedRequest)) return sendOverride(reply, keyed);
      if (!keyed) {
        const answer = await graphql.call(app, request, reply);
        if (closing) void reply.header('connection', 'close');
        return answer;
      }
      request.idempotency = keyed;
      const body = await Promise.resolve(graphql.call(app, request, reply)).catch(
        async (error: unknown) => {
          // Whatever ran is kept as an unknown outcome, so its key is not left locked.
          await idempotency.finish(keyed, 500, 'application/json', undefined);
          throw error;
        },
      );
      if (keyed.override) return sendOverride(reply, keyed.override);
      if (keyed.reconciling) metrics?.idempotency('reconciled');
      await idempotency.finish(
        keyed,
        reply.statusCode,
        String(reply.getHeader('content-type') ?? 'application/json'),
        typeof body === 'string' ? body : undefined,
      );
      if (closing) void reply.header('connection', 'close');
      return body;
    },
  });

  app.setNotFoundHandler((_request, reply) =>
    sendError(reply, 404, 'NOT_FOUND', 'No such endpoint: GraphQL is served at /graphql'),
  );

  // Body parsing, uploads and anything else the HTTP layer refuses: one JSON GraphQL error.
  app.setErrorHandler((error: FastifyError | ClientRequestError, request, reply) => {
    void reply.header('x-request-id', request.id);
    void reply.header('cache-control', 'no-store');
    if (error instanceof ClientRequestError) {
      // Fastify closes the connection after any body-parser error; a body read to its end (bad
      // JSON, say) leaves nothing unread on the connection, so it may stay open.
      if (error.closeConnection) void reply.header('connection', 'close');
      else reply.removeHeader('connection');
      return sendError(reply, error.statusCode, error.code, error.message);
    }
    const status = error.statusCode ?? 500;
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      void reply.header('connection', 'close');
      return sendError(
        reply,
        413,
        'PAYLOAD_TOO_LARGE',
        `Request body is larger than the limit of ${options.BODY_LIMIT_BYTES} bytes (BODY_LIMIT_BYTES)`,
      );
    }
    if (error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
      return sendError(
        reply,
        400,
        'BAD_REQUEST',
        'Request body length does not match Content-Length',
      );
    }
    if (status >= 400 && status < 500) {
      // Fastify's own refusals; its messages may quote request bytes, so they are not passed on.
      return sendError(reply, status, 'BAD_REQUEST', 'Bad request');
    }
    log.error('http error', { error, status, requestId: request.id });
    return sendError(reply, 500, 'INTERNAL_SERVER_ERROR', 'Internal error');
  });

  await app.listen({ port: options.PORT, host: options.HOST });
  started = true;
  const { address, port } = app.server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    stopRequested = true;
    if (options.SHUTDOWN_DELAY_MS > 0) {
      log.info('not ready: serving on while load balancers notice', {
        delayMs: options.SHUTDOWN_DELAY_MS,
      });
      await sleep(options.SHUTDOWN_DELAY_MS);
    }
    closing = true;
    // Node closes the connections that are idle when the close starts; one whose answer was
    // already on its way then becomes idle and would wait out its keep-alive. Swept here.
    const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
    const grace = setTimeout(() => {
      log.warn('requests still running after the shutdown grace period: closing them', {
        graceMs: options.SHUTDOWN_GRACE_MS,
      });
      app.server.closeAllConnections();
    }, options.SHUTDOWN_GRACE_MS);
    try {
      await app.close();
    } finally {
      clearTimeout(grace);
      clearInterval(sweep);
    }
    // Operations the grace period cut: their keys are handed over for reconciliation.
    await idempotency.shutdown();
    await apollo.stop();
  };

  return {
    url: `http://${host}:${port}/graphql`,
    httpServer: app.server,
    stop: () => (stopping ??= stop()),
  };
}
