/**
 * What the transport's parts share: the request and response of one upstream call, the operation
 * a call serves, the auth strategy seam and the client a provider adapter holds. Types only, plus
 * the one signal the token cache gives the HTTP client, so http.ts, token-cache.ts and wire.ts
 * import this file and never each other.
 */
import type { Context } from '@opentelemetry/api';
import type { Headers, Method } from 'got';
import type { Logger } from '../log.js';
import type { ProviderId } from '../providers/ids.js';

/** A provider's circuit breaker: closed (calls go through), open (refused), half-open (one trial). */
export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/** Reads are safe to repeat; a write that may have reached the provider has an unknown outcome. */
export type CallKind = 'read' | 'write';

/**
 * The GraphQL operation a provider call serves: its log lines carry the request id, which is
 * forwarded to the provider. Adapters receive it as their last argument.
 */
export interface CallContext {
  requestId: string;
  log: Logger;
  /** The operation's own share of each provider's connection slots; absent for shared work. */
  slots?: OperationSlots;
  /** The operation's trace context (its span), when tracing is on: provider spans are its children. */
  trace?: Context;
  /** The gateway's counters a provider adapter reports to; absent when metrics are off. */
  telemetry?: AdapterTelemetry;
}

/** What an adapter reports beside its answer (src/observe/metrics.ts counts it). */
export interface AdapterTelemetry {
  /** The provider sent a status its table does not know (mapped to UNKNOWN). */
  unknownStatus(provider: ProviderId, value: string): void;
}

/**
 * What the HTTP client reports of one provider's traffic (src/observe/upstream.ts): metrics when
 * they are on, and the time of the last answer, which /readyz shows.
 */
export interface UpstreamObserver {
  /**
   * One HTTP exchange ended after `ms`: the answer's status, or the UpstreamError code it failed
   * with. Called for every attempt, retries and token requests included.
   */
  attempt(operation: string, outcome: number | string, ms: number): void;
  /**
   * A call ended, all its attempts done: `error` undefined when the adapter got an answer (a 2xx,
   * or a 4xx it maps itself), whose `status` is given.
   */
  called(request: HttpRequest, error: unknown, status?: number): void;
}

/** Tracing of upstream calls (src/observe/tracing.ts); absent when tracing is off. */
export interface UpstreamTracer {
  /** Starts the CLIENT span of one attempt and writes its `traceparent` into `headers`. */
  startAttempt(request: HttpRequest, headers: Record<string, string>): AttemptSpan;
}

export interface AttemptSpan {
  /** Ends the span with the answer's status or the failure's code. */
  end(outcome: number | string): void;
}

/**
 * At most UPSTREAM_MAX_CONCURRENCY_PER_OPERATION calls of one operation in flight to a provider,
 * so one big operation cannot hold every slot while another client's read waits.
 */
export interface OperationSlots {
  /** Waits for one of this operation's slots for `provider` until `deadline`; null on timeout. */
  acquire(provider: ProviderId, deadline: number): Promise<(() => void) | null>;
}

/** How a client authenticates; token-based strategies cache and refresh behind `header`. */
export interface AuthStrategy {
  /** The Authorization header value to send, fetched (once, shared) if needed before `deadline`. */
  header(deadline: number): Promise<string>;
  /** The provider answered 401 to this header: forget it so the next `header` call fetches anew. */
  invalidate(header: string): void;
}

/** A caller's own deadline passed while it waited for a shared token fetch. */
export class TokenWaitTimeout extends Error {
  override readonly name = 'TokenWaitTimeout';
}

