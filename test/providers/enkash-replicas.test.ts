/**
 * Two gateway replicas sharing Redis (the real one on 127.0.0.1:6379) against one EnKash: a wrong
 * password is tried twice in all, not twice per replica, so the account (locked at 3) stays open.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnkashSettings } from '../../src/providers/enkash/config.js';
import { createLogger } from '../../src/log.js';
import { startEnkashSandbox, type EnkashSandboxState } from '../../src/sandbox/enkash.js';
import type { SandboxHandle } from '../../src/sandbox/server.js';
import { closeRedis, createRedis, ensureConnected } from '../../src/redis.js';
import { redisLedger } from '../../src/transport/rejection-ledger.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { REDIS_URL, requireRedis } from '../helpers/redis.js';

const redisUp = await requireRedis();

const ACTIVATE = `mutation ($input: ActivateCustomerInput!) {
  activateCustomer(input: $input) { customer { status } userErrors { code } } }`;

describe.runIf(redisUp)('rejected EnKash logins are counted across replicas (Redis)', () => {
  let sandbox: SandboxHandle<EnkashSettings, EnkashSandboxState>;
  let replicas: TestGateway[];
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startEnkashSandbox();
    const { settings } = sandbox;
    env = {
      ENKASH_BASE_URL: settings.baseUrl,
      ENKASH_CLIENT_ID: settings.clientId,
      ENKASH_CLIENT_SECRET: settings.clientSecret,
      ENKASH_USERNAME: settings.username,
      ENKASH_PASSWORD: settings.password,
      ENKASH_COMPANY_ID: settings.companyId,
      REDIS_URL,
      REDIS_KEY_PREFIX: `switchyard-test-${randomUUID()}:`,
    };
    replicas = [await startTestGateway(env), await startTestGateway(env)];
  });
  afterAll(async () => {
    await Promise.all(replicas.map((gw) => gw.close()));
    await sandbox.close();
  });

  const activate = (gw: TestGateway, n: number) =>
    gw.graphql(ACTIVATE, { input: { customerId: `enkash:KCINACT${String(n).padStart(9, '0')}` } });

  it('works while the credentials are right', async () => {
    const res = await activate(replicas[0]!, 1);
    expect(res.body.data.activateCustomer).toEqual({
      customer: { status: 'ACTIVE' },
      userErrors: [],
    });
  });

  it('stops every replica after two rejected logins in all', async () => {
    sandbox.state.credentials.password = 'rotated-by-someone-else';
    sandbox.state.revokeAllTokens();
    for (const [i, gw] of replicas.entries()) {
      const res = await activate(gw, 10 + i);
      expect(res.body.errors?.[0]?.extensions).toMatchObject({
        code: 'PROVIDER_AUTH_FAILED',
        provider: 'ENKASH',
      });
      expect(JSON.stringify(res.body)).not.toContain(sandbox.settings.password);
    }
    expect(sandbox.state.failedLogins).toBe(2);
    // A replica that has not failed yet (a new one, or one whose cool-down ran out) reads the shared
    // count and does not try: without Redis this would be the third failure, and EnKash would lock.
    const fresh = await startTestGateway(env);
    replicas.push(fresh);
    const res = await activate(fresh, 20);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_AUTH_FAILED',
      provider: 'ENKASH',
    });
    expect(
      fresh.logs.some(
        (l) => l.msg === 'logins paused after rejected credentials' && l.provider === 'enkash',
      ),
    ).toBe(true);
    expect(sandbox.state.failedLogins).toBe(2);
    expect(sandbox.state.locked).toBe(false);
  });
});

describe('redis ledger', () => {
  const log = createLogger({ write: () => undefined });

  it.runIf(redisUp)('counts, expires and clears in Redis itself', async () => {
    const prefix = `switchyard-test-${randomUUID()}:`;
    const redis = createRedis(REDIS_URL, prefix);
    // A second, independent connection reads what the ledger wrote: the count is in Redis, not in
    // this process's fallback (which would pass the rest of this test on its own).
    const observer = createRedis(REDIS_URL, prefix);
    const ledger = redisLedger(redis, log, 300);
    try {
      await ensureConnected(observer);
      expect(await ledger.read('k')).toEqual({ count: 0, lapsesInMs: 0 });
      expect(await ledger.add('k')).toBe(1);
      expect(await ledger.add('k')).toBe(2);
      const held = await ledger.read('k');
      expect(held.count).toBe(2);
      expect(held.lapsesInMs).toBeGreaterThan(0);
      expect(held.lapsesInMs).toBeLessThanOrEqual(300);
      expect(await observer.get('auth-rejections:k')).toBe('2');
      await ledger.clear('k');
      expect((await ledger.read('k')).count).toBe(0);
      expect(await observer.exists('auth-rejections:k')).toBe(0);
      await ledger.add('k');
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect((await ledger.read('k')).count).toBe(0);
      expect(await observer.exists('auth-rejections:k')).toBe(0);
    } finally {
      await closeRedis(redis);
      await closeRedis(observer);
    }
  });

  it('falls back to counting in this process when Redis cannot be reached, and says so once', async () => {
    const lines: string[] = [];
    const redis = createRedis('redis://127.0.0.1:1', 'x:');
    const ledger = redisLedger(redis, createLogger({ write: (l) => lines.push(l) }));
    try {
      expect(await ledger.add('k')).toBe(1);
      expect(await ledger.add('k')).toBe(2);
      expect((await ledger.read('k')).count).toBe(2);
      expect(lines.filter((l) => l.includes('redis unavailable'))).toHaveLength(1);
    } finally {
      await closeRedis(redis);
    }
  });
});
