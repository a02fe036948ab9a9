/**
 * The one place upstream HTTP happens: a got instance per provider with keep-alive, a per-call
 * deadline that covers token fetches and retries, a concurrency limit, the provider's request
 * budget (quota.ts), one re-authentication after a 401, and the mapping of transport failures to
 * gateway error codes. Resolvers never see got.
 */
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import got, { RequestError, type Headers, type Response } from 'got';
import { GatewayErrorCode, UpstreamError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ProviderId } from '../providers/ids.js';
import { createLimiter } from './limit.js';
import {
  TokenWaitTimeout,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  type ProviderQuota,
} from './types.js';

export function retryAfterHeader(headers: Headers): number | undefined {
  const value = headers['retry-after'];
  if (typeof value !== 'string' || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

const noRelease = () => undefined;

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { provider } = options;
  const logFor = (request: HttpRequest) => request.scope?.log ?? options.log;
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxConcurrency,
    scheduling: 'lifo' as const,
  };
  const agent = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  const limiter = createLimiter(options.maxConcurrency);
  const instance = got.extend({
    prefixUrl: options.baseUrl,
    agent,
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    responseType: 'text',
    headers: { 'user-agent': 'switchyard-gateway', accept: 'application/json', ...options.headers },
  });
  const fail = (
    code: GatewayErrorCode,
    message: string,
    extra: { retryAfter?: number; cause?: unknown } = {},
  ) => new UpstreamError(code, provider, message, extra);
  const outOfTime = (request: HttpRequest) =>
    fail(
      GatewayErrorCode.PROVIDER_TIMEOUT,
      `${provider} did not answer ${request.operation} in time`,
    );

  // Provider quota (quota.ts): every attempt takes one unit of the provider's budget before it is
  // sent, and every answer's rate-limit report (when the provider has one) may tighten it.
  const { quota, quotaReport, observer, tracer } = options;
  const takeBudget = async (quota: ProviderQuota, request: HttpRequest, deadline: number) => {
    if (deadline <= Date.now()) return; // out of time: the caller says so, without spending budget
    // A token fetch is not a read that may starve writes: every call behind it waits for it.
    const kind = request.anonymous ? 'write' : request.kind;
    const waitMs = await quota.take(kind, deadline);
    if (waitMs === null) return;
    const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
    logFor(request).debug('provider quota spent: not sent', {
      provider,
      operation: request.operation,
      perMinute: quota.perMinute,
      retryAfter,
    });
    throw fail(
      GatewayErrorCode.PROVIDER_RATE_LIMITED,
      `${provider}'s request budget (${quota.perMinute} a minute) is spent; retry after ${retryAfter} s`,
      { retryAfter },
    );
  };
  const observeBudget = (quota: ProviderQuota, headers: Headers) => {
    const report = quotaReport?.(headers);
    return report ? quota.observe(report) : undefined;
  };

  const attempt = async (
    request: HttpRequest,
    deadline: number,
    authorization: string | undefined,
  ) => {
    if (quota) await takeBudget(quota, request, deadline);
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw outOfTime(request);
    const started = Date.now();
    const log = logFor(request);
    const requestId = request.scope?.requestId;
    const headers: Record<string, string> = {
      ...request.headers,
      ...(requestId ? { 'x-request-id': requestId } : {}),
      ...(authorization ? { authorization } : {}),
    };
    // Only with tracing on: the attempt's span, its traceparent written into the headers.
    const span = tracer?.startAttempt(request, headers);
    try {
      const response = await instance(request.path.replace(/^\//, ''), {
        method: request.method,
        // Only the keys in use: got validates every option it is given, undefined ones included.
        ...(request.searchParams && { searchParams: request.searchParams }),
        ...(request.json !== undefined && { json: request.json }),
        ...(request.form && { form: request.form }),
        ...(request.body !== undefined && {
          body: typeof request.body === 'function' ? request.body() : request.body,
        }),
        headers,
        timeout: { request: remaining },
      });
      const durationMs = Date.now() - started;
      observer?.attempt(request.operation, response.statusCode, durationMs);
      span?.end(response.statusCode);
      log.debug('upstream call', {
        provider,
        operation: request.operation,
        status: response.statusCode,
        durationMs,
      });
      if (quota) await observeBudget(quota, response.headers);
      return response;
    } catch (error) {
      const durationMs = Date.now() - started;
      const failure = mapRequestError(error, request, provider, durationMs, log);
      observer?.attempt(request.operation, failure.code, durationMs);
      span?.end(failure.code);
      throw failure;
    }
  };

  /**
   * One attempt, tried again while the call allows it (at most `readRetries` times, each wait
   * ending before the deadline): a read after a connection error, 429, 502, 503 or 504; a write
   * only when it provably never left (no connection was made). The wait is the provider's
   * Retry-After on 429 and 503, else exponential backoff with full jitter. A 429 whose Retry-After
   * would carry past the deadline is not waited for: the caller gets it (PROVIDER_RATE_LIMITED)
   * at once. Returns the retries left, so a re-authentication does not start a fresh count.
   */
  const attemptWithRetries = async (
    request: HttpRequest,
    deadline: number,
    authorization: string | undefined,
    retries: number,
  ): Promise<{ response: Response<string>; retries: number }> => {
    for (let tried = 1; ; tried++) {
      let response: Response<string> | undefined;
      let failure: unknown;
      try {
        response = await attempt(request, deadline, authorization);
      } catch (error) {
        failure = error;
      }
      const reason = response
        ? request.kind === 'read' && RETRY_STATUS.has(response.statusCode)
          ? `HTTP ${response.statusCode}`
          : undefined
        : retryableFailure(request, failure);
      let waitMs = reason === undefined || retries === 0 ? Infinity : backoffMs(tried);
      if (response && waitMs !== Infinity) {
        const { statusCode, headers } = response;
        const seconds =
          statusCode === 429
            ? (options.retryAfter ?? retryAfterHeader)(headers)
            : statusCode === 503
              ? retryAfterHeader(headers)
              : undefined;
        if (seconds !== undefined) waitMs = seconds * 1000;
      }
      if (Date.now() + waitMs >= deadline) {
        if (response) return { response, retries };
        throw failure;
      }
      retries -= 1;
      logFor(request).debug('retrying upstream call', {
        provider,
        operation: request.operation,
        attempt: tried + 1,
        reason,
        waitMs: Math.round(waitMs),
      });
      await sleep(waitMs);
    }
  };

  /** One attempt (with its retries), the body parsed (JSON or undefined) so auth rejections can be recognised. */
  const exchange = async (
    request: HttpRequest,
    deadline: number,
    authorization: string | undefined,
    retriesLeft: number,
  ) => {
    const { response, retries } = await attemptWithRetries(
      request,
      deadline,
      authorization,
      retriesLeft,
    );
    const parsed: HttpResponse = {
      statusCode: response.statusCode,
      headers: response.headers,
      body:
        response.statusCode >= 500 || (response.statusCode >= 300 && response.statusCode < 400)
          ? undefined
          : parseBody(response.body, response.statusCode, request, provider, logFor(request)),
    };
    const rejected = parsed.statusCode === 401 || (options.tokenRejected?.(parsed) ?? false);
    return { response: parsed, rejected, retries };
  };

  /** The call once it holds its slots: token, attempts, re-authentication, what the answer means. */
  const call = async (request: HttpRequest, deadline: number): Promise<HttpResponse> => {
    const log = logFor(request);
    const auth = request.anonymous ? undefined : options.auth;
    const header = async () => {
      try {
        return await auth?.header(deadline);
      } catch (error) {
        if (error instanceof TokenWaitTimeout) throw outOfTime(request);
        throw error;
      }
    };
    let authorization = await header();
    const first = await exchange(request, deadline, authorization, options.readRetries);
    let { response, rejected } = first;
    if (rejected && auth && authorization) {
      // The token may have been revoked or expired early: fetch a fresh one and try once more.
      // The rejection proves the first attempt was not processed, so this is safe for writes too.
      auth.invalidate(authorization);
      authorization = await header();
      ({ response, rejected } = await exchange(request, deadline, authorization, first.retries));
    }
    const { statusCode, headers } = response;
    if (rejected || statusCode === 401 || statusCode === 403) {
      log.error('provider rejected our credentials', {
        provider,
        operation: request.operation,
        status: statusCode,
      });
      throw fail(
        GatewayErrorCode.PROVIDER_AUTH_FAILED,
        `${provider} rejected the gateway's credentials`,
      );
    }
    if (statusCode === 429) {
      const retryAfter = (options.retryAfter ?? retryAfterHeader)(headers);
      throw fail(
        GatewayErrorCode.PROVIDER_RATE_LIMITED,
        `${provider} is rate limiting the gateway`,
        { retryAfter },
      );
    }
    if (statusCode >= 300 && statusCode < 400) {
      // Redirects are never followed (credentials must not travel to another origin). A 303,
      // or a 302 after a write, usually answers a request that was processed; 301, 307 and
      // 308 say "not here": the configured origin is wrong or the provider moved.
      log.error('provider redirected the request', {
        provider,
        operation: request.operation,
        status: statusCode,
      });
      if (request.kind === 'write' && (statusCode === 302 || statusCode === 303)) {
        throw fail(
          GatewayErrorCode.OUTCOME_UNKNOWN,
          `${provider} answered ${request.operation} with a redirect (HTTP ${statusCode}): check before retrying`,
        );
      }
      throw fail(
        GatewayErrorCode.PROVIDER_UNAVAILABLE,
        `${provider} answered with a redirect (HTTP ${statusCode}); check its *_BASE_URL`,
      );
    }
    if (statusCode >= 500) {
      log.warn('provider error status', {
        provider,
        operation: request.operation,
        status: statusCode,
      });
      // A 502 or 504 on a write comes from an intermediary: the provider may have done it.
      if ((statusCode === 502 || statusCode === 504) && request.kind === 'write') {
        throw fail(
          GatewayErrorCode.OUTCOME_UNKNOWN,
          `${provider} did not confirm ${request.operation}: check before retrying`,
        );
      }
      throw fail(
        GatewayErrorCode.PROVIDER_UNAVAILABLE,
        `${provider} failed with HTTP ${statusCode}`,
      );
    }
    return response;
  };

  const send = async (request: HttpRequest): Promise<HttpResponse> => {
    const deadline = request.deadline ?? Date.now() + options.timeoutMs;
    // A token request runs inside the call that needs it, so that call's outcome is what the
    // breaker counts: a provider whose token endpoint fails is failing.
    const circuit = request.anonymous ? undefined : options.circuit;
    if (circuit?.refuses()) throw circuit.refusal();
    // Token requests skip the limits: the calls waiting for that token hold every slot. The
    // operation's own share comes first, so what it queues waits in its own line; both waits
    // count against the call's deadline (and, being ours, not against the provider's circuit).
    const own =
      request.anonymous || !request.scope?.slots
        ? noRelease
        : await request.scope.slots.acquire(provider, deadline);
    if (!own) throw outOfTime(request);
    const shared = request.anonymous ? noRelease : await limiter.acquire(deadline);
    if (!shared) {
      own();
      throw outOfTime(request);
    }
    try {
      const response = circuit
        ? await circuit.run(() => call(request, deadline))
        : await call(request, deadline);
      observer?.called(request, undefined, response.statusCode);
      return response;
    } catch (error) {
      observer?.called(request, error);
      throw error;
    } finally {
      shared();
      own();
    }
  };

  return {
    provider,
    timeoutMs: options.timeoutMs,
    send,
  };
}

