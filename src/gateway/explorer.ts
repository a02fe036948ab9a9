/**
 * The explorer a browser gets at GET /graphql outside production: GraphiQL, React and ReactDOM
 * served from node_modules (their UMD builds; no CDN, no build step), titled Switchyard, with an
 * example tab per provider on the sandbox demo ids and links to the README's sections, which it
 * serves as plain text. Loaded from disk on the first visit and kept for the life of the process.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
const README = new URL('../../README.md', import.meta.url);

/** The files the page loads, from the packages that ship them. */
const VENDOR_ASSETS: { name: string; pkg: string; file: string }[] = [
  { name: 'react.production.min.js', pkg: 'react', file: 'umd/react.production.min.js' },
  {
    name: 'react-dom.production.min.js',
    pkg: 'react-dom',
    file: 'umd/react-dom.production.min.js',
  },
  { name: 'graphiql.min.js', pkg: 'graphiql', file: 'graphiql.min.js' },
  { name: 'graphiql.min.css', pkg: 'graphiql', file: 'graphiql.min.css' },
];

/** README sections the page links to (their headings, as written). */
export const EXPLORER_README_SECTIONS = [
  'A first query',
  'What each operation does per provider',
  'Uploads (`bulkUpdateCustomers`)',
  'Access',
  'Trusted documents and persisted queries',
  'Errors',
  'Retrying safely',
];

/** One example tab per provider, on the sandbox demo data (docs/sandboxes.md). */
const TABS: { query: string; headers?: Record<string, string> }[] = [
  {
    query: `# Switchyard: one GraphQL endpoint over EnKash, NetXD, Fusebill and Blackhawk.
# Each tab holds examples on a provider's sandbox demo data; ▶ asks which operation to run.
# Behind an API key? Add {"x-api-key": "…"} under Headers below.
query Providers {
  providers {
    provider
    mode
    operations
    settableStatuses
  }
}
`,
  },
  {
    query: `# Fusebill sandbox: 12000750 is Active, 8708457 is a Draft with two charges.
query FusebillCustomer {
  customer(id: "fusebill:12000750") {
    id
    status
    providerStatus
  }
}

query FusebillActivationPreview {
  customerActivationPreview(input: { customerId: "fusebill:8708457" }) {
    preview {
      resultingStatus
      native
      invoices {
        total
        charges {
          name
          amount
        }
      }
    }
    userErrors {
      code
      message
    }
  }
}

# The Idempotency-Key header (below) makes a retry safe: run it twice, the second answer is the
# first one again (README "Retrying safely"). Reload the page for a new key.
mutation FusebillActivate {
  activateCustomer(input: { customerId: "fusebill:8708457" }) {
    customer {
      id
      status
      providerStatus
    }
    invoices {
      total
    }
    userErrors {
      code
      message
    }
  }
}
`,
    headers: { 'Idempotency-Key': '$KEY' },
  },
  {
    query: `# NetXD sandbox: 100000000005001 is ACTIVE, 100000000005002 IN_ACTIVE,
# 100000000025001–100000000026000 IN_ACTIVE.
query NetxdCustomer {
  customer(id: "netxd:100000000005001") {
    id
    status
    providerStatus
  }
}

mutation NetxdMakeDormant {
  updateCustomerStatus(input: { customerId: "netxd:100000000005002", status: DORMANT }) {
    customer {
      id
      status
      providerStatus
    }
    userErrors {
      code
      message
    }
  }
}

mutation NetxdActivate {
  activateCustomer(input: { customerId: "netxd:100000000025001" }) {
    customer {
      id
      status
    }
    userErrors {
      code
      message
    }
  }
}
`,
    headers: { 'Idempotency-Key': '$KEY' },
  },
  {
    query: `# EnKash sandbox: KC00000000000001–KC00000000000010 are inactive. EnKash has no read by id.
# Bulk updates upload a CSV: see README "Uploads" and examples/customers.csv.
mutation EnkashActivate {
  activateCustomer(input: { customerId: "enkash:KC00000000000001" }) {
    customer {
      id
      status
    }
    userErrors {
      code
      message
    }
  }
}
`,
    headers: { 'Idempotency-Key': '$KEY' },
  },
  {
    query: `# Blackhawk sandbox: programs 95000000 and 95000001, any proxy number in them.
mutation BlackhawkSetCodes {
  setCardActivationCodes(
    input: {
      codes: [
        { programNumber: "95000000", proxyNumber: "6039530407033839166", activationCode: "Ab12Cd" }
      ]
    }
  ) {
    acceptedCount
    cards {
      id
      activationCodeSet
    }
    failures {
      code
      cards {
        id
      }
    }
    userErrors {
      code
      field
      message
    }
  }
}
`,
    headers: { 'Idempotency-Key': '$KEY' },
  },
];

/** Boots GraphiQL from the page's JSON config; plain browser JavaScript, served as a file. */
const BOOT = `'use strict';
(function () {
  var config = JSON.parse(document.getElementById('switchyard-explorer').textContent);
  var key = function () {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    return 'key-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
  };
  var tabs = config.tabs.map(function (tab) {
    var headers = tab.headers && JSON.stringify(tab.headers, null, 2).replace('$KEY', key());
    return headers ? { query: tab.query, headers: headers } : { query: tab.query };
  });
  var fetcher = GraphiQL.createFetcher({ url: config.endpoint });
  var logo = React.createElement(GraphiQL.Logo, null, 'Switchyard');
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(
      GraphiQL,
      {
        fetcher: fetcher,
        defaultTabs: tabs,
        defaultEditorToolsVisibility: 'headers',
        storage: window.sessionStorage,
      },
      logo,
    ),
  );
})();
`;

