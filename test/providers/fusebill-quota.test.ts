/**
 * Fusebill's request budget over real HTTP: reads stop at 90 % of FUSEBILL_RATE_LIMIT_PER_MINUTE,
 * Fusebill's rate-limit headers tighten it, the sandbox enforces its limit with
 * SANDBOX_ENFORCE_QUOTA, and two gateway processes share one budget through the real Redis.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FusebillSettings } from '../../src/providers/fusebill/config.js';
import { closeRedis, createRedis, ensureConnected } from '../../src/redis.js';
import { startFusebillSandbox, type FusebillSandboxState } from '../../src/sandbox/fusebill.js';
import type { SandboxHandle } from '../../src/sandbox/server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { killProcesses, startProcess } from '../helpers/process.js';
import { REDIS_URL, requireRedis } from '../helpers/redis.js';

const redisUp = await requireRedis();

const READ = `query ($id: ID!) { customer(id: $id) { status } }`;
const ACTIVATE = `mutation ($input: ActivateCustomerInput!) {
  activateCustomer(input: $input) { customer { status } userErrors { code } } }`;
const read = (gw: TestGateway, n: number) => gw.graphql(READ, { id: `fusebill:${13000000 + n}` });
const activate = (gw: TestGateway, id: number) =>
  gw.graphql(ACTIVATE, { input: { customerId: `fusebill:${id}` } });

const expectRateLimited = (body: { errors?: { extensions?: Record<string, any> }[] }) => {
  expect(body.errors?.[0]?.extensions).toMatchObject({
    code: 'PROVIDER_RATE_LIMITED',
    provider: 'FUSEBILL',
  });
  const retryAfter = body.errors?.[0]?.extensions?.retryAfter as number;
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(61);
  return retryAfter;
};

describe('fusebill budget in one process (no Redis)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ FUSEBILL_RATE_LIMIT_PER_MINUTE: '10' });
  });
  afterAll(() => gw.close());

  it('lets 9 reads of 10 through, refuses the 10th unsent, and still sends a write', async () => {
    const sandbox = gw.sandbox('fusebill');
    for (let i = 0; i < 9; i++) {
      const res = await read(gw, i);
      expect(res.body).toEqual({ data: { customer: { status: 'ACTIVE' } } });
    }
    expect(sandbox.receivedCount()).toBe(9);

    expectRateLimited((await read(gw, 9)).body);
    expect(sandbox.receivedCount()).toBe(9);
    expect(gw.logs.some((l) => l.msg === 'provider quota spent: not sent')).toBe(true);

    const write = await activate(gw, 8708460);
    expect(write.body.data.activateCustomer).toEqual({
      customer: { status: 'ACTIVE' },
      userErrors: [],
    });
    expect(sandbox.receivedCount()).toBe(10);

    // The window is full now: the next write is refused too, without being sent.
    const refused = await activate(gw, 8708461);
    expectRateLimited(refused.body);
    expect(sandbox.receivedCount()).toBe(10);
    expect(gw.sandbox<FusebillSandboxState>('fusebill').state.customers.get(8708461)?.status).toBe(
      'Draft',
    );
  });
});

describe("fusebill's rate-limit headers", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ FUSEBILL_RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(() => gw.close());

  it('tighten the budget: after "0 remaining, reset in 30 s" nothing more is sent', async () => {
    const sandbox = gw.sandbox('fusebill');
    sandbox.inject({
      action: {
        kind: 'respond',
        response: {
          status: 200,
          body: { id: 12000750, status: 'Active' },
          headers: {
            'x-rate-limit-limit-minute': '1000',
            'x-rate-limit-remaining-minute': '0',
            'x-rate-limit-reset-minute': String(Math.floor(Date.now() / 1000) + 30),
          },
        },
      },
    });
    const first = await gw.graphql(READ, { id: 'fusebill:12000750' });
    expect(first.body).toEqual({ data: { customer: { status: 'ACTIVE' } } });
    expect(sandbox.receivedCount()).toBe(1);

    const retryAfter = expectRateLimited((await read(gw, 1)).body);
    expect(retryAfter).toBeGreaterThanOrEqual(25);
    expect(retryAfter).toBeLessThanOrEqual(31);
    expectRateLimited((await activate(gw, 8708462)).body);
    expect(sandbox.receivedCount()).toBe(1);
  });
});

describe('SANDBOX_ENFORCE_QUOTA=true', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ SANDBOX_ENFORCE_QUOTA: 'true' });
  });
  afterAll(() => gw.close());

  it("answers 429 with Fusebill's headers past 50 a minute; the gateway maps it and stops sending", async () => {
    const sandbox = gw.sandbox<FusebillSandboxState>('fusebill');
    const { apiKey } = sandbox.settings as FusebillSettings;
    expect((await read(gw, 0)).body).toEqual({ data: { customer: { status: 'ACTIVE' } } });

    // Another system with the same key spends the rest of the minute behind the gateway's back.
    const direct = () =>
      fetch(`${sandbox.url}/v1/customers/13000001`, {
        headers: { authorization: `Basic ${apiKey}` },
      });
    const answers = [];
    for (let i = 0; i < 50; i++) answers.push(await direct());
    expect(answers.slice(0, 49).map((r) => r.status)).toEqual(Array(49).fill(200));
    expect(answers[48]!.headers.get('x-rate-limit-remaining-minute')).toBe('0');
    const limited = answers[49]!;
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-limit-minute')).toBe('50');
    expect(limited.headers.get('x-rate-limit-remaining-minute')).toBe('0');
    const reset = Number(limited.headers.get('x-rate-limit-reset-minute'));
    expect(reset * 1000).toBeGreaterThan(Date.now());
    expect(reset * 1000).toBeLessThanOrEqual(Date.now() + 61_000);
    expect(await limited.json()).toMatchObject({ HttpStatusCode: 429, Errors: [{}] });
    expect(sandbox.state.quota?.rejected).toBe(1);

    // The gateway had not seen those: it sends, gets the 429, and maps it with the reset time.
    const received = sandbox.receivedCount();
    expectRateLimited((await read(gw, 2)).body);
    expect(sandbox.receivedCount()).toBe(received + 1);
    expect(sandbox.state.quota?.rejected).toBe(2);

    // The 429's headers said 0 remaining: from now on the gateway does not send until the reset.
    expectRateLimited((await read(gw, 3)).body);
    expect(sandbox.receivedCount()).toBe(received + 1);
    expect(sandbox.state.quota?.rejected).toBe(2);
  });
});

describe.runIf(redisUp)('one fusebill budget shared by two gateway processes through Redis', () => {
  const prefix = `switchyard-test-${randomUUID()}:`;
  const redis = createRedis(REDIS_URL, prefix);
  let sandbox: SandboxHandle<FusebillSettings, FusebillSandboxState>;
  let urls: string[];

  beforeAll(async () => {
    await ensureConnected(redis); // fails when Redis is down: this test is about Redis
    sandbox = await startFusebillSandbox({ enforceQuota: true, quotaPerMinute: 20 });
    const env = {
      PORT: '0',
      FUSEBILL_BASE_URL: sandbox.settings.baseUrl,
      FUSEBILL_API_KEY: sandbox.settings.apiKey,
      FUSEBILL_RATE_LIMIT_PER_MINUTE: '20',
      UPSTREAM_TIMEOUT_MS: '3000',
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
    };
    urls = await Promise.all([startProcess(env).url(20_000), startProcess(env).url(20_000)]);
  }, 30_000);
  afterAll(async () => {
    killProcesses();
    await sandbox.close();
    await closeRedis(redis);
  });

  it('lets 18 of 40 concurrent reads reach the provider and refuses the rest unsent', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const res = await fetch(urls[i % 2]!, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: READ, variables: { id: `fusebill:${13000100 + i}` } }),
        });
        return (await res.json()) as {
          data?: { customer: { status: string } | null };
          errors?: { extensions?: Record<string, any> }[];
        };
      }),
    );
    const served = answers.filter((a) => a.data?.customer?.status === 'ACTIVE');
    const refused = answers.filter(
      (a) => a.errors?.[0]?.extensions?.code === 'PROVIDER_RATE_LIMITED',
    );
    expect(served).toHaveLength(18); // 90 % of 20: reads leave the rest to writes
    expect(refused).toHaveLength(22);
    for (const answer of refused) expectRateLimited(answer);
    expect(sandbox.receivedCount()).toBe(18);
    expect(sandbox.state.quota?.rejected).toBe(0);
    // Counted in Redis, not per process: the shared counter holds every admitted request.
    expect(Number(await redis.get('provider-quota:fusebill'))).toBe(18);
  }, 30_000);
});
