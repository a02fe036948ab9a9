import { createPrivateKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { signPayload } from '../../src/providers/netxd/client.js';
import type { NetxdSettings } from '../../src/providers/netxd/config.js';
import { createNetxdProvider } from '../../src/providers/netxd/index.js';
import { NETXD_ERRORS } from '../../src/providers/netxd/wire.js';
import type { NetxdSandboxState } from '../../src/sandbox/netxd.js';
import type { JournalEntry, SandboxRequest } from '../../src/sandbox/server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { providerDeps } from '../../src/providers/runtime.js';
import { memoryLedger } from '../../src/transport/rejection-ledger.js';

let gw: TestGateway;
const sandbox = () => gw.sandbox<NetxdSandboxState>('netxd');
const settings = () => gw.providers.started('netxd')?.sandbox?.settings as NetxdSettings;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

const GET = 'CustomerService.GetCustomer';
const UPDATE = 'CustomerService.UpdateCustomerStatus';
const isMethod = (method: string) => (request: SandboxRequest) =>
  request.body.toString('utf8').includes(`"method":"${method}"`);
const rawBody = (entry: JournalEntry) => entry.body.toString('utf8');
const envelopeOf = (entry: JournalEntry) => JSON.parse(rawBody(entry));
/** The payload exactly as sent: the gateway splices it in last, before the closing braces. */
const payloadText = (entry: JournalEntry) => {
  const raw = rawBody(entry);
  return raw.slice(raw.indexOf('"payload":') + '"payload":'.length, -2);
};
const respond = (body: unknown, match = isMethod(GET)) =>
  sandbox().inject({ match, action: { kind: 'respond', response: { status: 200, body } } });

const READ = `query ($id: ID!) { customer(id: $id) { id provider providerCustomerId status providerStatus } }`;
const SET_STATUS = `mutation ($input: UpdateCustomerStatusInput!) {
  updateCustomerStatus(input: $input) {
    customer { id status providerStatus }
    userErrors { code message field provider providerCode }
  }
}`;
const ACTIVATE = `mutation ($input: ActivateCustomerInput!) {
  activateCustomer(input: $input) {
    customer { id status providerStatus }
    invoices { total }
    userErrors { code message field provider providerCode }
  }
}`;
const PREVIEW = `query ($input: ActivateCustomerInput!) {
  customerActivationPreview(input: $input) {
    preview { customer { id status providerStatus } resultingStatus native invoices { total } }
    userErrors { code message field provider providerCode }
  }
}`;

// Seeded ranges (src/sandbox/netxd.ts): each test takes its own customers so order does not matter.
let nextInactive = 100000000025101n;
let nextActive = 100000000035101n;
const inactiveCustomer = () => String(nextInactive++);
const activeCustomer = () => String(nextActive++);

describe('netxd status normalization over HTTP', () => {
  it.each([
    ['100000000005001', 'ACTIVE', 'ACTIVE'],
    ['100000000005002', 'INACTIVE', 'IN_ACTIVE'],
    ['100000000005003', 'DORMANT', 'DORMANT'],
    ['100000000005004', 'SUSPENDED', 'SUSPENDED'],
    ['100000000005005', 'BLOCKED', 'BLOCKED'],
    ['100000000005006', 'BLACKLISTED', 'BLACK_LISTED'],
    ['100000000005007', 'UNKNOWN', 'CLOSED'],
  ])('customer %s reads as %s (raw %s)', async (id, status, raw) => {
    const res = await gw.graphql(READ, { id: `netxd:${id}` });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customer).toEqual({
      id: `netxd:${id}`,
      provider: 'NETXD',
      providerCustomerId: id,
      status,
      providerStatus: raw,
    });
  });

  it('logs an unknown status once as a warning and still answers', async () => {
    await gw.graphql(READ, { id: 'netxd:100000000005007' });
    await gw.graphql(READ, { id: 'netxd:100000000005007' });
    const warnings = gw.logs.filter(
      (l) => l.msg === 'unknown provider status mapped to UNKNOWN' && l.providerStatus === 'CLOSED',
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn', provider: 'netxd' });
  });

  it('reads GetCustomer results in the {Id, status} casing', async () => {
    sandbox().state.getCustomerCasing = 'Id/status';
    try {
      const res = await gw.graphql(READ, { id: 'netxd:100000000005004' });
      expect(res.body.data.customer).toMatchObject({
        status: 'SUSPENDED',
        providerStatus: 'SUSPENDED',
      });
    } finally {
      sandbox().state.getCustomerCasing = 'ID/Status';
    }
  });

  it.each([
    [{ ID: '100000000005001', Status: 'DORMANT' }],
    [{ Id: '100000000005001', status: 'DORMANT' }],
    [{ ID: '100000000005001', status: 'DORMANT' }],
    [{ Id: 100000000005001, Status: 'DORMANT' }],
  ])('accepts the result %j', async (result) => {
    respond({ result });
    const res = await gw.graphql(READ, { id: 'netxd:100000000005001' });
    expect(res.body.data.customer).toMatchObject({ status: 'DORMANT', providerStatus: 'DORMANT' });
  });

  it('reads a customer without a status as UNKNOWN', async () => {
    respond({ result: { ID: '100000000005001' } });
    const res = await gw.graphql(READ, { id: 'netxd:100000000005001' });
    expect(res.body.data.customer).toMatchObject({ status: 'UNKNOWN', providerStatus: null });
  });
});

describe('netxd wire format', () => {
  it('sends a signed GetCustomer envelope to /jsonrpc', async () => {
    sandbox().reset();
    await gw.graphql(READ, { id: 'netxd:100000000005001' });
    const [entry] = sandbox().journal;
    expect(entry).toMatchObject({ method: 'POST', path: '/jsonrpc' });
    expect(entry!.headers['content-type']).toBe('application/json');
    const envelope = envelopeOf(entry!);
    expect(envelope).toEqual({
      method: GET,
      id: expect.any(String),
      params: {
        api: {
          signature: expect.any(String),
          keyId: settings().keyId,
          credential: settings().credential,
        },
        payload: { customerID: '100000000005001' },
      },
    });
    expect(payloadText(entry!)).toBe('{"customerID":"100000000005001"}');
    const signature = Buffer.from(envelope.params.api.signature, 'base64');
    expect(signature[0]).toBe(0x30); // DER SEQUENCE, not raw r||s
    expect(
      verify(
        'sha256',
        Buffer.from(payloadText(entry!), 'utf8'),
        sandbox().state.publicKey,
        signature,
      ),
    ).toBe(true);
  });

  it('uses a fresh id for every call', async () => {
    sandbox().reset();
    await gw.graphql(READ, { id: 'netxd:100000000005001' });
    await gw.graphql(READ, { id: 'netxd:100000000005001' });
    const ids = sandbox().journal.map((entry) => envelopeOf(entry).id);
    expect(ids).toHaveLength(2);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('signs exactly the UpdateCustomerStatus payload bytes it sends, notes included', async () => {
    sandbox().reset();
    const id = activeCustomer();
    const res = await gw.graphql(SET_STATUS, {
      input: { customerId: `netxd:${id}`, status: 'DORMANT', notes: 'Inactive 12 months – é' },
    });
    expect(res.body.data.updateCustomerStatus.userErrors).toEqual([]);
    const [entry] = sandbox().journal;
    const envelope = envelopeOf(entry!);
    expect(envelope.method).toBe(UPDATE);
    expect(payloadText(entry!)).toBe(
      `{"ID":"${id}","status":"DORMANT","notes":"Inactive 12 months – é"}`,
    );
    expect(
      verify(
        'sha256',
        Buffer.from(payloadText(entry!), 'utf8'),
        sandbox().state.publicKey,
        Buffer.from(envelope.params.api.signature, 'base64'),
      ),
    ).toBe(true);
    expect(sandbox().state.customers.get(id)?.notes).toEqual(['Inactive 12 months – é']);
  });
});

describe('netxd reads', () => {
  it('returns null for a customer that does not exist', async () => {
    const res = await gw.graphql(READ, { id: 'netxd:100000000099999' });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customer).toBeNull();
  });

  it('rejects a malformed id without calling NetXD', async () => {
    sandbox().reset();
    for (const id of [
      'netxd:12ab',
      'netxd:1/2',
      'netxd:-1',
      'netxd: 1',
      'netxd:1.5',
      'netxd:123456789012345678901',
    ]) {
      const res = await gw.graphql(READ, { id });
      expect(res.body.errors?.[0]?.extensions, id).toMatchObject({
        code: 'INVALID_INPUT',
        provider: 'NETXD',
      });
    }
    const write = await gw.graphql(SET_STATUS, {
      input: { customerId: 'netxd:12ab', status: 'ACTIVE' },
    });
    expect(write.body.data.updateCustomerStatus.userErrors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'customerId'],
    });
    expect(sandbox().journal).toHaveLength(0);
  });

  it('fetches the same customer once per operation', async () => {
    sandbox().reset();
    const res = await gw.graphql(
      `{ a: customer(id: "netxd:100000000005001") { status } b: customer(id: "netxd:100000000005001") { status } c: node(id: "netxd:100000000005001") { id } }`,
    );
    expect(res.body.errors).toBeUndefined();
    expect(sandbox().journal).toHaveLength(1);
  });

  it('reads different customers of one operation with one call each', async () => {
    sandbox().reset();
    const res = await gw.graphql(
      `{ a: customer(id: "netxd:100000000005001") { status } b: customer(id: "netxd:100000000005002") { status } }`,
    );
    expect(res.body.data).toEqual({ a: { status: 'ACTIVE' }, b: { status: 'INACTIVE' } });
    const payloads = sandbox().journal.map((entry) => envelopeOf(entry).params.payload.customerID);
    expect(payloads.sort()).toEqual(['100000000005001', '100000000005002']);
  });
});

