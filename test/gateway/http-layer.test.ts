/**
 * The HTTP layer under Apollo Server (Fastify): bodies and their limits, uploads, timeouts and
 * unknown paths, probed as a hostile or broken client would, over real sockets.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nestsDeeperThan } from '../../src/gateway/body.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { rawHttp } from '../helpers/raw-http.js';

const PROVIDERS = JSON.stringify({ query: '{ providers { provider } }' });
const BULK =
  'mutation ($f: Upload!) { bulkUpdateCustomers(input: {provider: ENKASH, file: $f}) { result { totalCount } userErrors { code } } }';
const CSV = 'customerId\nKC00000000000001\n';

function multipart(
  map: Record<string, string[]>,
  files: Record<string, string>,
  variables: Record<string, null> = { f: null },
) {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: BULK, variables }));
  form.append('map', JSON.stringify(map));
  for (const [name, content] of Object.entries(files)) {
    form.append(name, new Blob([content], { type: 'text/csv' }), `${name}.csv`);
  }
  return form;
}

async function post(gw: TestGateway, init: RequestInit) {
  const res = await fetch(gw.url, { method: 'POST', ...init });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as any };
}

const firstError = (body: any) => body.errors?.[0] as { message: string; extensions: any };

describe('HTTP layer', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      BODY_LIMIT_BYTES: '100000',
      UPLOAD_MAX_FILE_BYTES: '5000',
      HTTP_HEADERS_TIMEOUT_MS: '500',
      HTTP_REQUEST_TIMEOUT_MS: '4000',
    });
  });
  afterAll(() => gw.close());

  describe('unknown paths', () => {
    it.each([
      ['GET', '/'],
      ['GET', '/nope'],
      ['POST', '/healthz'],
      ['GET', '//graphql'],
    ])('%s %s answers a small JSON 404', async (method, path) => {
      const res = await fetch(new URL(gw.url).origin + path, { method });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await res.json()) as any;
      expect(firstError(body).extensions).toEqual({ code: 'NOT_FOUND' });
    });

    it('still serves /graphql/ and /GRAPHQL, as before', async () => {
      for (const path of ['/graphql/', '/GRAPHQL']) {
        const res = await fetch(new URL(path, gw.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: PROVIDERS,
        });
        expect(res.status).toBe(200);
      }
    });
  });

  describe('JSON bodies', () => {
    it('answers a Content-Length over the limit with 413 at once, without reading the body', async () => {
      const answer = await rawHttp(gw.url, [
        'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          'Content-Length: 999999999\r\n\r\n{"query":',
      ]);
      expect(answer.status).toBe(413);
      expect(answer.closed).toBe(true);
      expect(answer.closedAfterMs).toBeLessThan(2_000);
      expect(answer.headers.connection).toBe('close');
      expect(JSON.parse(answer.body)).toEqual({
        errors: [
          {
            message: 'Request body is larger than the limit of 100000 bytes (BODY_LIMIT_BYTES)',
            extensions: { code: 'PAYLOAD_TOO_LARGE' },
          },
        ],
      });
    });

    it('answers a chunked body that grows over the limit with 413', async () => {
      const chunk = 'x'.repeat(60_000);
      const answer = await rawHttp(gw.url, [
        'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
        `${chunk.length.toString(16)}\r\n${chunk}\r\n`,
        `${chunk.length.toString(16)}\r\n${chunk}\r\n`,
      ]);
      expect(answer.status).toBe(413);
      expect(answer.closed).toBe(true);
    });

    it('accepts gzip, deflate and br bodies, and limits what they inflate to', async () => {
      for (const [encoding, body] of [
        ['gzip', gzipSync(PROVIDERS)],
        ['deflate', deflateSync(PROVIDERS)],
        ['br', brotliCompressSync(PROVIDERS)],
      ] as const) {
        const ok = await post(gw, {
          headers: { 'content-type': 'application/json', 'content-encoding': encoding },
          body,
        });
        expect(ok.status).toBe(200);
        expect(ok.json().data.providers).toHaveLength(4);
      }

      const bomb = await post(gw, {
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(Buffer.alloc(5_000_000, 32)),
      });
      expect(bomb.status).toBe(413);
      expect(firstError(bomb.json()).extensions.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it.each([
      ['an unknown content encoding', { 'content-encoding': 'zstd' }, PROVIDERS, 415],
      ['gzip that is not gzip', { 'content-encoding': 'gzip' }, PROVIDERS, 400],
      [
        'a charset other than UTF-8',
        { 'content-type': 'application/json; charset=latin1' },
        PROVIDERS,
        415,
      ],
      ['JSON that is not an object or array', {}, 'null', 400],
      ['malformed JSON', {}, '{"query": ', 400],
    ])('refuses %s with a JSON error', async (_name, headers, body, status) => {
      const res = await post(gw, {
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      expect(res.status).toBe(status);
      expect(firstError(res.json()).extensions).toEqual({ code: 'BAD_REQUEST' });
      expect(res.headers.get('x-request-id')).toBeTruthy();
      expect(res.text).not.toContain('query');
    });

    it('refuses a large body nested deeper than 64 levels before parsing it', async () => {
      const started = performance.now();
      const res = await post(gw, {
        headers: { 'content-type': 'application/json' },
        body: '['.repeat(45_000) + ']'.repeat(45_000),
      });
      expect(res.status).toBe(400);
      expect(firstError(res.json())).toEqual({
        message: 'Request body nests arrays or objects deeper than 64 levels',
        extensions: { code: 'BAD_REQUEST' },
      });
      expect(performance.now() - started).toBeLessThan(1_000);
    });

    it('keeps the connection open after a body it read to the end but could not parse', async () => {
      const answer = await rawHttp(
        gw.url,
        [
          'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\nnope',
        ],
        300,
      );
      expect(answer.status).toBe(400);
      expect(answer.closed).toBe(false);
    });
  });

  describe('multipart uploads', () => {
    it('answers a map that names a missing file with 400 BAD_REQUEST, logging no error', async () => {
      gw.sandbox('enkash').reset();
      const res = await post(gw, {
        headers: { 'apollo-require-preflight': 'true' },
        body: multipart({ 0: ['variables.f'] }, {}),
      });
      expect(res.status).toBe(400);
      expect(firstError(res.json())).toEqual({
        message:
          'The multipart map names a file that is not in the request (GraphQL multipart request spec)',
        extensions: { code: 'BAD_REQUEST' },
      });
      expect(gw.sandbox('enkash').receivedCount()).toBe(0);
      expect(gw.logs.filter((l) => l.level === 'error')).toEqual([]);
    });

    it('says that only one file is allowed when two are sent', async () => {
      const res = await post(gw, {
        headers: { 'apollo-require-preflight': 'true' },
        body: multipart(
          { 0: ['variables.f'], 1: ['variables.g'] },
          { 0: CSV, 1: CSV },
          { f: null, g: null },
        ),
      });
      expect(res.status).toBe(400);
      expect(firstError(res.json())).toEqual({
        message: 'An operation may upload at most 1 file; this request carries more',
        extensions: { code: 'BAD_REQUEST' },
      });
    });

    it('refuses an upload without the CSRF preflight header before parsing it', async () => {
      gw.sandbox('enkash').reset();
      const res = await post(gw, { body: multipart({ 0: ['variables.f'] }, { 0: CSV }) });
      expect(res.status).toBe(400);
      expect(firstError(res.json()).message).toContain('Cross-Site Request Forgery');
      expect(gw.sandbox('enkash').receivedCount()).toBe(0);
    });

    it.each([
      [
        'garbage',
        'multipart/form-data; boundary=xyz',
        'garbage',
        'Malformed multipart request body',
      ],
      ['no boundary', 'multipart/form-data', 'garbage', 'Multipart request has no boundary'],
      [
        'operations that are not JSON',
        'multipart/form-data; boundary=xyz',
        '--xyz\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{nope\r\n--xyz--\r\n',
        'Invalid JSON in the ‘operations’ multipart field',
      ],
    ])('answers a multipart body of %s with 400', async (_name, contentType, body, message) => {
      const res = await post(gw, {
        headers: { 'content-type': contentType, 'apollo-require-preflight': 'true' },
        body,
      });
      expect(res.status).toBe(400);
      expect(firstError(res.json()).message).toContain(message);
      expect(firstError(res.json()).extensions).toEqual({ code: 'BAD_REQUEST' });
    });

    it('cuts what graphql-upload quotes of a malformed map', async () => {
      const path = 'query.' + 'x'.repeat(50_000);
      const form = new FormData();
      form.append('operations', JSON.stringify({ query: BULK, variables: { f: null } }));
      form.append('map', JSON.stringify({ 0: [path, path] }));
      const res = await post(gw, { headers: { 'apollo-require-preflight': 'true' }, body: form });
      expect(res.status).toBe(400);
      expect(firstError(res.json()).message).toMatch(
        /^Invalid object path for the ‘map’ multipart field/,
      );
      expect(firstError(res.json()).message.length).toBeLessThanOrEqual(201);
    });

    it('answers an upload whose Content-Length is over the limit with 413 at once', async () => {
      const answer = await rawHttp(gw.url, [
        'POST /graphql HTTP/1.1\r\nHost: x\r\nApollo-Require-Preflight: true\r\n' +
          'Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 50000000\r\n\r\n--xyz\r\n',
      ]);
      expect(answer.status).toBe(413);
      expect(answer.closed).toBe(true);
      expect(answer.closedAfterMs).toBeLessThan(2_000);
      expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('still takes one file under the limit', async () => {
      const res = await post(gw, {
        headers: { 'apollo-require-preflight': 'true' },
        body: multipart({ 0: ['variables.f'] }, { 0: CSV }),
      });
      expect(res.status).toBe(200);
      expect(res.json().data.bulkUpdateCustomers).toEqual({
        result: { totalCount: 1 },
        userErrors: [],
      });
    });
  });

  describe('timeouts and broken requests', () => {
    it('drops a client that never finishes its headers (HTTP_HEADERS_TIMEOUT_MS), long before the request timeout', async () => {
      const answer = await rawHttp(gw.url, ['POST /graphql HTTP/1.1\r\nHost: x\r\n'], 6_000);
      expect(answer.closed).toBe(true);
      // 500 ms of header timeout, checked every second: closed in about 1.5 s, not the 4 s of
      // HTTP_REQUEST_TIMEOUT_MS.
      expect(answer.closedAfterMs).toBeLessThan(3_000);
      expect(answer.status).toBe(408);
      expect(JSON.parse(answer.body)).toEqual({
        errors: [
          {
            message: expect.stringContaining('not received in time'),
            extensions: { code: 'REQUEST_TIMEOUT' },
          },
        ],
      });
    });

    it('answers a malformed request in the same JSON error shape and closes', async () => {
      const answer = await rawHttp(gw.url, ['GARBAGE\r\n\r\n'], 2_000);
      expect(answer.status).toBe(400);
      expect(answer.closed).toBe(true);
      expect(JSON.parse(answer.body)).toEqual({
        errors: [{ message: 'Malformed HTTP request', extensions: { code: 'BAD_REQUEST' } }],
      });
    });

    it('answers a Content-Length over the limit at once whatever the content type', async () => {
      const answer = await rawHttp(gw.url, [
        'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 999999999\r\n\r\nx',
      ]);
      expect(answer.status).toBe(413);
      expect(answer.closed).toBe(true);
      expect(answer.closedAfterMs).toBeLessThan(2_000);
    });
  });
});

describe('request timeout', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      HTTP_HEADERS_TIMEOUT_MS: '500',
      HTTP_REQUEST_TIMEOUT_MS: '1000',
    });
  });
  afterAll(() => gw.close());

  it('answers 408 to a client that never finishes its body (HTTP_REQUEST_TIMEOUT_MS)', async () => {
    const answer = await rawHttp(
      gw.url,
      [
        'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query"',
      ],
      5_000,
    );
    expect(answer.status).toBe(408);
    expect(answer.closed).toBe(true);
    expect(answer.closedAfterMs).toBeLessThan(3_500);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('REQUEST_TIMEOUT');
  });
});

describe('nestsDeeperThan', () => {
  it.each([
    ['[[[]]]', 3, false],
    ['[[[[]]]]', 3, true],
    ['{"a":{"b":{"c":1}}}', 3, false],
    ['{"a":{"b":{"c":{}}}}', 3, true],
    ['["[[[[[[", "\\"[[[[["]', 1, false],
    ['[[],[],[],[]]', 2, false],
  ])('%s nests deeper than %i: %s', (json, limit, deeper) => {
    expect(nestsDeeperThan(Buffer.from(json), limit)).toBe(deeper);
  });
});
