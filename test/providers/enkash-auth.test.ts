/**
 * EnKash authentication: one token grant shared by concurrent calls, rejected credentials with a
 * cool-down and nothing leaked, and the token endpoint's answers at the adapter level.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import type { EnkashSettings } from '../../src/providers/enkash/config.js';
import { createEnkashProvider } from '../../src/providers/enkash/index.js';
import {
  seedEnkashCustomers,
  startEnkashSandbox,
  type EnkashSandboxState,
} from '../../src/sandbox/enkash.js';
import type { SandboxHandle, SandboxRequest } from '../../src/sandbox/server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { providerDeps } from '../../src/providers/runtime.js';
import { memoryLedger } from '../../src/transport/rejection-ledger.js';

const ACTIVATE = `mutation ($input: ActivateCustomerInput!) {
  activateCustomer(input: $input) { customer { id status } userErrors { code message } }
}`;
const isToken = (r: SandboxRequest) => r.path === '/oauth/token';
const isPut = (r: SandboxRequest) => r.method === 'PUT';
const bearerOf = (r: SandboxRequest) => /^Bearer (.+)$/.exec(r.headers.authorization ?? '')?.[1];
const inactive = (n: number) => `KCINACT${String(n).padStart(9, '0')}`;

describe('enkash token sharing and rejected credentials through the gateway', () => {
  let gw: TestGateway;
  const sandbox = () => gw.sandbox<EnkashSandboxState>('enkash');
  const activate = (id: string) => gw.graphql(ACTIVATE, { input: { customerId: `enkash:${id}` } });

  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());
  beforeEach(() => sandbox().reset());

  it('50 concurrent activations share exactly one token grant', async () => {
    // Warm the gateway up, then hold the token answer back until every call waits for it.
    for (let i = 0; i < 5; i++) await gw.graphql('{ providers { provider } }');
    sandbox().inject({ match: isToken, action: { kind: 'delay', ms: 400 } });
    const ids = Array.from({ length: 50 }, (_, i) => inactive(i + 1));
    const logsBefore = gw.logs.length;
    const results = await Promise.all(ids.map(activate));
    for (const res of results) {
      expect(res.body.data.activateCustomer.userErrors).toEqual([]);
      expect(res.body.data.activateCustomer.customer.status).toBe('ACTIVE');
    }
    expect(sandbox().journal.filter(isToken)).toHaveLength(1);
    expect(sandbox().state.tokenGrants).toBe(1);
    const puts = sandbox().journal.filter(isPut);
    expect(puts).toHaveLength(50);
    expect(new Set(puts.map(bearerOf)).size).toBe(1);
    for (const id of ids) expect(sandbox().state.customers.get(id)?.status).toBe('ACTIVE');
    // Many operations were waiting while the token was in flight (all of them on an idle machine).
    const tokenArrived = puts[0]!.at;
    const started = gw.logs
      .slice(logsBefore)
      .filter((l) => l.msg === 'graphql operation')
      .map((l) => Date.parse(l.time as string) - (l.durationMs as number));
    expect(started).toHaveLength(50);
    expect(started.filter((at) => at < tokenArrived).length).toBeGreaterThanOrEqual(10);
  });

  it('after revocation, 50 concurrent activations share exactly one renewal', async () => {
    sandbox().state.revokeAllTokens();
    const ids = Array.from({ length: 50 }, (_, i) => inactive(i + 51));
    const results = await Promise.all(ids.map(activate));
    for (const res of results) expect(res.body.data.activateCustomer.userErrors).toEqual([]);
    expect(sandbox().journal.filter(isToken)).toHaveLength(1);
    expect(sandbox().state.tokenGrants).toBe(2);
  });

  it('rejected credentials are PROVIDER_AUTH_FAILED, leak nothing, and are not retried at once', async () => {
    const settings = gw.providers.started('enkash')?.sandbox?.settings as EnkashSettings;
    const { state } = sandbox();
    const tokensUsed = [...state.tokens.keys()];
    expect(tokensUsed).toHaveLength(1);
    // The password was changed at EnKash: the gateway's configured one is now wrong.
    state.credentials.password = 'changed-at-enkash';
    state.revokeAllTokens();

    const first = await activate(inactive(101));
    expect(first.body.data).toBeNull();
    expect(first.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_AUTH_FAILED',
      provider: 'ENKASH',
    });
    expect(first.body.errors?.[0]?.message).toBe("enkash rejected the gateway's credentials");
    expect(sandbox().journal.map((r) => r.method)).toEqual(['PUT', 'POST']);
    expect(state.failedLogins).toBe(1);

    // Within the cool-down the gateway does not ask again: EnKash locks an account after 3 failures.
    const second = await activate(inactive(102));
    expect(second.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_AUTH_FAILED');
    expect(sandbox().journal.filter(isToken)).toHaveLength(1);
    expect(state.locked).toBe(false);

    const exposed = JSON.stringify([first.body, second.body]) + gw.logText();
    const basic = Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64');
    for (const secret of [settings.password, settings.clientSecret, basic, ...tokensUsed]) {
      if (secret) expect(exposed).not.toContain(secret);
    }
    expect(
      gw.logs.some((l) => l.msg === 'provider rejected our credentials' && l.status === 401),
    ).toBe(true);
  });
});

describe('enkash token endpoint answers (adapter against its sandbox)', () => {
  let sandbox: SandboxHandle<EnkashSettings, EnkashSandboxState>;
  let lines: string[];
  const ctx = () => ({ requestId: 'test', log: createLogger({ write: (l) => lines.push(l) }) });
  const adapter = () =>
    createEnkashProvider(
      sandbox.settings,
      providerDeps('enkash', {
        log: createLogger({ level: 'debug', write: (l) => lines.push(l) }),
        timeoutMs: 2_000,
        maxConcurrency: 4,
        readRetries: 2,
        breakerFailures: 5,
        breakerCooldownMs: 10_000,
        batchConcurrency: 1,
        bulkDeadlineMs: 120_000,
        rejections: memoryLedger(),
      }),
    );
  let next = 1;
  const activate = (provider = adapter()) =>
    provider.activateCustomer!({ providerCustomerId: inactive(next++), options: {} }, ctx());

  beforeAll(async () => {
    sandbox = await startEnkashSandbox();
  });
  afterAll(() => sandbox.close());
  beforeEach(() => {
    sandbox.reset();
    lines = [];
  });

  it.each([
    [400, { error: 'invalid_grant', error_description: 'Bad credentials' }, 'PROVIDER_AUTH_FAILED'],
    [401, { error: 'invalid_client' }, 'PROVIDER_AUTH_FAILED'],
    [403, { error: 'access_denied' }, 'PROVIDER_AUTH_FAILED'],
    [404, { status: 404, error: 'Not Found', path: '/oauth/token' }, 'PROVIDER_UNAVAILABLE'],
    [500, { error: 'server_error' }, 'PROVIDER_UNAVAILABLE'],
    [200, { access_token: 'abc' }, 'PROVIDER_UNAVAILABLE'],
    [200, { access_token: 'abc', token_type: 'mac', expires_in: 60 }, 'PROVIDER_UNAVAILABLE'],
    [200, { access_token: 'abc', token_type: 'bearer', expires_in: -5 }, 'PROVIDER_UNAVAILABLE'],
  ])('HTTP %i %j from /oauth/token is %s and sends no activation', async (status, body, code) => {
    sandbox.inject({ match: isToken, action: { kind: 'respond', response: { status, body } } });
    const error = await activate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code, provider: 'enkash' });
    expect(sandbox.journal.map((r) => r.path)).toEqual(['/oauth/token']);
    expect(lines.join('\n')).not.toContain(sandbox.settings.password);
  });

  it('accepts expires_in as a numeric string', async () => {
    sandbox.inject({
      match: isToken,
      action: {
        kind: 'respond',
        response: {
          status: 200,
          body: { access_token: 'forged', token_type: 'Bearer', expires_in: '3600' },
        },
      },
    });
    // The sandbox never issued "forged": the PUT gets 401, the adapter renews once and succeeds.
    const result = await activate();
    expect(result.customer.status).toBe('ACTIVE');
    expect(sandbox.journal.filter(isToken)).toHaveLength(2);
  });

  it('asks for a token once per cool-down after a rejection', async () => {
    sandbox.inject({
      match: isToken,
      action: { kind: 'respond', response: { status: 400, body: { error: 'invalid_grant' } } },
    });
    const provider = adapter();
    await expect(activate(provider)).rejects.toMatchObject({ code: 'PROVIDER_AUTH_FAILED' });
    await expect(activate(provider)).rejects.toMatchObject({ code: 'PROVIDER_AUTH_FAILED' });
    expect(sandbox.journal.filter(isToken)).toHaveLength(1);
    expect(lines.join('\n')).toContain('"oauthError":"invalid_grant"');
  });
});

describe('enkash sandbox wire protocol', () => {
  let sandbox: SandboxHandle<EnkashSettings, EnkashSandboxState>;
  beforeAll(async () => {
    sandbox = await startEnkashSandbox();
  });
  afterAll(() => sandbox.close());

  async function token(overrides: Record<string, string> = {}, basic?: string) {
    const s = sandbox.settings;
    const response = await fetch(`${sandbox.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization:
          basic ?? `Basic ${Buffer.from(`${s.clientId}:${s.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        username: s.username,
        password: s.password,
        grant_type: 'password',
        clientId: s.companyId,
        ...overrides,
      }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('issues a bearer token with expires_in and scope', async () => {
    const res = await token();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'bearer', expires_in: 86399 });
    expect(typeof res.body.access_token).toBe('string');
  });

  it.each([
    ['a wrong client secret', {}, 'Basic d3Jvbmc6d3Jvbmc=', 'invalid_client'],
    ['a wrong password', { password: 'nope' }, undefined, 'invalid_grant'],
    ['a wrong username', { username: 'x@y.example' }, undefined, 'invalid_grant'],
    ['another clientId', { clientId: 'CEKOTHER01' }, undefined, 'invalid_grant'],
    [
      'another grant type',
      { grant_type: 'client_credentials' },
      undefined,
      'unsupported_grant_type',
    ],
  ])('answers %s with HTTP 401 and an OAuth error', async (_label, overrides, basic, error) => {
    const res = await token(overrides, basic);
    expect(res).toEqual({ status: 401, body: { error, error_description: expect.any(String) } });
  });

  it('locks the account after 3 consecutive failed logins', async () => {
    sandbox.state.failedLogins = 0;
    for (let i = 0; i < 3; i++) await token({ password: 'nope' });
    expect(sandbox.state.locked).toBe(true);
    expect((await token()).body.error_description).toBe('User account is locked');
    sandbox.state.locked = false;
    sandbox.state.failedLogins = 0;
    expect((await token()).status).toBe(200);
  });

  it('answers a malformed customer id with HTTP 400 VALIDATION_ERROR', async () => {
    const { access_token } = (await token()).body as { access_token: string };
    const response = await fetch(`${sandbox.url}/api/v0/customer/activate/KC123`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errorResponse: { errorType: 'VALIDATION_ERROR' },
    });
  });

  it('refuses an unknown bearer token with HTTP 401', async () => {
    const response = await fetch(`${sandbox.url}/api/v0/customer/activate/KCINACT000000001`, {
      method: 'PUT',
      headers: { authorization: 'Bearer not-issued' },
    });
    expect(response.status).toBe(401);
    expect(sandbox.state.customers.get('KCINACT000000001')?.status).toBe('INACTIVE');
  });

  it('seeds ids in EnKash formats, with at least 60 inactive customers of our company', () => {
    const customers = [...seedEnkashCustomers().values()];
    for (const c of customers) {
      expect(c.id).toMatch(/^KC[A-Z0-9]{14}$/);
      expect(c.companyId).toMatch(/^CEK[A-Z0-9]{7}$/);
    }
    const ours = customers.filter((c) => c.companyId === 'CEKDEMO001');
    expect(ours.filter((c) => c.status === 'INACTIVE').length).toBeGreaterThanOrEqual(60);
    expect(ours.some((c) => c.status === 'ACTIVE')).toBe(true);
  });
});