/**
 * Parses a body as JSON. Text that is not JSON on a 2xx answer to a write means the provider took
 * the request and we cannot tell what it did; on a read it is PROVIDER_UNAVAILABLE; on a 4xx it is
 * left undefined so the adapter maps the status alone.
 */
function parseBody(
  text: string,
  statusCode: number,
  request: HttpRequest,
  provider: ProviderId,
  log: Logger,
): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    log.error('provider sent a body that is not JSON', {
      provider,
      operation: request.operation,
      status: statusCode,
      length: text.length,
    });
    if (statusCode >= 400) return undefined;
    if (request.kind === 'write' && statusCode >= 200 && statusCode < 300) {
      throw new UpstreamError(
        GatewayErrorCode.OUTCOME_UNKNOWN,
        provider,
        `${provider} accepted ${request.operation} but its answer could not be read: check before retrying`,
      );
    }
    throw new UpstreamError(
      GatewayErrorCode.PROVIDER_UNAVAILABLE,
      provider,
      `${provider} sent an unreadable response`,
    );
  }
}

const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/** Answers a read is tried again after. */
const RETRY_STATUS = new Set([429, 502, 503, 504]);
const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_MS = 2_000;

/** Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^(tried-1))). */
export function backoffMs(tried: number): number {
  return Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (tried - 1));
}

