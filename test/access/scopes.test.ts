/** What a client may do: scopes per field, and a partner's share of providers and card programs. */
import { parse } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessRules } from '../../src/access/scopes.js';
import { FEDERATION_ACCESS_RULES, buildSubgraph } from '../../src/gateway/federation.js';
import { buildSchema, buildSchemaAsSubgraph, loadTypeDefs } from '../../src/gateway/schema.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { writeClientsFile } from '../helpers/identity.js';

const ALL = [
  'customers:read',
  'customers:activate',
  'customers:status',
  'customers:bulk',
  'cards:write',
];

describe('access rules in the SDL', () => {
  it('give every root field exactly one rule', () => {
    const schema = buildSchema();
    const rules = accessRules(schema);
    const fields = [schema.getQueryType()!, schema.getMutationType()!].flatMap((type) =>
      Object.keys(type.getFields()).map((name) => `${type.name}.${name}`),
    );
    expect([...rules.keys()].sort()).toEqual(fields.sort());
    expect(Object.fromEntries(rules)).toEqual({
      'Query.node': { kind: 'scopes', anyOf: [['customers:read']] },
      'Query.providers': { kind: 'authenticated' },
      'Query.customer': { kind: 'scopes', anyOf: [['customers:read']] },
      'Query.customerActivationPreview': { kind: 'scopes', anyOf: [['customers:read']] },
      'Mutation.activateCustomer': { kind: 'scopes', anyOf: [['customers:activate']] },
      'Mutation.updateCustomerStatus': { kind: 'scopes', anyOf: [['customers:status']] },
      'Mutation.bulkUpdateCustomers': { kind: 'scopes', anyOf: [['customers:bulk']] },
      'Mutation.setCardActivationCodes': { kind: 'scopes', anyOf: [['cards:write']] },
    });
  });

  it('give the subgraph fields theirs: _entities as node, _service to any client', async () => {
    const rules = accessRules(await buildSchemaAsSubgraph(), FEDERATION_ACCESS_RULES);
    expect(rules.get('Query._entities')).toEqual(rules.get('Query.node'));
    expect(rules.get('Query._entities')).toEqual({ kind: 'scopes', anyOf: [['customers:read']] });
    expect(rules.get('Query._service')).toEqual({ kind: 'authenticated' });
  });

  it('refuse a given rule for a field whose SDL has one, and a subgraph field without one', () => {
    const given = new Map([['Query.node', { kind: 'authenticated' } as const]]);
    expect(() => accessRules(buildSchema(), given)).toThrow(/Query.node has a rule in the SDL/);
    const subgraph = buildSubgraph(loadTypeDefs());
    expect(() => accessRules(subgraph)).toThrow(/Query._entities needs exactly one access rule/);
  });

  it('refuse to build a schema with a root field that has no rule', () => {
    const typeDefs = [...loadTypeDefs(), 'extend type Query { unguarded: String }'];
    expect(() => accessRules(makeExecutableSchema({ typeDefs }))).toThrow(
      /Query.unguarded needs exactly one access rule/,
    );
    expect(() => parse(typeDefs.join('\n'))).not.toThrow();
  });
});

/** Each root field, an operation that reaches it, and the sandbox it would call. */
const FIELDS = [
  ['customers:read', '{ customer(id: "fusebill:12000750") { id } }', 'customer', 'fusebill'],
  ['customers:read', '{ node(id: "fusebill:12000750") { id } }', 'node', 'fusebill'],
  [
    'customers:read',
    '{ customerActivationPreview(input: {customerId: "fusebill:8708457"}) { userErrors { code } } }',
    'customerActivationPreview',
    'fusebill',
  ],
  [
    'customers:activate',
    'mutation { activateCustomer(input: {customerId: "fusebill:8708457"}) { userErrors { code } } }',
    'activateCustomer',
    'fusebill',
  ],
  [
    'customers:status',
    'mutation { updateCustomerStatus(input: {customerId: "fusebill:12000750", status: ON_HOLD}) { userErrors { code } } }',
    'updateCustomerStatus',
    'fusebill',
  ],
  [
    'cards:write',
    'mutation { setCardActivationCodes(input: {codes: [{programNumber: "95000000", proxyNumber: "6039530400000000001", activationCode: "Abcd1234"}]}) { acceptedCount } }',
    'setCardActivationCodes',
    'blackhawk',
  ],
] as const;

