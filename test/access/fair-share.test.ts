/**
 * One operation takes at most UPSTREAM_MAX_CONCURRENCY_PER_OPERATION of a provider's slots, so a
 * single read of another client stays fast while a big operation runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('a fair share of a provider', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      SANDBOX_LATENCY_MS: '100',
      UPSTREAM_MAX_CONCURRENCY: '16',
      UPSTREAM_MAX_CONCURRENCY_PER_OPERATION: '4',
      MAX_ALIASES: '100',
      MAX_ROOT_FIELDS: '100',
      MAX_UPSTREAM_CALLS: '100',
    });
  });
  afterAll(() => gw.close());

  it('caps one operation at 4 calls in flight, while a read of another waits for none of them', async () => {
    // 80 distinct Fusebill ids (the sandbox answers 404 for unknown ones, which is fine here).
    const big = `{ ${Array.from({ length: 80 }, (_, i) => `c${i}: customer(id: "fusebill:${12000800 + i}") { id }`).join(' ')} }`;
    const bigStarted = performance.now();
    const bigDone = gw.graphql(big).then(() => performance.now() - bigStarted);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const readStarted = performance.now();
    const read = await gw.graphql('{ customer(id: "fusebill:12000750") { status } }');
    const readMs = performance.now() - readStarted;
    const bigMs = await bigDone;

    expect(read.body.data.customer.status).toBe('ACTIVE');
    // One round trip (100 ms) and some: it did not queue behind the 80.
    expect(readMs).toBeLessThan(600);
    // 80 reads, 4 at a time, 100 ms each: at least 20 rounds.
    expect(bigMs).toBeGreaterThanOrEqual(20 * 100 - 50);
    // Never more than 4 of the big operation's calls at the sandbox at once.
    const arrivals = gw
      .sandbox('fusebill')
      .journal.filter((e) => e.headers['x-request-id'] !== read.headers.get('x-request-id'))
      .map((e) => e.at)
      .sort((a, b) => a - b);
    const mostInOneWindow = Math.max(
      ...arrivals.map((at) => arrivals.filter((other) => other >= at && other < at + 90).length),
    );
    expect(mostInOneWindow).toBeLessThanOrEqual(4);
  });
});

describe('the deadline of a queued call', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      SANDBOX_LATENCY_MS: '250',
      UPSTREAM_TIMEOUT_MS: '400',
      UPSTREAM_MAX_CONCURRENCY_PER_OPERATION: '1',
    });
  });
  afterAll(() => gw.close());

  it('counts the time spent waiting for a slot: queued reads time out at their deadline, not later', async () => {
    const query = `{ ${Array.from({ length: 5 }, (_, i) => `c${i}: customer(id: "fusebill:${12000900 + i}") { id }`).join(' ')} }`;
    const started = performance.now();
    const res = await gw.graphql(query);
    const took = performance.now() - started;
    // One read fits in the 400 ms; the others wait for the single slot and run out of time there.
    const timeouts = (res.body.errors ?? []).filter(
      (e: { extensions?: { code?: string } }) => e.extensions?.code === 'PROVIDER_TIMEOUT',
    );
    expect(timeouts.length).toBeGreaterThanOrEqual(3);
    // Without the queueing counted, the five would take 5 x 250 ms.
    expect(took).toBeLessThan(1_000);
  });
});