describe('netxd status changes', () => {
  it.each([
    ['ACTIVE', 'ACTIVE'],
    ['INACTIVE', 'IN_ACTIVE'],
    ['DORMANT', 'DORMANT'],
    ['SUSPENDED', 'SUSPENDED'],
    ['BLOCKED', 'BLOCKED'],
    ['BLACKLISTED', 'BLACK_LISTED'],
  ])('sets %s as NetXD %s', async (status, netxd) => {
    const id = status === 'ACTIVE' ? inactiveCustomer() : activeCustomer();
    sandbox().reset();
    const res = await gw.graphql(SET_STATUS, { input: { customerId: `netxd:${id}`, status } });
    expect(res.body.data.updateCustomerStatus).toEqual({
      customer: { id: `netxd:${id}`, status, providerStatus: netxd },
      userErrors: [],
    });
    expect(sandbox().journal).toHaveLength(1);
    const envelope = envelopeOf(sandbox().journal[0]!);
    expect(envelope.method).toBe(UPDATE);
    expect(envelope.params.payload).toEqual({ ID: id, status: netxd });
    expect(sandbox().state.customers.get(id)?.status).toBe(netxd);
  });

  it.each(['DRAFT', 'ON_HOLD', 'CANCELLED', 'UNKNOWN'])(
    'refuses %s without calling NetXD',
    async (status) => {
      sandbox().reset();
      const res = await gw.graphql(SET_STATUS, {
        input: { customerId: 'netxd:100000000005001', status },
      });
      expect(res.body.data.updateCustomerStatus.customer).toBeNull();
      expect(res.body.data.updateCustomerStatus.userErrors).toEqual([
        expect.objectContaining({
          code: 'UNSUPPORTED_BY_PROVIDER',
          field: ['input', 'status'],
          provider: 'NETXD',
        }),
      ]);
      expect(sandbox().journal).toHaveLength(0);
    },
  );

  it('shows the new status to a later read', async () => {
    const id = activeCustomer();
    await gw.graphql(SET_STATUS, { input: { customerId: `netxd:${id}`, status: 'SUSPENDED' } });
    const res = await gw.graphql(READ, { id: `netxd:${id}` });
    expect(res.body.data.customer.status).toBe('SUSPENDED');
  });

  it('reports setting the status a customer already has as INVALID_STATE', async () => {
    const res = await gw.graphql(SET_STATUS, {
      input: { customerId: 'netxd:100000000005003', status: 'DORMANT' },
    });
    expect(res.body.data.updateCustomerStatus.userErrors).toEqual([
      {
        code: 'INVALID_STATE',
        message: 'Customer is already DORMANT',
        field: null,
        provider: 'NETXD',
        providerCode: String(NETXD_ERRORS.INVALID_STATUS_TRANSITION.code),
      },
    ]);
  });

  it('keeps a BLACK_LISTED customer banned', async () => {
    const res = await gw.graphql(SET_STATUS, {
      input: { customerId: 'netxd:100000000005006', status: 'ACTIVE' },
    });
    expect(res.body.data.updateCustomerStatus.userErrors[0]).toMatchObject({
      code: 'INVALID_STATE',
    });
  });

  it('reports an unknown customer as NOT_FOUND', async () => {
    const res = await gw.graphql(SET_STATUS, {
      input: { customerId: 'netxd:100000000099999', status: 'BLOCKED' },
    });
    expect(res.body.data.updateCustomerStatus.userErrors[0]).toMatchObject({
      code: 'NOT_FOUND',
      provider: 'NETXD',
      providerCode: String(NETXD_ERRORS.CUSTOMER_NOT_FOUND.code),
    });
  });
});

