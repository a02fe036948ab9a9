/**
 * The per-request context every resolver receives, and its factory. Built once per GraphQL request
 * on the hot path, so it holds no closures: loaders are made on first use, for the providers an
 * operation actually touches.
 */
import type { IncomingHttpHeaders } from 'node:http';
import DataLoader from 'dataloader';
import type { Client } from '../access/model.js';
import type { KeyedRequest } from '../idempotency/index.js';
import type { Logger } from '../log.js';
import type { OperationTrace, Tracing } from '../observe/tracing.js';
import type {
  CallContext,
  CardCodeRecord,
  CustomerModel,
  ProviderId,
} from '../providers/contract.js';
import type { ProviderSet } from '../providers/runtime.js';
import { createLimiter, type Limiter } from '../transport/limit.js';
import type { AdapterTelemetry, OperationSlots } from '../transport/types.js';

/** Largest number of ids one DataLoader batch hands to an adapter. */
const MAX_BATCH = 100;

/** Everything a resolver may use during one GraphQL operation. Built per request. */
export interface GatewayContext {
  requestId: string;
  /** Who is calling: its scopes, providers and card programs bound what this operation may do. */
  client: Client;
  log: Logger;
  providers: ProviderSet;
  /** Per-request customer loaders, one per provider: the same customer is fetched once per operation. */
  customerLoader(provider: ProviderId): DataLoader<string, CustomerModel | null>;
  /** What every adapter call receives: the request id and the request's logger. */
  call: CallContext;
  limits: { uploadMaxFileBytes: number };
  /** performance.now() when the request's context was built, for the operation log line. */
  startedAt: number;
  /** Activation-code records by variable name, taken past graphql-js's coercion (card-codes.ts). */
  cardCodes?: Map<string, CardCodeRecord[]>;
  /** The Idempotency-Key state of a keyed POST: mutation fields note outcomes and reconcile here. */
  idempotency?: KeyedRequest;
  /** The operation's span, when tracing is on (ended by the operation log plugin). */
  trace?: OperationTrace;
}

/** What does not change between requests. */
export interface ContextOptions {
  log: Logger;
  providers: ProviderSet;
  uploadMaxFileBytes: number;
  /** UPSTREAM_MAX_CONCURRENCY_PER_OPERATION */
  maxConcurrencyPerOperation: number;
  /** Tracing, when on: a span per operation, its trace id on every log line. */
  tracing?: Tracing;
  /** What adapters count (metrics), when metrics are on. */
  telemetry?: AdapterTelemetry;
}

/** One operation's slots per provider, made on first use. */
class Slots implements OperationSlots {
  private readonly limiters = new Map<ProviderId, Limiter>();
  constructor(private readonly max: number) {}
  acquire(provider: ProviderId, deadline: number) {
    let limiter = this.limiters.get(provider);
    if (!limiter) {
      limiter = createLimiter(this.max);
      this.limiters.set(provider, limiter);
    }
    return limiter.acquire(deadline);
  }
}

class RequestContext implements GatewayContext {
  readonly log: Logger;
  readonly call: CallContext;
  readonly providers: ProviderSet;
  readonly limits: { uploadMaxFileBytes: number };
  readonly startedAt = performance.now();
  cardCodes?: Map<string, CardCodeRecord[]>;
  readonly trace: OperationTrace | undefined;
  private loaders: Map<ProviderId, DataLoader<string, CustomerModel | null>> | undefined;

  constructor(
    readonly requestId: string,
    readonly client: Client,
    shared: ContextOptions & { limits: { uploadMaxFileBytes: number } },
    readonly idempotency: KeyedRequest | undefined,
    headers: IncomingHttpHeaders,
  ) {
    this.trace = shared.tracing?.startOperation(headers);
    this.log = shared.log.child(
      this.trace
        ? { requestId, clientId: client.id, traceId: this.trace.traceId }
        : { requestId, clientId: client.id },
    );
    this.call = {
      requestId,
      log: this.log,
      slots: new Slots(shared.maxConcurrencyPerOperation),
      trace: this.trace?.context,
      telemetry: shared.telemetry,
    };
    this.providers = shared.providers;
    this.limits = shared.limits;
  }

  customerLoader(provider: ProviderId): DataLoader<string, CustomerModel | null> {
    this.loaders ??= new Map();
    let loader = this.loaders.get(provider);
    if (!loader) {
      const adapter = this.providers.adapter(provider);
      const call = this.call;
      loader = new DataLoader<string, CustomerModel | null>(
        async (ids) => {
          if (!adapter.readCustomers) throw new Error(`${provider} has no customer read`);
          return adapter.readCustomers(ids, call);
        },
        { name: `${provider}.customers`, maxBatchSize: MAX_BATCH },
      );
      this.loaders.set(provider, loader);
    }
    return loader;
  }
}

/** Returns the per-request context factory; the shared parts are bound once here. */
export function createContextFactory(
  options: ContextOptions,
): (
  requestId: string,
  client: Client,
  idempotency: KeyedRequest | undefined,
  headers: IncomingHttpHeaders,
) => GatewayContext {
  const shared = { ...options, limits: { uploadMaxFileBytes: options.uploadMaxFileBytes } };
  return (requestId, client, idempotency, headers) =>
    new RequestContext(requestId, client, shared, idempotency, headers);
}
