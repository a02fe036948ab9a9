/**
 * The circuit breaker per provider over real HTTP against the sandboxes: it opens after
 * BREAKER_FAILURES calls in a row fail through the provider's fault, sends nothing while open,
 * lets one trial through after BREAKER_COOLDOWN_MS, and is per provider.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isProviderFault } from '../../src/transport/circuit.js';
import { GatewayErrorCode, UpstreamError } from '../../src/errors.js';
import type { ProviderId } from '../../src/providers/ids.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const FAILURES = 3;
// Long enough that the "while open" checks finish inside it on a loaded machine.
const COOLDOWN_MS = 1_500;
const FUSEBILL_READ = '{ customer(id: "fusebill:12000750") { id status } }';
const MISSING_READ = '{ customer(id: "fusebill:99999999") { id } }';
const NETXD_READ = '{ customer(id: "netxd:100000000005001") { id status } }';
const ACTIVATE = `mutation { activateCustomer(input: {customerId: "fusebill:8708480"}) {
  customer { id } userErrors { code } } }`;
const CIRCUITS = '{ providers { provider circuit } }';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unavailable = { kind: 'respond', response: { status: 503, body: {} } } as const;

describe('circuit breaker', () => {
  let gw: TestGateway;
  const fusebill = () => gw.sandbox('fusebill');
  const circuits = async () => {
    const res = await gw.graphql<{ providers: { provider: string; circuit: string | null }[] }>(
      CIRCUITS,
    );
    return Object.fromEntries(res.body.data!.providers.map((p) => [p.provider, p.circuit]));
  };
  /** Fails FAILURES Fusebill reads in a row (each retried, so 3 requests each): the circuit opens. */
  const open = async () => {
    fusebill().inject({ action: unavailable, times: Infinity });
    for (let i = 0; i < FAILURES; i++) {
      const res = await gw.graphql(FUSEBILL_READ);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
      expect(res.body.errors?.[0]?.extensions?.circuit).toBeUndefined();
    }
    expect(gw.providers.circuitState('fusebill')).toBe('OPEN');
  };
  const transitions: [ProviderId, string][] = [];

  beforeAll(async () => {
    gw = await startTestGateway({
      BREAKER_FAILURES: String(FAILURES),
      BREAKER_COOLDOWN_MS: String(COOLDOWN_MS),
      UPSTREAM_TIMEOUT_MS: '3000',
    });
    gw.providers.onCircuitStateChange((provider, state) => transitions.push([provider, state]));
  });
  afterAll(() => gw.close());
  beforeEach(async () => {
    // Close whatever a previous test left open: wait out the cool-down, then one good call.
    if (gw.providers.circuitState('fusebill') !== 'CLOSED') {
      await sleep(COOLDOWN_MS + 50);
      fusebill().reset();
      await gw.graphql(FUSEBILL_READ);
    }
    fusebill().reset();
    transitions.length = 0;
  });

  it('shows every provider CLOSED at start', async () => {
    expect(await circuits()).toEqual({
      ENKASH: 'CLOSED',
      NETXD: 'CLOSED',
      FUSEBILL: 'CLOSED',
      BLACKHAWK: 'CLOSED',
    });
  });

  it('opens after N consecutive failed calls (retries counting as one call), then refuses reads and writes without sending anything', async () => {
    await open();
    // Each failed call was one read tried three times: the breaker counted calls, not requests.
    expect(fusebill().receivedCount()).toBe(FAILURES * 3);
    const sent = fusebill().receivedCount();

    const read = await gw.graphql(FUSEBILL_READ);
    expect(read.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      provider: 'FUSEBILL',
      circuit: 'OPEN',
    });
    expect(read.body.errors?.[0]?.extensions?.retryAfter).toBeGreaterThanOrEqual(1);
    const write = await gw.graphql(ACTIVATE);
    expect(write.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      circuit: 'OPEN',
    });
    expect(write.body.errors?.[0]?.message).toMatch(/nothing was sent/);
    expect(fusebill().receivedCount()).toBe(sent);
    expect((await circuits()).FUSEBILL).toBe('OPEN');

    const opened = gw.logs.filter((l) => l.msg?.toString().startsWith('circuit opened'));
    expect(opened.at(-1)).toMatchObject({ level: 'warn', provider: 'fusebill' });
    expect(transitions).toEqual([['fusebill', 'OPEN']]);
  });

  it('is per provider: NetXD is still served while Fusebill is open', async () => {
    await open();
    const netxd = await gw.graphql(NETXD_READ);
    expect(netxd.body.errors).toBeUndefined();
    expect(netxd.body.data.customer.status).toBe('ACTIVE');
    expect(await circuits()).toMatchObject({ FUSEBILL: 'OPEN', NETXD: 'CLOSED' });
  });

  it('after the cool-down one trial call goes through, and its success closes the circuit', async () => {
    await open();
    await sleep(COOLDOWN_MS + 50);
    // Nothing has tried since: the state still reads OPEN until a call arrives.
    expect((await circuits()).FUSEBILL).toBe('OPEN');
    fusebill().reset();
    const trial = await gw.graphql(FUSEBILL_READ);
    expect(trial.body.data.customer.status).toBe('ACTIVE');
    expect(fusebill().receivedCount()).toBe(1);
    expect((await circuits()).FUSEBILL).toBe('CLOSED');
    expect(transitions).toEqual([
      ['fusebill', 'OPEN'],
      ['fusebill', 'HALF_OPEN'],
      ['fusebill', 'CLOSED'],
    ]);
    const messages = gw.logs.filter((l) => l.provider === 'fusebill').map((l) => l.msg);
    expect(messages).toContain('circuit half-open: one trial call goes through');
    expect(messages).toContain('circuit closed');
  });

  it('a failing trial opens the circuit again, and nothing more is sent', async () => {
    await open();
    await sleep(COOLDOWN_MS + 50);
    fusebill().reset();
    fusebill().inject({ action: unavailable, times: Infinity });
    const trial = await gw.graphql(FUSEBILL_READ);
    expect(trial.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
    expect(trial.body.errors?.[0]?.extensions?.circuit).toBeUndefined();
    const sent = fusebill().receivedCount();
    expect(sent).toBeGreaterThanOrEqual(1);
    expect(gw.providers.circuitState('fusebill')).toBe('OPEN');
    const next = await gw.graphql(FUSEBILL_READ);
    expect(next.body.errors?.[0]?.extensions?.circuit).toBe('OPEN');
    expect(fusebill().receivedCount()).toBe(sent);
  });

  it('while the trial runs, other calls are refused at once rather than queued', async () => {
    await open();
    await sleep(COOLDOWN_MS + 50);
    fusebill().reset();
    fusebill().inject({ action: { kind: 'delay', ms: 800 } });
    const trial = gw.graphql(FUSEBILL_READ);
    while (gw.providers.circuitState('fusebill') !== 'HALF_OPEN') await sleep(5);
    const other = await gw.graphql(FUSEBILL_READ);
    expect(other.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      circuit: 'OPEN',
    });
    expect(gw.providers.circuitState('fusebill')).toBe('HALF_OPEN');
    expect((await trial).body.data.customer.status).toBe('ACTIVE');
    expect(fusebill().receivedCount()).toBe(1);
    expect(gw.providers.circuitState('fusebill')).toBe('CLOSED');
  });

  it('business answers never open it, and they break a run of failures', async () => {
    for (let i = 0; i < FAILURES * 2; i++) {
      const missing = await gw.graphql(MISSING_READ);
      expect(missing.body.data.customer).toBeNull();
    }
    const notFound = await gw.graphql(
      `mutation { activateCustomer(input: {customerId: "fusebill:99999999"}) { userErrors { code } } }`,
    );
    expect(notFound.body.data.activateCustomer.userErrors[0].code).toBe('NOT_FOUND');
    // Two failures, an answer, two failures: never three in a row.
    for (const round of [0, 1]) {
      fusebill().inject({ action: unavailable, times: 3 * (FAILURES - 1) });
      for (let i = 0; i < FAILURES - 1; i++) {
        const failed = await gw.graphql(FUSEBILL_READ);
        expect(failed.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
      }
      if (round === 0) expect((await gw.graphql(MISSING_READ)).body.data.customer).toBeNull();
    }
    expect(gw.providers.circuitState('fusebill')).toBe('CLOSED');
  });

  it('rate limits and rejected credentials do not count against the provider', async () => {
    fusebill().inject({
      action: {
        kind: 'respond',
        response: { status: 429, headers: { 'retry-after': '60' }, body: {} },
      },
      times: FAILURES + 1,
    });
    for (let i = 0; i <= FAILURES; i++) {
      const res = await gw.graphql(FUSEBILL_READ);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_RATE_LIMITED');
    }
    fusebill().inject({
      action: { kind: 'respond', response: { status: 401, body: {} } },
      times: FAILURES + 1,
    });
    for (let i = 0; i <= FAILURES; i++) {
      const res = await gw.graphql(FUSEBILL_READ);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_AUTH_FAILED');
    }
    expect(gw.providers.circuitState('fusebill')).toBe('CLOSED');
  });

  it('a provider whose token endpoint fails is failing: its circuit opens and then not even a token is requested', async () => {
    const enkash = gw.sandbox('enkash');
    enkash.reset();
    (enkash.state as { revokeAllTokens(): void }).revokeAllTokens();
    enkash.inject({
      match: (r) => r.path === '/oauth/token',
      action: unavailable,
      times: Infinity,
    });
    for (let i = 0; i < FAILURES; i++) {
      const res = await gw.graphql(
        `mutation { activateCustomer(input: {customerId: "enkash:KCINACT00000019${i}"}) { userErrors { code } } }`,
      );
      expect(res.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
    }
    expect(gw.providers.circuitState('enkash')).toBe('OPEN');
    const sent = enkash.receivedCount();
    expect(enkash.journal.every((r) => r.path === '/oauth/token')).toBe(true);
    const refused = await gw.graphql(
      `mutation { activateCustomer(input: {customerId: "enkash:KCINACT000000199"}) { userErrors { code } } }`,
    );
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      provider: 'ENKASH',
      circuit: 'OPEN',
    });
    expect(enkash.receivedCount()).toBe(sent);
  });
});

describe('which failures count against a provider', () => {
  const error = (code: GatewayErrorCode, extra: { circuit?: 'OPEN' } = {}) =>
    new UpstreamError(code, 'fusebill', 'x', extra);

  it.each([
    [GatewayErrorCode.PROVIDER_UNAVAILABLE, true],
    [GatewayErrorCode.PROVIDER_TIMEOUT, true],
    [GatewayErrorCode.OUTCOME_UNKNOWN, true],
    [GatewayErrorCode.PROVIDER_RATE_LIMITED, false],
    [GatewayErrorCode.PROVIDER_AUTH_FAILED, false],
    [GatewayErrorCode.PROVIDER_DISABLED, false],
  ])('%s counts: %s', (code, counts) => {
    expect(isProviderFault(error(code))).toBe(counts);
  });

  it('a refusal by the circuit itself does not count, nor does an unexpected error', () => {
    expect(isProviderFault(error(GatewayErrorCode.PROVIDER_UNAVAILABLE, { circuit: 'OPEN' }))).toBe(
      false,
    );
    expect(isProviderFault(new TypeError('bug'))).toBe(false);
  });
});