function requestErrorCode(error: unknown): string {
  return error instanceof RequestError ? error.code : 'UNKNOWN';
}

/**
 * True when the request provably never left: the connection (and its TLS handshake) was never
 * made. With keep-alive a reused socket counts as connected from the start, so this is
 * conservative.
 */
function neverConnected(error: RequestError): boolean {
  if (NEVER_CONNECTED.has(error.code)) return true;
  const secure = error.options.url?.toString().startsWith('https:');
  return (secure ? error.timings?.secureConnect : error.timings?.connect) === undefined;
}

/**
 * Why a failed attempt may be tried again, or undefined when it must not: a read after any
 * connection error (a timeout leaves no time anyway), a write only when it never connected.
 * Anything that is not a connection error (a refusal decided before sending, for example) is final.
 */
export function retryableFailure(
  request: Pick<HttpRequest, 'kind'>,
  failure: unknown,
): string | undefined {
  const cause = failure instanceof UpstreamError ? failure.options.cause : undefined;
  if (!(cause instanceof RequestError) || cause.code === 'ETIMEDOUT') return undefined;
  return request.kind === 'read' || neverConnected(cause) ? cause.code : undefined;
}

function mapRequestError(
  error: unknown,
  request: HttpRequest,
  provider: ProviderId,
  durationMs: number,
  log: Logger,
): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const code = requestErrorCode(error);
  // Request bytes can only have left once the connection (and its TLS handshake) was up.
  const connected = error instanceof RequestError && !neverConnected(error);
  const context = { provider, operation: request.operation, code, durationMs, connected };
  const fail = (gatewayCode: GatewayErrorCode, message: string) =>
    new UpstreamError(gatewayCode, provider, message, { cause: error });

  if (!connected) {
    log.warn('provider unreachable', context);
    return code === 'ETIMEDOUT'
      ? fail(
          GatewayErrorCode.PROVIDER_TIMEOUT,
          `${provider} did not answer ${request.operation} in time`,
        )
      : fail(GatewayErrorCode.PROVIDER_UNAVAILABLE, `${provider} could not be reached`);
  }
  if (request.kind === 'write') {
    log.error('write sent but no answer', context);
    return fail(
      GatewayErrorCode.OUTCOME_UNKNOWN,
      `${provider} received ${request.operation} but did not answer: check the record before retrying`,
    );
  }
  log.warn('provider did not answer', context);
  return code === 'ETIMEDOUT'
    ? fail(
        GatewayErrorCode.PROVIDER_TIMEOUT,
        `${provider} did not answer ${request.operation} in time`,
      )
    : fail(
        GatewayErrorCode.PROVIDER_UNAVAILABLE,
        `${provider} closed the connection without answering`,
      );
}