describe('netxd activation', () => {
  it('activates with UpdateCustomerStatus to ACTIVE', async () => {
    const id = inactiveCustomer();
    sandbox().reset();
    const res = await gw.graphql(ACTIVATE, { input: { customerId: `netxd:${id}` } });
    expect(res.body.data.activateCustomer).toEqual({
      customer: { id: `netxd:${id}`, status: 'ACTIVE', providerStatus: 'ACTIVE' },
      invoices: [],
      userErrors: [],
    });
    expect(sandbox().journal).toHaveLength(1);
    expect(payloadText(sandbox().journal[0]!)).toBe(`{"ID":"${id}","status":"ACTIVE"}`);
  });

  it('reports an already active customer as INVALID_STATE', async () => {
    const res = await gw.graphql(ACTIVATE, { input: { customerId: 'netxd:100000000005001' } });
    expect(res.body.data.activateCustomer).toMatchObject({
      customer: null,
      userErrors: [{ code: 'INVALID_STATE', provider: 'NETXD' }],
    });
  });

  it('reports an unknown customer as NOT_FOUND', async () => {
    const res = await gw.graphql(ACTIVATE, { input: { customerId: 'netxd:100000000099999' } });
    expect(res.body.data.activateCustomer.userErrors[0]).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('rejects activation options NetXD does not take before calling it', async () => {
    sandbox().reset();
    const res = await gw.graphql(ACTIVATE, {
      input: { customerId: `netxd:${inactiveCustomer()}`, activateAllSubscriptions: true },
    });
    expect(res.body.data.activateCustomer.userErrors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'activateAllSubscriptions'],
    });
    expect(sandbox().journal).toHaveLength(0);
  });
});

