/** CORS: off by default; listed origins may call from a browser, with the gateway's headers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { writeClientsFile } from '../helpers/identity.js';

const APP = 'https://app.example.com';
const preflight = (url: string, origin: string) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, x-api-key, idempotency-key',
    },
  });

describe('CORS with CORS_ORIGINS', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      CORS_ORIGINS: `${APP}, https://admin.example.com`,
      CLIENTS_FILE: writeClientsFile([{ id: 'web', keys: ['k-web'], scopes: ['customers:read'] }]),
    });
  });
  afterAll(() => gw.close());

  it('answers a preflight from a listed origin, before any credential is asked for', async () => {
    const res = await preflight(gw.url, APP);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    const allowed = res.headers.get('access-control-allow-headers') ?? '';
    for (const header of [
      'x-api-key',
      'authorization',
      'x-request-id',
      'idempotency-key',
      'apollo-require-preflight',
    ]) {
      expect(allowed).toContain(header);
    }
  });

  it('gives a listed origin the answer, and exposes the request id', async () => {
    const res = await fetch(gw.url, {
      method: 'POST',
      headers: { origin: APP, 'content-type': 'application/json', 'x-api-key': 'k-web' },
      body: JSON.stringify({ query: '{ providers { provider } }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });

  it('gives no CORS headers to an origin not listed', async () => {
    const res = await preflight(gw.url, 'https://evil.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS by default', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  it('is off: no CORS headers for anyone', async () => {
    const res = await preflight(gw.url, APP);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const post = await fetch(gw.url, {
      method: 'POST',
      headers: { origin: APP, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ providers { provider } }' }),
    });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });
});
