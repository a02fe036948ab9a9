/**
 * The explorer at GET /graphql: the page and every file it loads come from the gateway itself
 * (nothing off-host), its example operations run on the sandboxes, GraphQL GET requests still get
 * GraphQL, and production serves none of it.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { writeClientsFile } from '../helpers/identity.js';

const BROWSER = {
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
};
const require = createRequire(import.meta.url);
const vendorFile = (pkg: string, file: string) =>
  readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), file));

interface ExplorerConfig {
  endpoint: string;
  tabs: { query: string; headers?: Record<string, string> }[];
}

async function page(gw: TestGateway) {
  const response = await fetch(gw.url, { headers: BROWSER });
  const html = await response.text();
  const json = /<script type="application\/json" id="switchyard-explorer">([^<]*)<\/script>/.exec(
    html,
  )?.[1];
  return { response, html, config: JSON.parse(json ?? 'null') as ExplorerConfig };
}

describe('the explorer outside production', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  it('is a Switchyard page whose every URL is on this host', async () => {
    const { response, html } = await page(gw);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toContain('<title>Switchyard explorer</title>');
    // No absolute URL of any kind (no CDN, no font host): everything is a path on this gateway.
    expect(html).not.toMatch(/(https?:)?\/\/[a-z0-9]/i);
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThanOrEqual(5 + 7);
    for (const url of urls) expect(url).toMatch(/^\/explorer\//);
  });

  it('serves every file the page loads, with its type and a long cache life', async () => {
    const { html } = await page(gw);
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    const styles = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.map((s) => s.split('/').at(-1))).toEqual([
      'react.production.min.js',
      'react-dom.production.min.js',
      'graphiql.min.js',
      'switchyard-explorer.js',
    ]);
    expect(styles.map((s) => s.split('/').at(-1))).toEqual(['graphiql.min.css']);
    const expected: Record<string, Buffer> = {
      'react.production.min.js': vendorFile('react', 'umd/react.production.min.js'),
      'react-dom.production.min.js': vendorFile('react-dom', 'umd/react-dom.production.min.js'),
      'graphiql.min.js': vendorFile('graphiql', 'graphiql.min.js'),
      'graphiql.min.css': vendorFile('graphiql', 'graphiql.min.css'),
    };
    for (const path of [...scripts, ...styles]) {
      const response = await fetch(new URL(path, gw.url));
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe(
        path.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
      );
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const body = Buffer.from(await response.arrayBuffer());
      const name = path.split('/').at(-1)!;
      if (expected[name]) expect(body.equals(expected[name])).toBe(true);
      else expect(body.toString()).toContain('GraphiQL.createFetcher');
    }
    // The bundle the page boots from exposes what the boot script calls.
    expect(expected['graphiql.min.js']!.toString()).toMatch(/\.createFetcher=function/);
  });

  it('refuses a file it does not serve, or a stale hash, with the JSON 404', async () => {
    const { html } = await page(gw);
    const graphiql = /src="(\/explorer\/[0-9a-f]+\/graphiql\.min\.js)"/.exec(html)![1]!;
    for (const path of [
      graphiql.replace(/\/[0-9a-f]+\//, '/000000000000/'),
      '/explorer/x/package.json',
      '/explorer/../package.json',
    ]) {
      const response = await fetch(new URL(path, gw.url));
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { errors: unknown[] }).errors).toHaveLength(1);
    }
  });

  it('links to README sections it serves as text', async () => {
    const { html } = await page(gw);
    const links = [...html.matchAll(/href="(\/explorer\/readme[^"]*)"/g)].map((m) => m[1]!);
    expect(links).toContain('/explorer/readme/retrying-safely');
    expect(links).toContain('/explorer/readme/trusted-documents-and-persisted-queries');
    for (const link of links) {
      const response = await fetch(new URL(link, gw.url));
      expect(response.status, link).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await response.text()).toMatch(/^(#{2,3} |# Switchyard)/);
    }
    expect((await fetch(new URL('/explorer/readme/no-such-section', gw.url))).status).toBe(404);
  });

  it('holds an example tab per provider whose every operation runs on the sandboxes', async () => {
    const { config } = await page(gw);
    expect(config.endpoint).toBe('/graphql');
    const text = config.tabs.map((t) => t.query).join('\n');
    for (const id of ['fusebill:', 'netxd:', 'enkash:', '"95000000"']) expect(text).toContain(id);
    let ran = 0;
    for (const tab of config.tabs) {
      const operations = parse(tab.query).definitions.filter(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
      );
      for (const operation of operations) {
        const headers: Record<string, string> = { ...tab.headers };
        if (headers['Idempotency-Key']) headers['Idempotency-Key'] = randomUUID();
        const response = await fetch(gw.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query: tab.query, operationName: operation.name?.value }),
        });
        const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown };
        expect(body.errors, operation.name?.value).toBeUndefined();
        for (const field of Object.values(body.data ?? {})) {
          if (field && 'userErrors' in field) expect(field.userErrors).toEqual([]);
        }
        ran++;
      }
    }
    expect(ran).toBeGreaterThanOrEqual(8);
  });

  it('leaves GraphQL GET requests to GraphQL, even from a browser', async () => {
    const url = `${gw.url}?query=${encodeURIComponent('{ providers { provider } }')}`;
    const response = await fetch(url, {
      headers: { ...BROWSER, 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(
      ((await response.json()) as { data: { providers: unknown[] } }).data.providers,
    ).toHaveLength(4);
  });
});

describe('the explorer behind API keys', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    const file = writeClientsFile([{ id: 'web', keys: ['k'.repeat(40)], scopes: [] }]);
    gw = await startTestGateway({ CLIENTS_FILE: file });
  });
  afterAll(() => gw.close());

  it('serves the page without a key; operations still need one', async () => {
    expect((await page(gw)).response.status).toBe(200);
    const response = await fetch(`${gw.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { ...BROWSER, 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(401);
  });
});

describe('in production', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      NODE_ENV: 'production',
      ALLOW_SANDBOXES: 'true',
      AUTH_DISABLED: 'true',
    });
  });
  afterAll(() => gw.close());

  it('serves neither the explorer nor Apollo’s landing page, nor any explorer file', async () => {
    const response = await fetch(gw.url, { headers: BROWSER });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await response.text();
    expect(text).not.toContain('<html');
    expect(text).not.toMatch(/apollographql|landing/i);
    expect((await fetch(new URL('/explorer/readme', gw.url))).status).toBe(404);
  });
});