describe('netxd activation preview (dry run)', () => {
  it('reads the current status and changes nothing', async () => {
    const id = inactiveCustomer();
    sandbox().reset();
    const res = await gw.graphql(PREVIEW, { input: { customerId: `netxd:${id}` } });
    expect(res.body.data.customerActivationPreview).toEqual({
      preview: {
        customer: { id: `netxd:${id}`, status: 'INACTIVE', providerStatus: 'IN_ACTIVE' },
        resultingStatus: 'ACTIVE',
        native: false,
        invoices: [],
      },
      userErrors: [],
    });
    expect(sandbox().journal.map((entry) => envelopeOf(entry).method)).toEqual([GET]);
    expect(sandbox().state.customers.get(id)?.status).toBe('IN_ACTIVE');
  });

  it('gives INVALID_STATE for an active customer, as activation does', async () => {
    const res = await gw.graphql(PREVIEW, { input: { customerId: 'netxd:100000000005001' } });
    expect(res.body.data.customerActivationPreview).toMatchObject({
      preview: null,
      userErrors: [{ code: 'INVALID_STATE', provider: 'NETXD' }],
    });
  });

  it('previews a BLACK_LISTED customer as not activatable, as activation refuses it', async () => {
    const input = { customerId: 'netxd:100000000005006' };
    const preview = await gw.graphql(PREVIEW, { input });
    expect(preview.body.data.customerActivationPreview).toMatchObject({
      preview: null,
      userErrors: [{ code: 'INVALID_STATE', provider: 'NETXD' }],
    });
    const activation = await gw.graphql(ACTIVATE, { input });
    expect(activation.body.data.activateCustomer.userErrors).toMatchObject([
      { code: 'INVALID_STATE', provider: 'NETXD', providerCode: '-32002' },
    ]);
  });

  it('gives NOT_FOUND for an unknown customer', async () => {
    const res = await gw.graphql(PREVIEW, { input: { customerId: 'netxd:100000000099999' } });
    expect(res.body.data.customerActivationPreview).toMatchObject({
      preview: null,
      userErrors: [{ code: 'NOT_FOUND', provider: 'NETXD' }],
    });
  });
});