export interface HttpRequest {
  method: Method;
  /** Path under the origin, starting with '/'. */
  path: string;
  kind: CallKind;
  searchParams?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  /**
   * The body; a function builds it anew for each attempt (a JSON-RPC envelope carries a fresh
   * request id every time it is sent).
   */
  body?: string | Buffer | FormData | (() => string);
  headers?: Record<string, string>;
  /** Epoch ms by which the whole call, retries included, must end. */
  deadline?: number;
  /** The token request itself: no auth strategy, and not counted against the concurrency limit. */
  anonymous?: boolean;
  /** A short label for logs, e.g. "activate"; never includes ids or secrets. */
  operation: string;
  /** The GraphQL operation this call serves; absent for shared work such as token fetches. */
  scope?: CallContext;
}

export interface HttpResponse {
  statusCode: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. Validate it with zod before reading. */
  body: unknown;
}

export interface HttpClient {
  readonly provider: ProviderId;
  readonly timeoutMs: number;
  /**
   * Sends a request. Resolves with any response the adapter must interpret (2xx and 4xx other than
   * 401/403/429); rejects with UpstreamError for transport failures, auth failures, 429 and 5xx.
   */
  send(request: HttpRequest): Promise<HttpResponse>;
}

/** What a provider says about its own upstream; the gateway's shared settings are added for it. */
export interface ProviderHttpOptions {
  /** Provider origin, scheme://host[:port]. */
  baseUrl: string;
  auth?: AuthStrategy;
  /** Static headers sent on every request (an API key, for example). */
  headers?: Record<string, string>;
  /** Seconds to wait after a 429, read from the provider's headers; Retry-After by default. */
  retryAfter?: (headers: Headers) => number | undefined;
  /**
   * True when a response rejects the access token although its HTTP status is not 401 (a provider
   * that reports auth errors in a 200 envelope). Treated exactly like a 401.
   */
  tokenRejected?: (response: HttpResponse) => boolean;
  /**
   * What the provider says of its request window on any response (its rate-limit headers), so
   * the gateway's budget for it is tightened when someone else shares the same key.
   */
  quotaReport?: (headers: Headers) => QuotaReport | undefined;
}

/** A provider's own account of its current request window. */
export interface QuotaReport {
  /** Requests it will still accept in this window. */
  remaining: number;
  /** Milliseconds until the window resets. */
  resetInMs: number;
  /** Its limit for the window, when it says. */
  limit?: number;
}

/**
 * The gateway's request budget for one provider (`<PROVIDER>_RATE_LIMIT_PER_MINUTE`), shared by
 * replicas through Redis. Every attempt sent to the provider takes one unit.
 */
export interface ProviderQuota {
  readonly perMinute: number;
  /**
   * Takes one unit, waiting until `deadline` (epoch ms) for one: null once taken, else the ms
   * until budget comes back. Reads take only up to 90 % of a window; writes up to all of it.
   */
  take(kind: CallKind, deadline: number): Promise<number | null>;
  /** The provider reported its window: never admit more than it says is left before its reset. */
  observe(report: QuotaReport): Promise<void>;
}

/** Every option of one provider's HTTP client. */
export interface HttpClientOptions extends ProviderHttpOptions {
  provider: ProviderId;
  timeoutMs: number;
  maxConcurrency: number;
  /** Most times a read (or a write that never connected) is tried again within its deadline. */
  readRetries: number;
  /** The provider's circuit breaker, shared by every client of that provider; none when absent. */
  circuit?: ProviderCircuitGate;
  log: Logger;
  /** This provider's request budget; absent when it has no limit. */
  quota?: ProviderQuota;
  /** Metrics and last-answer time of this provider; shared by its clients. */
  observer?: UpstreamObserver;
  /** A span per attempt, when tracing is on. */
  tracer?: UpstreamTracer;
}

/** What the HTTP client needs of a provider's circuit breaker (transport/circuit.ts). */
export interface ProviderCircuitGate {
  /** True when a call would be refused now, before it waits for a slot. */
  refuses(): boolean;
  /** The error a refused call fails with. */
  refusal(): Error;
  /** Runs one call, all its attempts included, through the breaker. */
  run<T>(call: () => Promise<T>): Promise<T>;
}
