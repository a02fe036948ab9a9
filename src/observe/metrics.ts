/**
 * Prometheus metrics of one gateway (prom-client), in a registry of its own: tests run several
 * gateways in one process. Every label has a bounded set of values; hot-path observations go to
 * label children cached on first use, so a request builds no label strings.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
} from 'prom-client';
import { GatewayErrorCode, UpstreamError } from '../errors.js';
import type { ProviderId } from '../providers/ids.js';
import type { ProviderSet } from '../providers/runtime.js';
import type { AdapterTelemetry, CircuitState, HttpRequest } from '../transport/types.js';

/** switchyard_circuit_state values. */
export const CIRCUIT_STATE_VALUE: Record<CircuitState, number> = {
  CLOSED: 0,
  HALF_OPEN: 1,
  OPEN: 2,
};

/** The adapter calls (HttpRequest.operation labels) as the `call` label names them. */
const CALLS: Record<string, UpstreamCall> = {
  'read customer': 'read',
  'CustomerService.GetCustomer': 'read',
  'activate customer': 'activate',
  'activation preview': 'preview',
  'hold customer': 'status',
  'CustomerService.UpdateCustomerStatus': 'status',
  'bulk update customers': 'bulk',
  'set activation codes': 'cards',
  token: 'token',
};
export type UpstreamCall =
  'read' | 'activate' | 'preview' | 'status' | 'bulk' | 'cards' | 'token' | 'other';

/** The `call` label of an HttpRequest.operation: one of a fixed set, `other` for anything new. */
export function upstreamCall(operation: string): UpstreamCall {
  return Object.hasOwn(CALLS, operation) ? CALLS[operation] : 'other';
}

/** An HTTP status as its class (2xx, 4xx, 5xx), or an UpstreamError code as it is. */
export function outcomeLabel(outcome: number | string): string {
  if (typeof outcome === 'string') return outcome;
  return outcome >= 100 && outcome < 600 ? `${Math.floor(outcome / 100)}xx` : 'other';
}

/** Distinct unknown status values counted per provider; later ones are counted as `other`. */
export const UNKNOWN_STATUS_VALUES = 20;
/** Longest unknown status value kept as a label. */
export const UNKNOWN_STATUS_LENGTH = 32;

export type IdempotencyOutcome = 'replayed' | 'in_use' | 'mismatch' | 'reconciled';

/** Children by label values, made on first use (prom-client's labels() hashes on every call). */
class Children<T> {
  private readonly map = new Map<string, Map<string, T>>();
  constructor(private readonly make: (a: string, b: string) => T) {}
  get(a: string, b: string): T {
    let inner = this.map.get(a);
    if (!inner) {
      inner = new Map();
      this.map.set(a, inner);
    }
    let child = inner.get(b);
    if (!child) {
      child = this.make(a, b);
      inner.set(b, child);
    }
    return child;
  }
}

/** What one provider's HTTP clients record (src/observe/upstream.ts calls it). */
export interface ProviderMetrics {
  attempt(operation: string, outcome: number | string, seconds: number): void;
  called(request: HttpRequest, error: unknown, status?: number): void;
}