describe('netxd JSON-RPC error mapping', () => {
  // Injected answers carry no id: a static response cannot echo the per-call id.
  const errorBody = (code: number | string) => ({
    error: { code, message: 'upstream says no (secret-detail)' },
  });
  const user = (code: string) => ({ user: code });
  const upstream = (code: string) => ({ upstream: code });
  const rows: [number | string, { user: string } | { upstream: string }][] = [
    [-32700, upstream('PROVIDER_UNAVAILABLE')],
    [-32600, upstream('PROVIDER_UNAVAILABLE')],
    [-32601, upstream('PROVIDER_UNAVAILABLE')],
    [-32602, user('INVALID_INPUT')],
    [-32603, upstream('PROVIDER_UNAVAILABLE')],
    [-32000, upstream('PROVIDER_UNAVAILABLE')],
    [-32001, user('NOT_FOUND')],
    [-32002, user('INVALID_STATE')],
    [-32003, upstream('PROVIDER_AUTH_FAILED')],
    ['-32002', user('INVALID_STATE')],
    [4711, user('PROVIDER_REJECTED')],
    ['E_DAILY_LIMIT', user('PROVIDER_REJECTED')],
  ];

  it('covers every row of NETXD_ERRORS', () => {
    const tested = new Set(rows.map(([code]) => String(code)));
    for (const { code } of Object.values(NETXD_ERRORS)) expect(tested).toContain(String(code));
  });

  it.each(rows)('error %s on UpdateCustomerStatus becomes %j', async (code, expected) => {
    respond(errorBody(code), isMethod(UPDATE));
    const res = await gw.graphql(SET_STATUS, {
      input: { customerId: `netxd:${activeCustomer()}`, status: 'BLOCKED' },
    });
    if ('user' in expected) {
      expect(res.body.data.updateCustomerStatus.userErrors).toEqual([
        {
          code: expected.user,
          message: 'upstream says no (secret-detail)',
          field: null,
          provider: 'NETXD',
          providerCode: String(code),
        },
      ]);
    } else {
      expect(res.body.errors?.[0]?.extensions).toMatchObject({
        code: expected.upstream,
        provider: 'NETXD',
      });
      expect(JSON.stringify(res.body)).not.toContain('secret-detail');
    }
  });

  it.each([
    [-32001, null],
    [-32602, 'INVALID_INPUT'],
    [-32002, 'INVALID_STATE'],
    [4711, 'PROVIDER_REJECTED'],
    [-32003, 'PROVIDER_AUTH_FAILED'],
    [-32603, 'PROVIDER_UNAVAILABLE'],
  ])('error %s on GetCustomer gives %s', async (code, expected) => {
    respond(errorBody(code));
    const res = await gw.graphql(READ, { id: 'netxd:100000000005001' });
    if (expected === null) {
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.customer).toBeNull();
    } else {
      expect(res.body.errors?.[0]?.extensions).toMatchObject({
        code: expected,
        provider: 'NETXD',
      });
    }
  });

  it('logs a credential rejection as an error without the credentials', async () => {
    respond(errorBody(-32003));
    await gw.graphql(READ, { id: 'netxd:100000000005001' });
    expect(
      gw.logs.some(
        (l) =>
          l.level === 'error' &&
          l.msg === 'provider rejected our credentials' &&
          l.provider === 'netxd',
      ),
    ).toBe(true);
    expect(gw.logText()).not.toContain(settings().credential);
  });

  it.each([
    ['an error that is a string', { error: 'boom' }],
    ['an error with an object code', { error: { code: { n: 1 }, message: 'x' } }],
    ['neither result nor error', { id: null }],
    ['a bare array', [1, 2, 3]],
    ['a result without an id', { result: { Status: 'ACTIVE' } }],
    ['a result with a non-numeric id', { result: { ID: 'abc', Status: 'ACTIVE' } }],
    ['a result for another customer', { result: { ID: '100000000005002', Status: 'ACTIVE' } }],
    ['an answer to another request id', { id: 'not-ours', result: { ID: '100000000005001' } }],
  ])('turns %s on a read into PROVIDER_UNAVAILABLE', async (_what, body) => {
    respond(body);
    const res = await gw.graphql(READ, { id: 'netxd:100000000005001' });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      provider: 'NETXD',
    });
  });

  it('maps an error that has a code but no message by its code (not found -> null)', async () => {
    respond({ error: { code: -32001 } });
    const res = await gw.graphql(READ, { id: 'netxd:100000000005001' });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customer).toBeNull();
  });

  it.each([
    ['neither result nor error', {}],
    ['a result without an id', { result: { Status: 'ACTIVE' } }],
  ])('turns %s on a write into OUTCOME_UNKNOWN', async (_what, body) => {
    respond(body, isMethod(UPDATE));
    const res = await gw.graphql(SET_STATUS, {
      input: { customerId: `netxd:${activeCustomer()}`, status: 'BLOCKED' },
    });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'OUTCOME_UNKNOWN',
      provider: 'NETXD',
    });
  });

  // An HTTP 404 is about the endpoint (wrong origin or path, a proxy), never about a customer.
  const notFoundAnswers: [string, { raw?: string; body?: unknown }][] = [
    ['an HTML page', { raw: '<html><body>404 Not Found</body></html>' }],
    ['an empty body', { raw: '' }],
    ['a JSON-RPC "customer not found" error', { body: { error: { code: -32001, message: 'x' } } }],
    ['a result', { body: { result: { ID: '100000000005001', Status: 'ACTIVE' } } }],
  ];

  it.each(notFoundAnswers)(
    'HTTP 404 with %s on a read is PROVIDER_UNAVAILABLE, not null',
    async (_what, body) => {
      const logsBefore = gw.logs.length;
      sandbox().inject({
        match: isMethod(GET),
        action: { kind: 'respond', response: { status: 404, ...body } },
      });
      const res = await gw.graphql(READ, { id: 'netxd:100000000005001' });
      expect(res.body.data?.customer ?? null).toBeNull();
      expect(res.body.errors?.[0]?.extensions).toMatchObject({
        code: 'PROVIDER_UNAVAILABLE',
        provider: 'NETXD',
      });
      expect(gw.logs.slice(logsBefore)).toContainEqual(
        expect.objectContaining({
          level: 'error',
          msg: 'provider endpoint answered HTTP 404',
          provider: 'netxd',
          operation: GET,
          status: 404,
        }),
      );
    },
  );

  it.each(notFoundAnswers.filter(([what]) => what !== 'a result'))(
    'HTTP 404 with %s on a write is PROVIDER_UNAVAILABLE, not NOT_FOUND',
    async (_what, body) => {
      const id = activeCustomer();
      sandbox().inject({
        match: isMethod(UPDATE),
        action: { kind: 'respond', response: { status: 404, ...body } },
      });
      const res = await gw.graphql(SET_STATUS, {
        input: { customerId: `netxd:${id}`, status: 'BLOCKED' },
      });
      expect(res.body.data).toBeNull();
      expect(res.body.errors?.[0]?.extensions).toMatchObject({
        code: 'PROVIDER_UNAVAILABLE',
        provider: 'NETXD',
      });
      expect(sandbox().state.customers.get(id)?.status).toBe('ACTIVE');
    },
  );

  it('HTTP 404 with a result on a write is OUTCOME_UNKNOWN (NetXD processed something)', async () => {
    sandbox().inject({
      match: isMethod(UPDATE),
      action: {
        kind: 'respond',
        response: { status: 404, body: { result: { Id: '1', Status: 'BLOCKED' } } },
      },
    });
    const res = await gw.graphql(SET_STATUS, {
      input: { customerId: `netxd:${activeCustomer()}`, status: 'BLOCKED' },
    });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'OUTCOME_UNKNOWN',
      provider: 'NETXD',
    });
  });

  it('an answer to another request id on a write is OUTCOME_UNKNOWN', async () => {
    sandbox().inject({
      match: isMethod(UPDATE),
      action: {
        kind: 'respond',
        response: { status: 200, body: { id: 'not-ours', result: { Id: '1', Status: 'BLOCKED' } } },
      },
    });
    const res = await gw.graphql(SET_STATUS, {
      input: { customerId: `netxd:${activeCustomer()}`, status: 'BLOCKED' },
    });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'OUTCOME_UNKNOWN',
      provider: 'NETXD',
    });
    expect(gw.logs.some((l) => l.msg === 'JSON-RPC answer carries another request id')).toBe(true);
  });

  it('maps an HTTP 500 to PROVIDER_UNAVAILABLE', async () => {
    sandbox().inject({
      match: isMethod(GET),
      action: { kind: 'respond', response: { status: 500, raw: 'oops' } },
    });
    const res = await gw.graphql(READ, { id: 'netxd:100000000005001' });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
  });
});

