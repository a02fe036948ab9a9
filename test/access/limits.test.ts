/** Operation limits: refused after parsing, before anything runs, and fast for hostile documents. */
import { Kind, getIntrospectionQuery, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateUpstreamCalls } from '../../src/access/limits.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    MAX_DEPTH: '4',
    MAX_ALIASES: '3',
    MAX_ROOT_FIELDS: '4',
    MAX_TOKENS: '300',
    MAX_UPSTREAM_CALLS: '3',
  });
});
afterAll(() => gw.close());

const upstream = () =>
  ['fusebill', 'netxd', 'blackhawk'].reduce(
    (n, id) => n + gw.sandbox(id as 'fusebill').receivedCount(),
    0,
  );

async function expectTooComplex(query: string, limit: string, variables?: Record<string, unknown>) {
  const before = upstream();
  const res = await gw.graphql(query, variables);
  expect(res.status).toBe(400);
  expect(res.body.errors).toEqual([
    {
      message: expect.stringMatching(/^The operation .*; the limit is \d+ \(MAX_\w+\)$/),
      extensions: { code: 'OPERATION_TOO_COMPLEX', limit },
    },
  ]);
  expect(res.body.data).toBeUndefined();
  expect(upstream()).toBe(before);
  return res;
}

describe('operation limits', () => {
  it('refuses a document nested deeper than MAX_DEPTH, fragments included', async () => {
    const deep = (charges: string) =>
      `{ customerActivationPreview(input: {customerId: "fusebill:8708457"}) { preview { invoices ${charges} } } }`;
    await expectTooComplex(deep('{ charges { name } }'), 'depth');
    await expectTooComplex(
      '{ customerActivationPreview(input: {customerId: "fusebill:8708457"}) { preview { ...P } } } fragment P on ActivationPreview { invoices { charges { name } } }',
      'depth',
    );
    expect((await gw.graphql(deep('{ total }'))).body.errors).toBeUndefined();
  });

  it('leaves introspection out of the depth (it has its own switch)', async () => {
    const res = await gw.graphql('{ __schema { types { fields { type { ofType { name } } } } } }');
    expect(res.status).toBe(200);
  });

  it('refuses more aliases than MAX_ALIASES, counting a fragment each time it is spread', async () => {
    await expectTooComplex(
      `{ ${['a', 'b', 'c', 'd'].map((a) => `${a}: __typename`).join(' ')} }`,
      'aliases',
    );
    await expectTooComplex(
      '{ ...F ...F } fragment F on Query { x: __typename y: __typename }',
      'aliases',
    );
    expect((await gw.graphql('{ a: __typename b: __typename c: __typename }')).status).toBe(200);
  });

  it('refuses more root fields than MAX_ROOT_FIELDS', async () => {
    await expectTooComplex(
      '{ __typename providers { provider } q: __typename r: __typename s: __typename }',
      'rootFields',
    );
    await expectTooComplex(
      '{ __typename providers { provider } ... on Query { __typename } ...F } fragment F on Query { __typename __schema { queryType { name } } }',
      'rootFields',
    );
  });

  it('refuses more tokens than MAX_TOKENS in a hostile 1 MB document, in milliseconds', async () => {
    const bomb = `{ ${Array.from({ length: 60_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect(bomb.length).toBeGreaterThan(1_000_000);
    const started = performance.now();
    await expectTooComplex(bomb, 'tokens');
    expect(performance.now() - started).toBeLessThan(1_000);
    // The operation log (and so metrics and spans) says what the client was told.
    const line = gw.logs.filter((l) => l.msg === 'graphql operation').at(-1);
    expect(line?.errorCodes).toEqual(['OPERATION_TOO_COMPLEX']);
  });

  it('refuses an operation estimated to make more than MAX_UPSTREAM_CALLS provider calls', async () => {
    // Four calls, under every other limit (four root fields, two aliases).
    await expectTooComplex(
      `{ customer(id: "fusebill:1") { id } node(id: "fusebill:2") { id } ...F } fragment F on Query { x: customer(id: "fusebill:3") { id } y: customerActivationPreview(input: {customerId: "fusebill:4"}) { userErrors { code } } }`,
      'upstreamCalls',
    );
  });

  it('keeps batched JSON arrays off: one operation per request', async () => {
    const res = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0].message).toBe('Operation batching disabled.');
  });

  it('counts 1,000 activation codes as one call, from the variables', async () => {
    const codes = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        programNumber: '95000000',
        proxyNumber: String(6039530400000700000n + BigInt(i)),
        activationCode: `Lm${i.toString(36).padStart(6, '0')}`,
      }));
    const SET =
      'mutation ($input: SetCardActivationCodesInput!) { setCardActivationCodes(input: $input) { acceptedCount } }';
    await expectTooComplex(SET, 'upstreamCalls', { input: { codes: codes(3_001) } });
    const res = await gw.graphql(SET, { input: { codes: codes(3_000) } });
    expect(res.body.data.setCardActivationCodes.acceptedCount).toBe(3_000);
  });
});

describe('default limits', () => {
  let open: TestGateway;
  beforeAll(async () => {
    open = await startTestGateway();
  });
  afterAll(() => open.close());

  it('admit the standard introspection query, as GraphiQL and code generators send it', async () => {
    const res = await open.graphql(getIntrospectionQuery());
    expect(res.status).toBe(200);
    expect(res.body.data.__schema.queryType).toMatchObject({ name: 'Query' });
  });
});

describe('the upstream-call estimate', () => {
  const estimate = (query: string, variables: Record<string, unknown> = {}) => {
    const document = parse(query);
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
    return estimateUpstreamCalls(operation as never, document, variables);
  };

  it.each([
    ['{ providers { provider } }', {}, 0],
    ['{ a: customer(id: "x") { id } b: node(id: "y") { id } }', {}, 2],
    [
      'mutation { a: activateCustomer(input: {customerId: "x"}) { userErrors { code } } b: updateCustomerStatus(input: {customerId: "x", status: ON_HOLD}) { userErrors { code } } }',
      {},
      2,
    ],
    [
      'mutation ($i: SetCardActivationCodesInput!) { setCardActivationCodes(input: $i) { acceptedCount } }',
      { i: { codes: new Array(2_500) } },
      3,
    ],
    [
      'mutation ($c: [CardActivationCodeInput!]!) { setCardActivationCodes(input: {codes: $c}) { acceptedCount } }',
      { c: new Array(1_000) },
      1,
    ],
    ['mutation { setCardActivationCodes(input: {codes: []}) { acceptedCount } }', {}, 1],
    // A subgraph's _entities: one per representation, like a customer field each.
    [
      'query ($r: [_Any!]!) { _entities(representations: $r) { __typename } customer(id: "x") { id } }',
      { r: new Array(7).fill({ __typename: 'Customer', id: 'fusebill:1' }) },
      8,
    ],
    [
      '{ _entities(representations: [{__typename: "Customer", id: "a"}, {__typename: "Card", id: "b"}]) { __typename } }',
      {},
      2,
    ],
    ['query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: [] }, 0],
  ])('%s counts %#', (query, variables, calls) => {
    expect(estimate(query, variables)).toBe(calls);
  });
});
