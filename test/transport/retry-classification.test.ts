/**
 * Which failed attempts may be tried again, decided on the real errors got raises against real
 * local sockets: a write only when it never connected, a read after any connection error.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { backoffMs, createHttpClient, retryableFailure } from '../../src/transport/http.js';
import type { CallKind } from '../../src/transport/types.js';

describe('retry classification on real connection errors', () => {
  let resetting: Server;
  let resettingUrl: string;
  let closedUrl: string;
  let requests = 0;

  beforeAll(async () => {
    // Reads the whole request, then drops the connection without answering: the bytes left.
    resetting = createServer((req) => {
      requests += 1;
      req.resume();
      req.on('end', () => req.socket.destroy());
    });
    await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
    resettingUrl = `http://127.0.0.1:${(resetting.address() as AddressInfo).port}`;
    // A port that was free a moment ago and has nothing listening now.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
  afterAll(() => new Promise<void>((resolve) => resetting.close(() => resolve())));

  const failureOf = async (baseUrl: string, kind: CallKind, readRetries = 0) => {
    const lines: Record<string, unknown>[] = [];
    const client = createHttpClient({
      provider: 'fusebill',
      baseUrl,
      timeoutMs: 2_000,
      maxConcurrency: 2,
      readRetries,
      log: createLogger({
        level: 'debug',
        write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
      }),
    });
    const error = await client
      .send({ method: 'POST', path: '/x', kind, json: { a: 1 }, operation: 'probe' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(UpstreamError);
    return {
      error: error as UpstreamError,
      retries: lines.filter((l) => l.msg === 'retrying upstream call'),
    };
  };

  it('a refused connection may be retried, write or read: nothing left', async () => {
    const { error } = await failureOf(closedUrl, 'write');
    expect(error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(retryableFailure({ kind: 'write' }, error)).toBe('ECONNREFUSED');
    expect(retryableFailure({ kind: 'read' }, error)).toBe('ECONNREFUSED');
  });

  it('a reset after the request was sent may be retried for a read, never for a write', async () => {
    const { error } = await failureOf(resettingUrl, 'write');
    expect(error.code).toBe('OUTCOME_UNKNOWN');
    expect(retryableFailure({ kind: 'write' }, error)).toBeUndefined();
    expect(retryableFailure({ kind: 'read' }, error)).toBe('ECONNRESET');
  });

  it('the client retries a refused write, and sends a reset write exactly once', async () => {
    const refused = await failureOf(closedUrl, 'write', 2);
    expect(refused.retries.map((l) => [l.attempt, l.reason])).toEqual([
      [2, 'ECONNREFUSED'],
      [3, 'ECONNREFUSED'],
    ]);
    requests = 0;
    const reset = await failureOf(resettingUrl, 'write', 2);
    expect(reset.error.code).toBe('OUTCOME_UNKNOWN');
    expect(reset.retries).toEqual([]);
    expect(requests).toBe(1);
  });

  it('an error that is not a connection error is final', () => {
    const refusal = new UpstreamError('PROVIDER_RATE_LIMITED', 'fusebill', 'no budget');
    expect(retryableFailure({ kind: 'read' }, refusal)).toBeUndefined();
    expect(retryableFailure({ kind: 'read' }, new Error('bug'))).toBeUndefined();
  });
});

describe('backoff', () => {
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [5, 1_600],
    [6, 2_000],
    [10, 2_000],
  ])('try %i waits at random below %i ms (exponential, capped, full jitter)', (tried, ceiling) => {
    const waits = Array.from({ length: 200 }, () => backoffMs(tried));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...waits)).toBeLessThan(ceiling);
    // Full jitter spreads over the whole range, not just its top.
    expect(Math.min(...waits)).toBeLessThan(ceiling / 2);
  });
});