describe('scopes over HTTP', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      CLIENTS_FILE: writeClientsFile([
        { id: 'nothing', keys: ['k-nothing'], scopes: [] },
        { id: 'everything', keys: ['k-everything'], scopes: ALL },
        ...ALL.map((scope) => ({
          id: scope.replace(':', '-'),
          keys: [`k-${scope}`],
          scopes: [scope],
        })),
      ]),
    });
  });
  afterAll(() => gw.close());

  it.each(FIELDS)(
    'without %s, %s is FORBIDDEN and nothing is called',
    async (scope, query, field, provider) => {
      gw.sandbox(provider).reset();
      const res = await gw.graphql(query, undefined, { 'x-api-key': 'k-nothing' });
      expect(res.status).toBe(200);
      expect(res.body.errors).toEqual([
        expect.objectContaining({
          path: [field],
          extensions: { code: 'FORBIDDEN', requiredScopes: [[scope]] },
        }),
      ]);
      expect(gw.sandbox(provider).receivedCount()).toBe(0);
    },
  );

  it.each(FIELDS)('with %s, %s runs', async (scope, query, field) => {
    const res = await gw.graphql(query, undefined, { 'x-api-key': `k-${scope}` });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data[field]).toBeDefined();
  });

  it('answers the other fields of an operation when one is forbidden', async () => {
    const res = await gw.graphql(
      '{ providers { provider } customer(id: "fusebill:12000750") { id } }',
      undefined,
      { 'x-api-key': 'k-nothing' },
    );
    expect(res.body.data).toEqual({
      providers: [
        { provider: 'ENKASH' },
        { provider: 'NETXD' },
        { provider: 'FUSEBILL' },
        { provider: 'BLACKHAWK' },
      ],
      customer: null,
    });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('needs customers:bulk for uploads, and refuses a caller without a key before reading one', async () => {
    const upload = (headers: Record<string, string>) => {
      const form = new FormData();
      form.append(
        'operations',
        JSON.stringify({
          query:
            'mutation ($f: Upload!) { bulkUpdateCustomers(input: {provider: ENKASH, file: $f}) { result { totalCount } } }',
          variables: { f: null },
        }),
      );
      form.append('map', JSON.stringify({ 0: ['variables.f'] }));
      form.append('0', new Blob(['customerId\nKC00000000000001\n'], { type: 'text/csv' }), 'c.csv');
      return fetch(gw.url, {
        method: 'POST',
        body: form,
        headers: { ...headers, 'apollo-require-preflight': 'true' },
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));
    };
    gw.sandbox('enkash').reset();
    expect((await upload({})).status).toBe(401);
    const refused = await upload({ 'x-api-key': 'k-nothing' });
    expect(refused.body.errors?.[0]?.extensions).toEqual({
      code: 'FORBIDDEN',
      requiredScopes: [['customers:bulk']],
    });
    expect(gw.sandbox('enkash').receivedCount()).toBe(0);
    const allowed = await upload({ 'x-api-key': 'k-customers:bulk' });
    expect(allowed.body.data.bulkUpdateCustomers.result.totalCount).toBe(1);
  });
});

