/**
 * The floor of our stack: Apollo Server with one resolver that makes the same Fusebill call as the
 * gateway and nothing else (no validation, no DataLoader, no logging, no limits).
 * - `http-got` (b): Apollo's executeHTTPGraphQLRequest straight on Node's http server, the fastest
 *   server Apollo Server allows, with one got call.
 * - `http-undici` (c): the same with undici instead of got.
 * - `express-got` (d): the old floor, Apollo's Express 5 integration with one got call, to keep the
 *   HTTP layer's share visible.
 * Usage: tsx bench/servers/bare.ts <http-got|http-undici|express-got> <fusebillBaseUrl> <apiKey>
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import got from 'got';
import { Agent, request } from 'undici';

const [mode = 'http-got', baseUrl = '', apiKey = ''] = process.argv.slice(2);
const headers = { authorization: `Basic ${apiKey}`, accept: 'application/json' };

const viaGot = got.extend({
  prefixUrl: baseUrl,
  headers,
  agent: { http: new http.Agent({ keepAlive: true, maxSockets: 16 }) },
  retry: { limit: 0 },
});
const undiciAgent = new Agent({ connections: 16 });

async function readCustomer(id: string): Promise<{ id: number; status: string }> {
  if (mode === 'http-undici') {
    const res = await request(`${baseUrl}/v1/customers/${id}`, {
      headers,
      dispatcher: undiciAgent,
    });
    return (await res.body.json()) as { id: number; status: string };
  }
  return viaGot(`v1/customers/${id}`).json();
}

const server = new ApolloServer({
  typeDefs: 'type Query { customer(id: ID!): Customer } type Customer { id: ID! status: String }',
  resolvers: {
    Query: {
      customer: async (_: unknown, { id }: { id: string }) => {
        const raw = await readCustomer(id.replace(/^fusebill:/, ''));
        return { id: `fusebill:${raw.id}`, status: raw.status.toUpperCase() };
      },
    },
  },
  stopOnTerminationSignals: false,
});
await server.start();

/** Apollo Server on Node's http: read the body, parse it, hand it over, write the answer. */
function nodeHttpHandler(req: http.IncomingMessage, res: http.ServerResponse) {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const headerMap = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headerMap.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const text = Buffer.concat(chunks).toString('utf8');
    server
      .executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: req.method ?? 'GET',
          headers: headerMap,
          search: query < 0 ? '' : url.slice(query),
          body: text ? (JSON.parse(text) as unknown) : undefined,
        },
        context: () => Promise.resolve({}),
      })
      .then((answer) => {
        for (const [key, value] of answer.headers) res.setHeader(key, value);
        res.statusCode = answer.status ?? 200;
        res.end(answer.body.kind === 'complete' ? answer.body.string : '');
      })
      .catch(() => {
        res.statusCode = 500;
        res.end();
      });
  });
}

let httpServer: http.Server;
if (mode === 'express-got') {
  const app = express();
  app.use('/graphql', express.json(), expressMiddleware(server));
  httpServer = http.createServer(app);
} else {
  httpServer = http.createServer(nodeHttpHandler);
}
await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
const { port } = httpServer.address() as AddressInfo;
process.stdout.write(
  JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}/graphql` }) + '\n',
);
process.on('SIGTERM', () => process.exit(0));