export interface Metrics extends AdapterTelemetry {
  readonly registry: Registry;
  provider(id: ProviderId): ProviderMetrics;
  /** One GraphQL operation answered. */
  operation(label: string, type: string, outcome: string, seconds: number): void;
  /** A request refused for a rate limit: the client's (access), or a provider's. */
  rateLimited(scope: 'client' | 'provider'): void;
  idempotency(outcome: IdempotencyOutcome): void;
  /** Reads every provider's circuit state at scrape time. */
  watch(providers: ProviderSet): void;
}

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export function createMetrics(): Metrics {
  const registry = new Registry();
  // The process metrics (CPU, memory, event loop, GC), in this registry: a process runs one
  // gateway (tests run a few, each with its own).
  collectDefaultMetrics({ register: registry });
  const counter = <L extends string>(config: CounterConfiguration<L>) =>
    new Counter({ ...config, registers: [registry] });

  const operations = counter({
    name: 'switchyard_operations_total',
    help: 'GraphQL operations answered, by operation, type and outcome (ok, a userErrors code, or an error code)',
    labelNames: ['operation', 'type', 'outcome'] as const,
  });
  const operationDuration = new Histogram({
    name: 'switchyard_operation_duration_seconds',
    help: 'Time from the GraphQL context to the answer, by operation and type',
    labelNames: ['operation', 'type'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const upstreamRequests = counter({
    name: 'switchyard_upstream_requests_total',
    help: 'HTTP attempts sent to providers (each retry and token request counts), by provider, call and outcome (status class or UpstreamError code)',
    labelNames: ['provider', 'call', 'outcome'] as const,
  });
  const upstreamDuration = new Histogram({
    name: 'switchyard_upstream_duration_seconds',
    help: 'Duration of one HTTP attempt to a provider, by provider and call',
    labelNames: ['provider', 'call'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const tokenFetches = counter({
    name: 'switchyard_upstream_token_fetches_total',
    help: 'Access-token requests to providers, by provider and outcome (ok or an error code)',
    labelNames: ['provider', 'outcome'] as const,
  });
  const unknownStatuses = counter({
    name: 'switchyard_unknown_status_total',
    help: `Customer statuses a provider sent that its table does not know (mapped to UNKNOWN); value: the first ${UNKNOWN_STATUS_VALUES} distinct values per provider, then other`,
    labelNames: ['provider', 'value'] as const,
  });
  const rateLimited = counter({
    name: 'switchyard_rate_limited_total',
    help: 'Requests refused for a rate limit: scope client (a client over its limit, HTTP 429) or provider (PROVIDER_RATE_LIMITED)',
    labelNames: ['scope'] as const,
  });
  const idempotency = counter({
    name: 'switchyard_idempotency_total',
    help: 'Idempotency-Key outcomes: replayed, in_use (409), mismatch (422), reconciled',
    labelNames: ['outcome'] as const,
  });
  let watched: ProviderSet | undefined;
  new Gauge({
    name: 'switchyard_circuit_state',
    help: 'Circuit breaker of each enabled provider: 0 closed, 1 half-open, 2 open',
    labelNames: ['provider'] as const,
    registers: [registry],
    collect() {
      for (const p of watched?.list ?? []) {
        if (p.circuit) this.set({ provider: p.id }, CIRCUIT_STATE_VALUE[p.circuit.state]);
      }
    },
  });

  const operationChildren = new Children((operation, type) => ({
    duration: operationDuration.labels(operation, type),
    outcomes: new Map<string, Counter.Internal>(),
  }));
  const rateLimitedChildren = {
    client: rateLimited.labels('client'),
    provider: rateLimited.labels('provider'),
  };
  // Both scopes are shown from the start, at 0, so rate() over them works from the first scrape.
  rateLimitedChildren.client.inc(0);
  rateLimitedChildren.provider.inc(0);
  const unknownSeen = new Map<ProviderId, Set<string>>();

  const provider = (id: ProviderId): ProviderMetrics => {
    const requests = new Children((call, outcome) => upstreamRequests.labels(id, call, outcome));
    const durations = new Map<string, Histogram.Internal<'provider' | 'call'>>();
    const tokens = new Map<string, Counter.Internal>();
    return {
      attempt(operation, outcome, seconds) {
        const call = upstreamCall(operation);
        requests.get(call, outcomeLabel(outcome)).inc();
        let duration = durations.get(call);
        if (!duration) {
          duration = upstreamDuration.labels(id, call);
          durations.set(call, duration);
        }
        duration.observe(seconds);
      },
      called(request, error, status) {
        const code = error instanceof UpstreamError ? error.code : error ? 'INTERNAL' : 'ok';
        if (code === GatewayErrorCode.PROVIDER_RATE_LIMITED) rateLimitedChildren.provider.inc();
        if (!request.anonymous) return;
        // A token endpoint's 4xx is a refusal of our credentials (oauth.ts says so to the caller).
        const outcome =
          code === 'ok' && status !== undefined && status >= 300
            ? GatewayErrorCode.PROVIDER_AUTH_FAILED
            : code;
        let child = tokens.get(outcome);
        if (!child) {
          child = tokenFetches.labels(id, outcome);
          tokens.set(outcome, child);
        }
        child.inc();
      },
    };
  };

  return {
    registry,
    provider,
    operation(label, type, outcome, seconds) {
      const children = operationChildren.get(label, type);
      let counted = children.outcomes.get(outcome);
      if (!counted) {
        counted = operations.labels(label, type, outcome);
        children.outcomes.set(outcome, counted);
      }
      counted.inc();
      children.duration.observe(seconds);
    },
    unknownStatus(providerId, raw) {
      let seen = unknownSeen.get(providerId);
      if (!seen) {
        seen = new Set();
        unknownSeen.set(providerId, seen);
      }
      let value = raw.slice(0, UNKNOWN_STATUS_LENGTH);
      if (!seen.has(value)) {
        if (seen.size < UNKNOWN_STATUS_VALUES) seen.add(value);
        else value = 'other';
      }
      unknownStatuses.labels(providerId, value).inc();
    },
    rateLimited(scope) {
      rateLimitedChildren[scope].inc();
    },
    idempotency(outcome) {
      idempotency.labels(outcome).inc();
    },
    watch(providers) {
      watched = providers;
    },
  };
}

/**
 * Serves GET /metrics on its own port (METRICS_PORT), apart from the API, so it is not exposed
 * where the API is and needs no client credentials.
 */
export async function serveMetrics(
  metrics: Metrics,
  host: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = request.url?.split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: try /metrics\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': metrics.registry.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n'),
    );
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port: bound } = server.address() as AddressInfo;
  const shown = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${shown}:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
