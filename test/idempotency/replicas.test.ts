/**
 * A retry that lands on another replica is answered the same: two real gateway processes share
 * their idempotency keys through the real Redis on 127.0.0.1:6379.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { killProcesses, startProcess } from '../helpers/process.js';
import { REDIS_URL, requireRedis } from '../helpers/redis.js';

const redisUp = await requireRedis();

afterAll(killProcesses);

const ACTIVATE = `mutation ($id: ID!) {
  activateCustomer(input: { customerId: $id }) { customer { id status } reconciled userErrors { code } }
}`;

const post = async (url: string, key: string, body: unknown) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    replayed: res.headers.get('idempotent-replayed'),
    text: await res.text(),
  };
};

describe.runIf(redisUp)('idempotency keys across two gateway processes', () => {
  it('answers a retry on the second process with the first one’s stored answer, byte for byte', async () => {
    const env = {
      PORT: '0',
      REDIS_URL,
      REDIS_KEY_PREFIX: `switchyard-test-${randomUUID()}:`,
    };
    const [a, b] = await Promise.all([
      startProcess(env).url(20_000),
      startProcess(env).url(20_000),
    ]);
    const key = randomUUID();
    const body = { query: ACTIVATE, variables: { id: 'fusebill:8708490' } };
    const first = await post(a, key, body);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text)).toEqual({
      data: {
        activateCustomer: {
          customer: { id: 'fusebill:8708490', status: 'ACTIVE' },
          reconciled: false,
          userErrors: [],
        },
      },
    });
    const retry = await post(b, key, body);
    expect(retry).toEqual({ status: 200, replayed: 'true', text: first.text });
    // The same key for another request is refused on either process.
    const other = await post(b, key, { query: ACTIVATE, variables: { id: 'fusebill:8708491' } });
    expect(other.status).toBe(422);
  }, 40_000);
});
