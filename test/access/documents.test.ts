/**
 * Trusted documents (a persisted-document manifest) and automatic persisted queries, driven by a
 * real @apollo/client with its persisted-queries link, across two replicas sharing Redis.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestError, loadManifest } from '../../src/access/documents.js';
import { createRedis, closeRedis, ensureConnected } from '../../src/redis.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { writeClientsFile } from '../helpers/identity.js';
import { REDIS_URL, requireRedis } from '../helpers/redis.js';

const redisUp = await requireRedis();

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const TRUSTED = 'query ReadCustomer($id: ID!) { customer(id: $id) { id status } }';
const OTHER = '{ customer(id: "fusebill:12000750") { status } }';

function writeManifest(operations: { id: string; name: string; type: string; body: string }[]) {
  const path = join(mkdtempSync(join(tmpdir(), 'switchyard-manifest-')), 'manifest.json');
  writeFileSync(
    path,
    JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }),
  );
  return path;
}

describe('trusted documents', () => {
  let gw: TestGateway;
  const trusted = { 'x-api-key': 'k-mobile' };
  const regular = { 'x-api-key': 'k-partner' };
  const post = (headers: Record<string, string>, body: unknown) =>
    fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));
  const byHash = (hash: string, query?: string) => ({
    ...(query ? { query } : {}),
    variables: { id: 'fusebill:12000750' },
    extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
  });

  beforeAll(async () => {
    gw = await startTestGateway({
      CLIENTS_FILE: writeClientsFile([
        {
          id: 'mobile',
          keys: ['k-mobile'],
          scopes: ['customers:read'],
          trustedDocumentsOnly: true,
        },
        { id: 'partner', keys: ['k-partner'], scopes: ['customers:read'] },
      ]),
      PERSISTED_DOCUMENTS_FILE: writeManifest([
        { id: sha256(TRUSTED), name: 'ReadCustomer', type: 'query', body: TRUSTED },
      ]),
    });
  });
  afterAll(() => gw.close());

  it('runs a manifest document named by its hash alone, or sent in full', async () => {
    for (const body of [
      byHash(sha256(TRUSTED)),
      { query: TRUSTED, variables: { id: 'fusebill:12000750' } },
    ]) {
      const res = await post(trusted, body);
      expect(res.status).toBe(200);
      expect(res.body.data.customer).toEqual({ id: 'fusebill:12000750', status: 'ACTIVE' });
    }
  });

  it('refuses any other document for a trusted-documents-only client, running nothing', async () => {
    gw.sandbox('fusebill').reset();
    const res = await post(trusted, { query: OTHER });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_NOT_IN_LIST' }),
      }),
    ]);
    expect(gw.sandbox('fusebill').receivedCount()).toBe(0);
  });

  it('does not let such a client register a document through APQ', async () => {
    const refused = await post(trusted, byHash(sha256(OTHER), OTHER));
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const lookup = await post(regular, byHash(sha256(OTHER)));
    expect(lookup.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('refuses a broken or unknown document before parsing it, saying nothing of the schema', async () => {
    for (const query of ['{ nope', '{ nope }', '{ __schema { types { name } } }']) {
      const res = await post(trusted, { query });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_NOT_IN_LIST' }),
        }),
      ]);
    }
  });

  it('runs a manifest document named by hash in a GET', async () => {
    const params = new URLSearchParams({
      variables: JSON.stringify({ id: 'fusebill:12000750' }),
      extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha256(TRUSTED) } }),
    });
    const res = await fetch(`${gw.url}?${params.toString()}`, {
      headers: { ...trusted, 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).data.customer.status).toBe('ACTIVE');
  });

  it('lets other clients run any document', async () => {
    const res = await post(regular, { query: OTHER });
    expect(res.body.data.customer.status).toBe('ACTIVE');
  });

  it('does not keep an oversized registration, and treats a junk hash as unknown', async () => {
    const padded = `${OTHER} # ${'x'.repeat(70_000)}`;
    const ran = await post(regular, {
      query: padded,
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(padded) } },
    });
    expect(ran.body.data.customer.status).toBe('ACTIVE');
    const later = await post(regular, byHash(sha256(padded)));
    expect(later.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const junk = await post(regular, byHash('z'.repeat(100_000)));
    expect(junk.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('answers a hash that is not the hash of its query as the client’s error, logging none', async () => {
    const res = await post(regular, byHash(sha256('something else'), TRUSTED));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        message: expect.stringContaining('is not the sha256 of the query'),
        extensions: { code: 'BAD_REQUEST' },
      },
    ]);
    expect(gw.logs.filter((l) => l.level === 'error')).toEqual([]);
  });
});

describe('the manifest', () => {
  it('is refused when an id is not the hash of its body, or the format is not Apollo’s', () => {
    expect(() =>
      loadManifest(
        writeManifest([{ id: sha256('x'), name: 'Wrong', type: 'query', body: TRUSTED }]),
      ),
    ).toThrow(/operation "Wrong" has an id that is not the sha256 of its body/);
    const path = join(mkdtempSync(join(tmpdir(), 'switchyard-manifest-')), 'm.json');
    writeFileSync(path, JSON.stringify({ format: 'relay', version: 1, operations: [] }));
    expect(() => loadManifest(path)).toThrow(ManifestError);
  });
});

describe.runIf(redisUp)('automatic persisted queries with @apollo/client, across replicas', () => {
  let replicas: TestGateway[];
  const prefix = `switchyard-test-${randomUUID()}:`;
  beforeAll(async () => {
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix };
    replicas = [await startTestGateway(env), await startTestGateway(env)];
  });
  afterAll(() => Promise.all(replicas.map((gw) => gw.close())));

  /** A real client with the persisted-queries link, counting what it sends. */
  function client(url: string) {
    const sent: { hashOnly: boolean }[] = [];
    const link = ApolloLink.from([
      new PersistedQueryLink({ sha256 }),
      new HttpLink({
        uri: url,
        fetch: async (input, init) => {
          const body = JSON.parse(init?.body as string) as { query?: string };
          sent.push({ hashOnly: body.query === undefined });
          return fetch(input, init);
        },
      }),
    ]);
    return { apollo: new ApolloClient({ link, cache: new InMemoryCache() }), sent };
  }
  const QUERY = gql`
    query ApqRead($id: ID!) {
      customer(id: $id) {
        id
        status
      }
    }
  `;
  const run = (c: ReturnType<typeof client>) =>
    c.apollo.query({
      query: QUERY,
      variables: { id: 'fusebill:12000750' },
      fetchPolicy: 'no-cache',
    });

  it('registers on a miss, then sends the hash alone, and another replica knows it through Redis', async () => {
    const first = client(replicas[0]!.url);
    expect((await run(first)).data).toEqual({
      customer: { __typename: 'Customer', id: 'fusebill:12000750', status: 'ACTIVE' },
    });
    // A miss, then the registration with the full text.
    expect(first.sent).toEqual([{ hashOnly: true }, { hashOnly: false }]);
    await run(first);
    expect(first.sent.at(-1)).toEqual({ hashOnly: true });
    expect(first.sent).toHaveLength(3);

    const second = client(replicas[1]!.url);
    await run(second);
    expect(second.sent).toEqual([{ hashOnly: true }]);

    const redis = createRedis(REDIS_URL, prefix);
    try {
      await ensureConnected(redis);
      const keys = await redis.keys(`${prefix}apq:*`);
      expect(keys).toHaveLength(1);
      expect(await redis.ttl(keys[0]!.slice(prefix.length))).toBeGreaterThan(86_000);
    } finally {
      await closeRedis(redis);
    }
  });
});
