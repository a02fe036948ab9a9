/**
 * Shutdown with keyed writes in flight: requests started before SIGTERM get complete answers, and
 * an operation the grace period had to cut leaves its key to be reconciled, not locked.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway } from '../helpers/gateway.js';
import { killProcesses, startProcess } from '../helpers/process.js';
import { REDIS_URL, requireRedis } from '../helpers/redis.js';

const redisUp = await requireRedis();

afterAll(killProcesses);

const ACTIVATE = `mutation ($id: ID!) {
  activateCustomer(input: { customerId: $id }) { customer { id status } reconciled }
}`;
const post = (url: string, body: unknown, key?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });

describe('SIGTERM under load', () => {
  it('gives every request started before the signal a complete answer, then exits 0', async () => {
    const proc = startProcess({ PORT: '0', SANDBOX_LATENCY_MS: '400' });
    const url = await proc.url(20_000);
    const requests = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 0
        ? post(url, { query: ACTIVATE, variables: { id: `fusebill:${8708458 + i}` } }, randomUUID())
        : post(url, { query: '{ customer(id: "netxd:100000000005001") { status } }' }),
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    proc.child.kill('SIGTERM');
    const answers = await Promise.all(
      requests.map(async (request) => {
        const res = await request;
        return {
          status: res.status,
          body: (await res.json()) as { data?: unknown; errors?: unknown },
        };
      }),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data).toBeTruthy();
    }
    const [code] = (await once(proc.child, 'exit')) as [number | null];
    expect(code).toBe(0);
  }, 40_000);
});

describe.runIf(redisUp)('an operation cut by the shutdown grace period', () => {
  it('leaves its key to be reconciled by the next replica instead of locked', async () => {
    const env = {
      REDIS_URL,
      REDIS_KEY_PREFIX: `switchyard-test-${randomUUID()}:`,
      SHUTDOWN_GRACE_MS: '300',
      UPSTREAM_TIMEOUT_MS: '20000',
    };
    const first = await startTestGateway(env);
    const second = await startTestGateway(env);
    try {
      first.sandbox('fusebill').inject({
        match: (r) => r.path.toLowerCase() === '/v1/customeractivation',
        action: { kind: 'apply-then-hang' },
      });
      const key = randomUUID();
      const body = { query: ACTIVATE, variables: { id: 'fusebill:8708495' } };
      const cut = post(first.url, body, key).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await first.gateway.stop();
      expect(await cut).toBeInstanceOf(Error); // the connection was closed under it
      expect(
        first.logs.some(
          (l) => l.msg === 'operations cut by the shutdown: their keys will be reconciled on retry',
        ),
      ).toBe(true);

      // Without the hand-over this would be 409 until the marker lapsed.
      const retry = await post(second.url, body, key);
      expect(retry.status).toBe(200);
      expect(retry.headers.get('idempotent-replayed')).toBeNull();
      expect(await retry.json()).toEqual({
        data: {
          activateCustomer: {
            customer: { id: 'fusebill:8708495', status: 'ACTIVE' },
            reconciled: false,
          },
        },
      });
    } finally {
      await first.close().catch(() => undefined);
      await second.close();
    }
  }, 30_000);
});