describe('netxd sandbox protocol', () => {
  const post = async (body: string) => {
    const response = await fetch(`${sandbox().url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    return (await response.json()) as {
      id: string | null;
      result?: Record<string, unknown>;
      error?: { code: number; message: string };
    };
  };
  let n = 0;
  const signed = (
    method: string,
    payload: unknown,
    overrides: { id?: unknown; keyId?: string; credential?: string; sent?: string } = {},
  ) => {
    const text = JSON.stringify(payload);
    const key = createPrivateKey(settings().privateKeyPem);
    const api = {
      signature: signPayload(text, key),
      keyId: overrides.keyId ?? settings().keyId,
      credential: overrides.credential ?? settings().credential,
    };
    const id = 'id' in overrides ? overrides.id : `test-${++n}-${Date.now()}`;
    const idMember = id === undefined ? '' : `"id":${JSON.stringify(id)},`;
    return `{"method":${JSON.stringify(method)},${idMember}"params":{"api":${JSON.stringify(api)},"payload":${overrides.sent ?? text}}}`;
  };
  const AUTH = NETXD_ERRORS.AUTHENTICATION_FAILED.code;

  it('answers a correctly signed request and echoes its id', async () => {
    const body = signed(GET, { customerID: '100000000005005' });
    const answer = await post(body);
    expect(answer).toMatchObject({
      id: JSON.parse(body).id,
      result: { ID: '100000000005005', Status: 'BLOCKED' },
    });
  });

  it.each([
    ['a tampered payload', { sent: '{"customerID":"100000000005001"}' }],
    ['a pretty-printed payload', { sent: '{ "customerID": "100000000005005" }' }],
    ['a wrong credential', { credential: 'guess' }],
    ['a wrong key id', { keyId: 'other-key' }],
  ])('refuses %s as an authentication failure', async (_what, overrides) => {
    const answer = await post(signed(GET, { customerID: '100000000005005' }, overrides));
    expect(answer.error?.code).toBe(AUTH);
    expect(answer.result).toBeUndefined();
  });

  it('refuses a missing, empty or reused id', async () => {
    const payload = { customerID: '100000000005005' };
    expect((await post(signed(GET, payload, { id: undefined }))).error?.code).toBe(-32600);
    expect((await post(signed(GET, payload, { id: '' }))).error?.code).toBe(-32600);
    expect((await post(signed(GET, payload, { id: 7 }))).error?.code).toBe(-32600);
    const body = signed(GET, payload, { id: 'once-only' });
    expect((await post(body)).result).toBeDefined();
    expect(await post(body)).toMatchObject({ id: 'once-only', error: { code: -32600 } });
  });

  it.each([
    ['an unknown method', 'CustomerService.DeleteCustomer', {}, -32601],
    ['an invalid status', UPDATE, { ID: '100000000035999', status: 'ON_HOLD' }, -32602],
    ['a numeric customerID', GET, { customerID: 100000000005005 }, -32602],
    ['an unknown customer', GET, { customerID: '100000000099999' }, -32001],
  ])('answers %s with its error code', async (_what, method, payload, code) => {
    expect((await post(signed(method, payload))).error?.code).toBe(code);
  });

  it('answers a body that is not JSON with a parse error', async () => {
    expect((await post('{"method":')).error?.code).toBe(-32700);
  });

  it('takes the documented Status spelling as well', async () => {
    const answer = await post(signed(UPDATE, { ID: '100000000035998', Status: 'DORMANT' }));
    expect(answer.result).toEqual({ Id: '100000000035998', Status: 'DORMANT' });
  });

  it('makes an adapter with the wrong credential fail with PROVIDER_AUTH_FAILED', async () => {
    const adapter = createNetxdProvider(
      { ...settings(), credential: 'not-the-credential' },
      providerDeps('netxd', {
        log: createLogger({ write: () => undefined }),
        timeoutMs: 2_000,
        maxConcurrency: 2,
        readRetries: 2,
        breakerFailures: 5,
        breakerCooldownMs: 10_000,
        batchConcurrency: 1,
        bulkDeadlineMs: 120_000,
        rejections: memoryLedger(),
      }),
    );
    const log = createLogger({ write: () => undefined });
    const [slot] = await adapter.readCustomers!(['100000000005001'], { requestId: 't', log });
    expect(slot).toMatchObject({ name: 'UpstreamError', code: 'PROVIDER_AUTH_FAILED' });
  });
});
