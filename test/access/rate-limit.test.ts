/**
 * Requests per minute per client, shared by two gateways through the real Redis on 127.0.0.1:6379:
 * together they admit the limit, not twice it. Once as two real processes (as two replicas run),
 * once in this process with two Redis connections, where the sandboxes can count upstream calls.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { killProcesses, startProcess } from '../helpers/process.js';
import { writeClientsFile } from '../helpers/identity.js';
import { REDIS_URL, requireRedis } from '../helpers/redis.js';

const redisUp = await requireRedis();

const READ = '{ customer(id: "fusebill:12000750") { status } }';
const clientsFile = () =>
  writeClientsFile([
    { id: 'small', keys: ['k-small'], scopes: ['customers:read'], rateLimitPerMinute: 5 },
    { id: 'other', keys: ['k-other'], scopes: ['customers:read'], rateLimitPerMinute: 5 },
  ]);

describe.runIf(redisUp)('client rate limit across two gateway processes', () => {
  afterAll(killProcesses);

  it('admits the limit across both processes and refuses the rest with 429', async () => {
    const env = {
      PORT: '0',
      CLIENTS_FILE: clientsFile(),
      REDIS_URL,
      REDIS_KEY_PREFIX: `switchyard-test-${randomUUID()}:`,
    };
    const urls = await Promise.all([startProcess(env).url(20_000), startProcess(env).url(20_000)]);
    const statuses = [];
    for (let i = 0; i < 10; i++) {
      const res = await fetch(urls[i % 2]!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k-small' },
        body: JSON.stringify({ query: READ }),
      });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(await res.json()).toMatchObject({
          errors: [{ extensions: { code: 'RATE_LIMITED' } }],
        });
      } else {
        expect(await res.json()).toEqual({ data: { customer: { status: 'ACTIVE' } } });
      }
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
  }, 30_000);
});

describe.runIf(redisUp)('client rate limit across replicas in one process', () => {
  let replicas: TestGateway[];
  beforeAll(async () => {
    const env = {
      CLIENTS_FILE: clientsFile(),
      REDIS_URL,
      REDIS_KEY_PREFIX: `switchyard-test-${randomUUID()}:`,
    };
    replicas = [await startTestGateway(env), await startTestGateway(env)];
  });
  afterAll(() => Promise.all(replicas.map((gw) => gw.close())));

  it('admits the limit across both replicas and answers the rest 429, running nothing', async () => {
    const upstreamBefore = replicas.reduce(
      (n, gw) => n + gw.sandbox('fusebill').receivedCount(),
      0,
    );
    const answers = [];
    for (let i = 0; i < 10; i++) {
      answers.push(await replicas[i % 2]!.graphql(READ, undefined, { 'x-api-key': 'k-small' }));
    }
    const admitted = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    expect(admitted).toHaveLength(5);
    expect(refused).toHaveLength(5);
    for (const res of refused) {
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(res.body).toEqual({
        errors: [
          {
            message: expect.stringContaining('Rate limit of 5 requests a minute'),
            extensions: { code: 'RATE_LIMITED', retryAfter },
          },
        ],
      });
    }
    const upstreamAfter = replicas.reduce((n, gw) => n + gw.sandbox('fusebill').receivedCount(), 0);
    expect(upstreamAfter - upstreamBefore).toBe(5);
  });

  it('counts each client apart', async () => {
    const res = await replicas[0]!.graphql(READ, undefined, { 'x-api-key': 'k-other' });
    expect(res.status).toBe(200);
  });
});

describe('client rate limit without Redis', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      CLIENTS_FILE: clientsFile(),
      REDIS_URL: 'redis://127.0.0.1:1',
      REDIS_KEY_PREFIX: 'unreachable:',
    });
  });
  afterAll(() => gw.close());

  it('still limits in this process, and says once that Redis is missing', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await gw.graphql(READ, undefined, { 'x-api-key': 'k-small' })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(
      gw.logs.filter((l) => String(l.msg).startsWith('redis unavailable: client rate limits')),
    ).toHaveLength(1);
  });
});
