/**
 * Subgraph mode (FEDERATION_SUBGRAPH=true): Switchyard's SDL fetched over HTTP with `_service`,
 * composed with a second subgraph that extends Customer, and served by a real Apollo Gateway in
 * this process, everything on loopback; and `_entities` called directly.
 */
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { writeClientsFile } from '../helpers/identity.js';

const READER = 'reader-key-0123456789abcdef';
const NO_READ = 'activator-key-0123456789abcdef';
const NETXD_ONLY = 'netxd-partner-key-0123456789ab';
const CARD = 'blackhawk:95000000:6039530407033839166';

/** The second subgraph: a loyalty service that adds a tier to Switchyard's customers. */
const LOYALTY_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  extend type Customer @key(fields: "id") {
    id: ID!
    loyaltyTier: String
  }

  type Query {
    "Customers the loyalty programme knows, as references Switchyard resolves."
    topCustomers: [Customer!]!
  }
`;
const TIERS: Record<string, string> = {
  'fusebill:12000750': 'GOLD',
  'fusebill:12000751': 'SILVER',
  'netxd:100000000025001': 'BRONZE',
};

const ENTITIES = `query ($r: [_Any!]!) {
  _entities(representations: $r) { __typename ... on Customer { id provider status } ... on Card { id } }
}`;
const refs = (...items: [string, string][]) => ({
  r: items.map(([__typename, id]) => ({ __typename, id })),
});

let switchyard: TestGateway;
let loyalty: ApolloServer;
let router: ApolloServer;
let routerUrl: string;
let loyaltyUrl: string;
let supergraphSdl: string;
/** The api keys the loyalty subgraph and Switchyard saw from the router, in order. */
const loyaltyKeys: (string | undefined)[] = [];

const asReader = { 'x-api-key': READER };
const fusebillReads = () =>
  switchyard.sandbox('fusebill').journal.filter((e) => e.method === 'GET').length;

async function viaRouter(query: string, apiKey = READER) {
  const response = await fetch(routerUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      data?: any;
      errors?: { message: string; extensions?: Record<string, any> }[];
    },
  };
}

beforeAll(async () => {
  const clientsFile = writeClientsFile([
    { id: 'reader', keys: [READER], scopes: ['customers:read'] },
    { id: 'activator', keys: [NO_READ], scopes: ['customers:activate'] },
    { id: 'netxd-partner', keys: [NETXD_ONLY], scopes: ['customers:read'], providers: ['NETXD'] },
  ]);
  switchyard = await startTestGateway({
    FEDERATION_SUBGRAPH: 'true',
    CLIENTS_FILE: clientsFile,
    MAX_UPSTREAM_CALLS: '5',
  });

  loyalty = new ApolloServer({
    schema: buildSubgraphSchema({
      typeDefs: parse(LOYALTY_SDL),
      resolvers: {
        Query: {
          topCustomers: () =>
            Object.entries(TIERS).map(([id, loyaltyTier]) => ({ id, loyaltyTier })),
        },
        Customer: {
          __resolveReference: ({ id }: { id: string }) => ({ id, loyaltyTier: TIERS[id] ?? null }),
        },
      } as never,
    }),
  });
  ({ url: loyaltyUrl } = await startStandaloneServer(loyalty, {
    listen: { port: 0, host: '127.0.0.1' },
    context: ({ req }) => {
      loyaltyKeys.push(req.headers['x-api-key'] as string | undefined);
      return Promise.resolve({});
    },
  }));

  // Composition from what each subgraph serves at `_service { sdl }`, as rover does.
  const sdlOf = async (url: string) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asReader },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
    });
    const body = (await response.json()) as { data: { _service: { sdl: string } } };
    return body.data._service.sdl;
  };
  const composed = composeServices([
    { name: 'switchyard', url: switchyard.url, typeDefs: parse(await sdlOf(switchyard.url)) },
    { name: 'loyalty', url: loyaltyUrl, typeDefs: parse(await sdlOf(loyaltyUrl)) },
  ]);
  expect(composed.errors ?? []).toEqual([]);
  supergraphSdl = composed.supergraphSdl!;

  // The router forwards the caller's credentials to every subgraph: Switchyard needs a client.
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<{ apiKey?: string }>({
        url,
        willSendRequest({ request, context }) {
          if (context.apiKey) request.http?.headers.set('x-api-key', context.apiKey);
        },
      }),
  });
  router = new ApolloServer({ gateway: gateway as never });
  const started = await startStandaloneServer(router, {
    listen: { port: 0, host: '127.0.0.1' },
    context: ({ req }) => Promise.resolve({ apiKey: req.headers['x-api-key'] as string }),
  });
  routerUrl = started.url;
});

afterAll(async () => {
  await router?.stop();
  await loyalty?.stop();
  await switchyard?.close();
});

beforeEach(() => {
  for (const id of ['fusebill', 'netxd', 'blackhawk'] as const) switchyard.sandbox(id).reset();
  loyaltyKeys.length = 0;
});

describe('composed with a second subgraph behind Apollo Gateway', () => {
  it('composes Customer and Card as entities keyed by id, with loyaltyTier from the other subgraph', () => {
    const type = (name: string) =>
      new RegExp(`type ${name} implements Node\\n((?:  @.*\\n)+)`).exec(supergraphSdl)?.[1];
    expect(type('Customer')).toContain('@join__type(graph: SWITCHYARD, key: "id")');
    expect(type('Customer')).toContain('@join__type(graph: LOYALTY, key: "id", extension: true)');
    expect(type('Card')).toContain('@join__type(graph: SWITCHYARD, key: "id")');
    expect(supergraphSdl).toContain('loyaltyTier: String @join__field(graph: LOYALTY)');
  });

  it('answers one customer from both subgraphs', async () => {
    const res = await viaRouter('{ customer(id: "fusebill:12000750") { id status loyaltyTier } }');
    expect(res.body).toEqual({
      data: { customer: { id: 'fusebill:12000750', status: 'ACTIVE', loyaltyTier: 'GOLD' } },
    });
    expect(fusebillReads()).toBe(1);
    // The router sent the caller's key to the loyalty subgraph too (it was asked for the tier).
    expect(loyaltyKeys).toEqual([READER]);
  });

  it('resolves the other subgraph’s references through Switchyard’s _entities, across providers', async () => {
    const res = await viaRouter('{ topCustomers { id loyaltyTier status provider } }');
    expect(res.body).toEqual({
      data: {
        topCustomers: [
          { id: 'fusebill:12000750', loyaltyTier: 'GOLD', status: 'ACTIVE', provider: 'FUSEBILL' },
          {
            id: 'fusebill:12000751',
            loyaltyTier: 'SILVER',
            status: 'ON_HOLD',
            provider: 'FUSEBILL',
          },
          {
            id: 'netxd:100000000025001',
            loyaltyTier: 'BRONZE',
            status: 'INACTIVE',
            provider: 'NETXD',
          },
        ],
      },
    });
    expect(fusebillReads()).toBe(2);
    expect(switchyard.sandbox('netxd').receivedCount()).toBeGreaterThan(0);
  });

  it('passes Switchyard’s FORBIDDEN through for a caller without customers:read', async () => {
    const res = await viaRouter(
      '{ customer(id: "fusebill:12000750") { id loyaltyTier } }',
      NO_READ,
    );
    expect(res.body.data?.customer ?? null).toBeNull();
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(fusebillReads()).toBe(0);
  });
});

describe('_entities called directly', () => {
  it('loads customer references through the per-request DataLoader: one read per distinct id', async () => {
    const res = await switchyard.graphql(
      ENTITIES,
      refs(
        ['Customer', 'fusebill:12000750'],
        ['Customer', 'fusebill:12000751'],
        ['Customer', 'fusebill:12000750'],
      ),
      asReader,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data._entities).toEqual([
      { __typename: 'Customer', id: 'fusebill:12000750', provider: 'FUSEBILL', status: 'ACTIVE' },
      { __typename: 'Customer', id: 'fusebill:12000751', provider: 'FUSEBILL', status: 'ON_HOLD' },
      { __typename: 'Customer', id: 'fusebill:12000750', provider: 'FUSEBILL', status: 'ACTIVE' },
    ]);
    expect(fusebillReads()).toBe(2);
  });

  it('answers a card reference as node does (UNSUPPORTED_BY_PROVIDER), for that item only, calling nothing', async () => {
    const node = await switchyard.graphql(`{ node(id: "${CARD}") { id } }`, {}, asReader);
    const res = await switchyard.graphql(
      ENTITIES,
      refs(['Customer', 'fusebill:12000750'], ['Card', CARD]),
      asReader,
    );
    expect(res.body.data._entities).toEqual([
      { __typename: 'Customer', id: 'fusebill:12000750', provider: 'FUSEBILL', status: 'ACTIVE' },
      null,
    ]);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0]).toMatchObject({
      message: node.body.errors![0].message,
      path: ['_entities', 1],
      extensions: {
        code: 'UNSUPPORTED_BY_PROVIDER',
        provider: 'BLACKHAWK',
        field: ['representations', '1', 'id'],
      },
    });
    expect(node.body.errors![0].extensions?.code).toBe('UNSUPPORTED_BY_PROVIDER');
    expect(switchyard.sandbox('blackhawk').receivedCount()).toBe(0);
  });

  it.each([
    [
      'a provider outside the client’s share',
      NETXD_ONLY,
      'Customer',
      'fusebill:12000750',
      'FORBIDDEN',
    ],
    ['an unknown provider', READER, 'Customer', 'acme:12000750', 'INVALID_INPUT'],
    ['a card id as a Customer', READER, 'Customer', CARD, 'INVALID_INPUT'],
    ['a customer id as a Card', READER, 'Card', 'fusebill:12000750', 'INVALID_INPUT'],
    ['a malformed Fusebill id', READER, 'Customer', 'fusebill:abc', 'INVALID_INPUT'],
  ])('refuses %s (%#), as node does, and calls nothing', async (_what, key, type, id, code) => {
    const res = await switchyard.graphql(ENTITIES, refs([type, id]), { 'x-api-key': key });
    expect(res.body.data._entities).toEqual([null]);
    expect(res.body.errors?.[0]?.extensions?.code).toBe(code);
    if (type === 'Customer' && id !== CARD) {
      const node = await switchyard.graphql(
        `{ node(id: "${id}") { id } }`,
        {},
        { 'x-api-key': key },
      );
      expect(node.body.errors?.[0]?.extensions?.code).toBe(code);
    }
    for (const provider of ['fusebill', 'netxd', 'blackhawk'] as const) {
      expect(switchyard.sandbox(provider).receivedCount()).toBe(0);
    }
  });

  it('is FORBIDDEN without customers:read, for customers and cards, and calls nothing', async () => {
    const res = await switchyard.graphql(
      ENTITIES,
      refs(['Customer', 'fusebill:12000750'], ['Card', CARD]),
      { 'x-api-key': NO_READ },
    );
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        path: ['_entities'],
        extensions: { code: 'FORBIDDEN', requiredScopes: [['customers:read']] },
      }),
    ]);
    expect(fusebillReads()).toBe(0);
    // _service needs a client, any client: the SDL is what composition reads.
    const sdl = await switchyard.graphql('{ _service { sdl } }', {}, { 'x-api-key': NO_READ });
    expect(sdl.body.data._service.sdl).toContain(
      'type Customer implements Node\n  @key(fields: "id")',
    );
    const anonymous = await switchyard.graphql('{ _service { sdl } }');
    expect(anonymous.status).toBe(401);
  });

  it('refuses a representation that names no entity, before calling anything', async () => {
    const res = await switchyard.graphql(
      ENTITIES,
      {
        r: [
          { __typename: 'Customer', id: 'fusebill:12000750' },
          { __typename: 'ProviderInfo', id: 'x' },
        ],
      },
      asReader,
    );
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['representations', '1'],
    });
    expect(fusebillReads()).toBe(0);
  });

  it('counts each representation toward MAX_UPSTREAM_CALLS', async () => {
    const ids = Array.from(
      { length: 6 },
      (_, i) => ['Customer', `fusebill:1300000${i}`] as [string, string],
    );
    const res = await switchyard.graphql(ENTITIES, refs(...ids), asReader);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'OPERATION_TOO_COMPLEX',
      limit: 'upstreamCalls',
    });
    expect(fusebillReads()).toBe(0);
    const five = await switchyard.graphql(ENTITIES, refs(...ids.slice(0, 5)), asReader);
    expect(five.body.data._entities).toHaveLength(5);
  });
});

describe('with FEDERATION_SUBGRAPH off', () => {
  let plain: TestGateway;
  beforeAll(async () => {
    plain = await startTestGateway({ DISABLED_PROVIDERS: 'enkash,netxd,blackhawk' });
  });
  afterAll(() => plain?.close());

  it('has no federation field, type or directive', async () => {
    for (const query of ['{ _service { sdl } }', ENTITIES]) {
      const res = await plain.graphql(query, refs());
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    const res = await plain.graphql('{ __schema { types { name } directives { name } } }');
    const names = [
      ...res.body.data.__schema.types.map((t: { name: string }) => t.name),
      ...res.body.data.__schema.directives.map((d: { name: string }) => d.name),
    ];
    expect(names).toContain('Customer');
    expect(
      names.filter(
        (n) => /^(_|link__|federation__|join__)|^(key|link)$/.test(n) && !n.startsWith('__'),
      ),
    ).toEqual([]);
  });
});
