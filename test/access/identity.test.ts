/** Who may call: API keys, JWTs against a JWKS on loopback, and what a refusal looks like. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  AUDIENCE,
  ISSUER,
  startIdentityProvider,
  writeClientsFile,
  type TestIdentityProvider,
} from '../helpers/identity.js';
import { rawHttp } from '../helpers/raw-http.js';

const READ = '{ customer(id: "fusebill:12000750") { id status } }';
const ALL_SCOPES = [
  'customers:read',
  'customers:activate',
  'customers:status',
  'customers:bulk',
  'cards:write',
];
const KEY = 'sk_test_acme_current';
const OLD_KEY = 'sk_test_acme_previous';

let idp: TestIdentityProvider;
let gw: TestGateway;

beforeAll(async () => {
  idp = await startIdentityProvider();
  gw = await startTestGateway({
    CLIENTS_FILE: writeClientsFile([{ id: 'acme', keys: [KEY, OLD_KEY], scopes: ALL_SCOPES }]),
    AUTH_JWKS_URL: idp.jwksUrl,
    AUTH_JWT_ISSUER: ISSUER,
    AUTH_JWT_AUDIENCE: AUDIENCE,
    AUTH_JWKS_COOLDOWN_MS: '200',
  });
});

const pastCooldown = () => new Promise((resolve) => setTimeout(resolve, 250));
afterAll(async () => {
  await gw.close();
  await idp.close();
});

const fusebillCalls = () => gw.sandbox('fusebill').receivedCount();

async function expectRefused(
  headers: Record<string, string>,
  message: RegExp,
  status = 401,
  code = 'UNAUTHENTICATED',
) {
  const before = fusebillCalls();
  const res = await gw.graphql(READ, undefined, headers);
  expect(res.status).toBe(status);
  expect(res.body).toEqual({
    errors: [{ message: expect.stringMatching(message), extensions: { code } }],
  });
  expect(res.headers.get('x-request-id')).toBeTruthy();
  if (status === 401) {
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="switchyard", ApiKey realm="switchyard", header="x-api-key"',
    );
  }
  expect(fusebillCalls()).toBe(before);
  return res;
}

describe('API keys', () => {
  it('refuses a request with no credentials, saying they are missing', async () => {
    await expectRefused({}, /^Authentication required/);
  });

  it('refuses a wrong key, saying only that the credentials are invalid', async () => {
    await expectRefused({ 'x-api-key': 'sk_test_wrong' }, /^The credentials are invalid$/);
    await expectRefused({ 'x-api-key': '' }, /^The credentials are invalid$/);
  });

  it('accepts every key of a client (rotation) and logs its id on the operation line', async () => {
    for (const key of [KEY, OLD_KEY]) {
      const res = await gw.graphql(READ, undefined, {
        'x-api-key': key,
        'x-request-id': `rot-${key.length}-${key.at(-1)}`,
      });
      expect(res.status).toBe(200);
      expect(res.body.data.customer).toEqual({ id: 'fusebill:12000750', status: 'ACTIVE' });
    }
    const line = gw.logs.find(
      (l) => l.msg === 'graphql operation' && l.requestId === `rot-${KEY.length}-${KEY.at(-1)}`,
    );
    expect(line).toMatchObject({ clientId: 'acme' });
    expect(gw.logText()).not.toContain(KEY);
    expect(gw.logText()).not.toContain(OLD_KEY);
  });

  it('refuses a request carrying both a key and a token', async () => {
    const token = await idp.sign({ client_id: 'web', scope: 'customers:read' });
    await expectRefused({ 'x-api-key': KEY, authorization: `Bearer ${token}` }, /invalid/);
  });

  it('refuses before reading a body, and closes the connection', async () => {
    const answer = await rawHttp(gw.url, [
      'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{"query":',
    ]);
    expect(answer.status).toBe(401);
    expect(answer.headers.connection).toBe('close');
    expect(answer.closed).toBe(true);
    expect(answer.closedAfterMs).toBeLessThan(2_000);
  });
});

describe('JWT bearer tokens', () => {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('accepts a valid token; the client id is client_id, else azp, else sub', async () => {
    for (const [claims, id] of [
      [{ client_id: 'web-app', azp: 'x', sub: 'y', scope: 'customers:read' }, 'web-app'],
      [{ azp: 'mobile-app', sub: 'y', scp: ['customers:read'] }, 'mobile-app'],
      [{ sub: 'service-7', scope: 'cards:write customers:read' }, 'service-7'],
    ] as const) {
      const requestId = `jwt-${id}`;
      const res = await gw.graphql(READ, undefined, {
        ...bearer(await idp.sign(claims)),
        'x-request-id': requestId,
      });
      expect(res.status).toBe(200);
      expect(res.body.data.customer.status).toBe('ACTIVE');
      expect(
        gw.logs.find((l) => l.requestId === requestId && l.msg === 'graphql operation'),
      ).toMatchObject({
        clientId: id,
      });
    }
  });

  it.each([
    ['an expired token', { expiresIn: -120 }],
    ['the wrong audience', { audience: 'someone-else' }],
    ['the wrong issuer', { issuer: 'https://evil.example/' }],
  ])('refuses %s as invalid', async (_name, options) => {
    const token = await idp.sign({ client_id: 'web', scope: 'customers:read' }, options);
    await expectRefused(bearer(token), /^The credentials are invalid$/);
  });

  it('refuses a token signed with a key the JWKS does not hold, after looking the set up again', async () => {
    await pastCooldown();
    const fetchesBefore = idp.fetches;
    const token = await idp.sign({ client_id: 'web' }, { key: await idp.unpublishedKey() });
    await expectRefused(bearer(token), /^The credentials are invalid$/);
    expect(idp.fetches).toBeGreaterThan(fetchesBefore);
  });

  it('refuses a token without any client id, an HMAC token, and a malformed one', async () => {
    await expectRefused(bearer(await idp.sign({ scope: 'customers:read' })), /invalid/);
    const hmac =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjbGllbnRfaWQiOiJ3ZWIiLCJzY29wZSI6ImN1c3RvbWVyczpyZWFkIn0.c2lnbmF0dXJl';
    await expectRefused(bearer(hmac), /invalid/);
    await expectRefused(bearer('not.a.token'), /invalid/);
    await expectRefused({ authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' }, /invalid/);
  });

  it('refuses a token without an expiry', async () => {
    const token = await idp.sign(
      { client_id: 'web', scope: 'customers:read' },
      { expiresIn: null },
    );
    await expectRefused(bearer(token), /^The credentials are invalid$/);
  });

  it('takes the scheme in any case, and refuses two Authorization headers', async () => {
    const token = await idp.sign({ client_id: 'web', scope: 'customers:read' });
    expect((await gw.graphql(READ, undefined, { authorization: `bearer ${token}` })).status).toBe(
      200,
    );
    const answer = await rawHttp(gw.url, [
      `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${token}\r\n` +
        `Authorization: Bearer other\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    ]);
    expect(answer.status).toBe(401);
  });

  it('accepts a token signed with a key added to the JWKS after start-up (rotation)', async () => {
    await pastCooldown();
    const kid = await idp.addKey();
    const token = await idp.sign({ client_id: 'web', scope: 'customers:read' }, { kid });
    const res = await gw.graphql(READ, undefined, bearer(token));
    expect(res.status).toBe(200);
  });
});

describe('an identity provider that cannot be reached', () => {
  it('answers 503 for tokens it cannot check, and logs it once; API keys still work', async () => {
    const other = await startIdentityProvider();
    const gateway = await startTestGateway({
      CLIENTS_FILE: writeClientsFile([{ id: 'acme', keys: [KEY], scopes: ALL_SCOPES }]),
      AUTH_JWKS_URL: other.jwksUrl,
      AUTH_JWT_ISSUER: ISSUER,
      AUTH_JWT_AUDIENCE: AUDIENCE,
    });
    try {
      other.setDown(true);
      const token = await other.sign({ client_id: 'web', scope: 'customers:read' });
      for (let i = 0; i < 2; i++) {
        const res = await gateway.graphql(READ, undefined, { authorization: `Bearer ${token}` });
        expect(res.status).toBe(503);
        expect(res.body.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
      }
      expect(
        gateway.logs.filter((l) => String(l.msg).startsWith('the JWKS could not be fetched')),
      ).toHaveLength(1);
      expect((await gateway.graphql(READ, undefined, { 'x-api-key': KEY })).status).toBe(200);
    } finally {
      await gateway.close();
      await other.close();
    }
  });
});
