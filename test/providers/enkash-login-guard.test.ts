/**
 * The EnKash login guard ends as the README says: when an operator deletes the shared count in
 * Redis, or when the count lapses (REJECTED_LOGINS_TTL_MS after the last rejection), the next call
 * logs in again, on every replica, without a restart. Real gateways, the real Redis on
 * 127.0.0.1:6379 and the EnKash sandbox over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EnkashSettings } from '../../src/providers/enkash/config.js';
import { Redis } from 'ioredis';
import { startEnkashSandbox, type EnkashSandboxState } from '../../src/sandbox/enkash.js';
import type { SandboxHandle, SandboxRequest } from '../../src/sandbox/server.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from '../helpers/gateway.js';
import { REDIS_URL, requireRedis } from '../helpers/redis.js';

const redisUp = await requireRedis();

const ACTIVATE = `mutation ($input: ActivateCustomerInput!) {
  activateCustomer(input: $input) { customer { status } userErrors { code } } }`;
const isToken = (r: SandboxRequest) => r.path === '/oauth/token';

let sandbox: SandboxHandle<EnkashSettings, EnkashSandboxState>;
/** A connection without the gateway's key prefix, as an operator's redis-cli would be. */
let operator: Redis;
let gateways: TestGateway[] = [];
let next = 1;

beforeAll(async () => {
  sandbox = await startEnkashSandbox();
  operator = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  // Fails (rather than letting each replica count alone) when Redis is down.
  await operator.connect();
});
afterEach(async () => {
  await Promise.all(gateways.map((gw) => gw.close()));
  gateways = [];
});
afterAll(async () => {
  operator.disconnect();
  await sandbox.close();
});

async function replicas(n: number, extra: Record<string, string> = {}) {
  const { settings } = sandbox;
  const prefix = `switchyard-test-${randomUUID()}:`;
  const env = {
    ENKASH_BASE_URL: settings.baseUrl,
    ENKASH_CLIENT_ID: settings.clientId,
    ENKASH_CLIENT_SECRET: settings.clientSecret,
    ENKASH_USERNAME: settings.username,
    ENKASH_PASSWORD: settings.password,
    ENKASH_COMPANY_ID: settings.companyId,
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    ...extra,
  };
  const started = await Promise.all(Array.from({ length: n }, () => startTestGateway(env)));
  gateways.push(...started);
  return { env, prefix, started };
}

const activate = (gw: TestGateway) =>
  gw.graphql(ACTIVATE, {
    input: { customerId: `enkash:KCINACT${String(next++).padStart(9, '0')}` },
  });

function expectActivated(res: GraphqlResponse) {
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data.activateCustomer).toEqual({
    customer: { status: 'ACTIVE' },
    userErrors: [],
  });
}

function expectPaused(res: GraphqlResponse, windowS: number) {
  expect(res.body.data).toBeNull();
  const error = res.body.errors?.[0];
  expect(error?.extensions).toMatchObject({ code: 'PROVIDER_AUTH_FAILED', provider: 'ENKASH' });
  expect(error?.message).toMatch(/2 times in a row; logins are paused .*s more/);
  // When the pause lapses at the latest, in whole seconds.
  expect(error?.extensions?.retryAfter).toBeGreaterThanOrEqual(1);
  expect(error?.extensions?.retryAfter).toBeLessThanOrEqual(windowS);
  expect(JSON.stringify(res.body)).not.toContain(sandbox.settings.password);
}

/** The password is changed at EnKash: every replica's configured one is now wrong. */
function rotatePassword() {
  sandbox.reset();
  sandbox.state.credentials.password = `rotated-${randomUUID()}`;
  sandbox.state.revokeAllTokens();
  sandbox.state.failedLogins = 0;
}

/** The operator puts the configured password back at EnKash. */
function restorePassword() {
  sandbox.state.credentials.password = sandbox.settings.password;
}

/** Two replicas each get one rejection: the guard's limit, shared through Redis. */
async function pauseLogins(pair: TestGateway[]) {
  for (const gw of pair) {
    const res = await activate(gw);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_AUTH_FAILED');
  }
  expect(sandbox.state.failedLogins).toBe(2);
}

describe.runIf(redisUp)('the EnKash login guard', () => {
  it('lets every replica log in again once the operator deletes the count in Redis', async () => {
    const { env, prefix, started } = await replicas(2);
    const [a, b] = started as [TestGateway, TestGateway];
    expectActivated(await activate(a));
    rotatePassword();
    await pauseLogins([a, b]);

    // A replica started now finds the pause in Redis before it ever asks (the path that used to
    // leave its token refresh stuck for good); the replicas that were rejected are paused too.
    const fresh = await startTestGateway(env);
    gateways.push(fresh);
    for (const gw of [fresh, a, b]) expectPaused(await activate(gw), 3_600);
    expect(sandbox.journal.filter(isToken)).toHaveLength(2);

    // The README's remedy: fix the credentials, then delete <prefix>auth-rejections:enkash:*.
    restorePassword();
    const keys = await operator.keys(`${prefix}auth-rejections:enkash:*`);
    expect(keys).toHaveLength(1);
    expect(await operator.get(keys[0]!)).toBe('2');
    expect(await operator.del(keys[0]!)).toBe(1);

    for (const [i, gw] of [fresh, a, b].entries()) {
      const tokensBefore = sandbox.journal.filter(isToken).length;
      expectActivated(await activate(gw));
      // Each replica logged in itself (tokens are per process) and the activation went through.
      expect(sandbox.journal.filter(isToken)).toHaveLength(tokensBefore + 1);
      expect(sandbox.state.tokenGrants).toBeGreaterThanOrEqual(i + 1);
    }
    expect(sandbox.state.failedLogins).toBe(0);
    expect(sandbox.state.locked).toBe(false);
  });

  it('logs in again once REJECTED_LOGINS_TTL_MS has passed without a rejection', async () => {
    const windowMs = 3_000;
    const { started } = await replicas(2, { REJECTED_LOGINS_TTL_MS: String(windowMs) });
    const [a, b] = started as [TestGateway, TestGateway];
    rotatePassword();
    await pauseLogins([a, b]);
    expectPaused(await activate(a), windowMs / 1000);
    expect(sandbox.journal.filter(isToken)).toHaveLength(2);

    restorePassword();
    await new Promise((resolve) => setTimeout(resolve, windowMs + 500));
    for (const gw of [a, b]) {
      const tokensBefore = sandbox.journal.filter(isToken).length;
      expectActivated(await activate(gw));
      expect(sandbox.journal.filter(isToken)).toHaveLength(tokensBefore + 1);
    }
    expect(sandbox.state.failedLogins).toBe(0);
    expect(a.logs.filter((l) => l.msg === 'logins paused after rejected credentials')).toHaveLength(
      1,
    );
  });
});