describe('a partner limited to Fusebill and Blackhawk program 95000000', () => {
  let gw: TestGateway;
  const partner = { 'x-api-key': 'k-partner' };
  beforeAll(async () => {
    gw = await startTestGateway({
      CLIENTS_FILE: writeClientsFile([
        {
          id: 'partner',
          keys: ['k-partner'],
          scopes: ALL,
          providers: ['FUSEBILL', 'BLACKHAWK'],
          cardPrograms: ['95000000'],
        },
      ]),
    });
  });
  afterAll(() => gw.close());

  it('sees only its providers', async () => {
    const res = await gw.graphql('{ providers { provider } }', undefined, partner);
    expect(res.body.data.providers).toEqual([{ provider: 'FUSEBILL' }, { provider: 'BLACKHAWK' }]);
  });

  it('gets the same FORBIDDEN for an existing and a missing customer of another provider, and nothing is called', async () => {
    gw.sandbox('netxd').reset();
    const answers = [];
    for (const id of ['netxd:100000000005001', 'netxd:999999999999999', 'netxd:bad id']) {
      const res = await gw.graphql(
        'query ($id: ID!) { customer(id: $id) { id } }',
        { id },
        partner,
      );
      answers.push(res.body);
    }
    for (const body of answers) {
      expect(body).toEqual({
        data: { customer: null },
        errors: [
          expect.objectContaining({
            message: 'This client may not use NETXD',
            extensions: { code: 'FORBIDDEN', provider: 'NETXD' },
          }),
        ],
      });
    }
    expect(gw.sandbox('netxd').receivedCount()).toBe(0);
  });

  it('may not write to another provider either', async () => {
    gw.sandbox('netxd').reset();
    const res = await gw.graphql(
      'mutation { activateCustomer(input: {customerId: "netxd:100000000025001"}) { userErrors { code } } }',
      undefined,
      partner,
    );
    expect(res.body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', provider: 'NETXD' });
    expect(gw.sandbox('netxd').receivedCount()).toBe(0);
  });

  it('may not upload to a provider outside its share', async () => {
    gw.sandbox('enkash').reset();
    const form = new FormData();
    form.append(
      'operations',
      JSON.stringify({
        query:
          'mutation ($f: Upload!) { bulkUpdateCustomers(input: {provider: ENKASH, file: $f}) { userErrors { code } } }',
        variables: { f: null },
      }),
    );
    form.append('map', JSON.stringify({ 0: ['variables.f'] }));
    form.append('0', new Blob(['customerId\nKC00000000000001\n'], { type: 'text/csv' }), 'c.csv');
    const res = await fetch(gw.url, {
      method: 'POST',
      body: form,
      headers: { ...partner, 'apollo-require-preflight': 'true' },
    });
    const body = (await res.json()) as any;
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', provider: 'ENKASH' });
    expect(gw.sandbox('enkash').receivedCount()).toBe(0);
  });

  it('sends no code at all when one record is outside its card programs', async () => {
    gw.sandbox('blackhawk').reset();
    const codes = Array.from({ length: 1_500 }, (_, i) => ({
      programNumber: i === 1_400 ? '95000001' : '95000000',
      proxyNumber: String(6039530400000500000n + BigInt(i)),
      activationCode: `Pp${i.toString(36).padStart(6, '0')}`,
    }));
    const res = await gw.graphql(
      'mutation ($input: SetCardActivationCodesInput!) { setCardActivationCodes(input: $input) { acceptedCount } }',
      { input: { codes } },
      partner,
    );
    expect(res.body.errors?.[0]).toMatchObject({
      message: expect.stringContaining('card program "95000001"'),
      extensions: { code: 'FORBIDDEN', provider: 'BLACKHAWK' },
    });
    expect(gw.sandbox('blackhawk').receivedCount()).toBe(0);
  });

  it('may set codes in its own program, and may not read a card of another', async () => {
    const res = await gw.graphql(
      'mutation { setCardActivationCodes(input: {codes: [{programNumber: "95000000", proxyNumber: "6039530400000600001", activationCode: "Abcd1234"}]}) { acceptedCount } }',
      undefined,
      partner,
    );
    expect(res.body.data.setCardActivationCodes.acceptedCount).toBe(1);
    const card = await gw.graphql(
      '{ node(id: "blackhawk:95000001:6039530400000600001") { id } }',
      undefined,
      partner,
    );
    expect(card.body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', provider: 'BLACKHAWK' });
  });
});