const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .trim()
    .replace(/ +/g, '-');

/** The README split at its `##` and `###` headings: slug → that section's text. */
export function readmeSections(readme: string): Map<string, string> {
  const sections = new Map<string, string>();
  const parts = readme.split(/^(?=#{2,3} )/m);
  for (const part of parts) {
    const heading = /^#{2,3} (.+)$/m.exec(part)?.[1];
    if (heading) sections.set(slug(heading), part.trimEnd() + '\n');
  }
  return sections;
}

interface Asset {
  body: Buffer;
  type: string;
}

interface Loaded {
  html: string;
  /** By path under /explorer/ (content-hashed, so cached for good). */
  assets: Map<string, Asset>;
  readme: { whole: string; sections: Map<string, string> } | undefined;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function load(): Promise<Loaded> {
  const files = await Promise.all(
    VENDOR_ASSETS.map(async ({ name, pkg, file }) => ({
      name,
      body: await readFile(join(packageDir(pkg), file)),
    })),
  );
  files.push({ name: 'switchyard-explorer.js', body: Buffer.from(BOOT) });
  const assets = new Map<string, Asset>();
  const url: Record<string, string> = {};
  for (const { name, body } of files) {
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    const path = `${hash}/${name}`;
    const type = name.endsWith('.css') ? 'text/css' : 'text/javascript';
    assets.set(path, { body, type: `${type}; charset=utf-8` });
    url[name] = `/explorer/${path}`;
  }
  let readme: Loaded['readme'];
  try {
    const whole = await readFile(README, 'utf8');
    readme = { whole, sections: readmeSections(whole) };
  } catch {
    readme = undefined; // installed without its README: the links are left out
  }
  const links = readme
    ? EXPLORER_README_SECTIONS.filter((h) => readme.sections.has(slug(h)))
        .map(
          (h) =>
            `<a href="/explorer/readme/${slug(h)}" target="_blank">${escapeHtml(h.replace(/`/g, ''))}</a>`,
        )
        .join(' · ')
    : '';
  // The config is data, not script: `<` is escaped so no string in it can close the element.
  const config = JSON.stringify({ endpoint: '/graphql', tabs: TABS }).replace(/</g, '\\u003c');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchyard explorer</title>
<link rel="stylesheet" href="${url['graphiql.min.css']}">
<style>
  html, body { height: 100%; margin: 0; font-family: system-ui, sans-serif; }
  body { display: flex; flex-direction: column; }
  header { padding: 6px 12px; font-size: 13px; border-bottom: 1px solid #ddd; }
  header a { color: inherit; }
  #graphiql { flex: 1; min-height: 0; }
</style>
</head>
<body>
<header><strong>Switchyard</strong> explorer, outside production only.${
    links ? ` README: ${links} · <a href="/explorer/readme" target="_blank">all</a>` : ''
  }</header>
<div id="graphiql">Loading the explorer…</div>
<script type="application/json" id="switchyard-explorer">${config}</script>
<script src="${url['react.production.min.js']}"></script>
<script src="${url['react-dom.production.min.js']}"></script>
<script src="${url['graphiql.min.js']}"></script>
<script src="${url['switchyard-explorer.js']}"></script>
</body>
</html>
`;
  return { html, assets, readme };
}

let loading: Promise<Loaded> | undefined;
const loaded = () => (loading ??= load());

/**
 * A browser's visit to GET /graphql: it asks for HTML and sends no operation. GraphQL GET
 * requests (with `query` or a persisted-query hash) are never taken for one.
 */
export function isExplorerVisit(request: FastifyRequest): boolean {
  if (request.method !== 'GET' || !request.headers.accept?.includes('text/html')) return false;
  const query = request.query as Record<string, unknown> | undefined;
  return query?.query === undefined && query?.extensions === undefined;
}

/** Sends the explorer page. */
export async function sendExplorer(reply: FastifyReply): Promise<FastifyReply> {
  const { html } = await loaded();
  return reply
    .code(200)
    .header('cache-control', 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .type('text/html; charset=utf-8')
    .send(html);
}

/** The page's files under /explorer/, and the README's sections as plain text. */
export function registerExplorerAssets(
  app: FastifyInstance,
  notFound: (reply: FastifyReply) => FastifyReply,
): void {
  app.get<{ Params: { hash: string; name: string } }>(
    '/explorer/:hash/:name',
    async (request, reply) => {
      const asset = (await loaded()).assets.get(`${request.params.hash}/${request.params.name}`);
      if (!asset) return notFound(reply);
      return reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .type(asset.type)
        .send(asset.body);
    },
  );
  const text = (reply: FastifyReply, body: string) =>
    reply
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .type('text/plain; charset=utf-8')
      .send(body);
  app.get('/explorer/readme', async (_request, reply) => {
    const { readme } = await loaded();
    return readme ? text(reply, readme.whole) : notFound(reply);
  });
  app.get<{ Params: { section: string } }>('/explorer/readme/:section', async (request, reply) => {
    const section = (await loaded()).readme?.sections.get(request.params.section);
    return section === undefined ? notFound(reply) : text(reply, section);
  });
}
