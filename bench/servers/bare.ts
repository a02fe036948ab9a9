/**
 * The floor of our stack: Apollo Server on the same Express integration, one resolver that makes
 * the same Fusebill call as the gateway and nothing else (no validation, no DataLoader, no logging).
 * Usage: tsx bench/servers/bare.ts <got|undici> <fusebillBaseUrl> <apiKey>
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import got from 'got';
import { Agent, request } from 'undici';

const [transport = 'got', baseUrl = '', apiKey = ''] = process.argv.slice(2);
const headers = { authorization: `Basic ${apiKey}`, accept: 'application/json' };

const viaGot = got.extend({
  prefixUrl: baseUrl,
  headers,
  agent: { http: new http.Agent({ keepAlive: true, maxSockets: 16 }) },
  retry: { limit: 0 },
});
const undiciAgent = new Agent({ connections: 16 });

async function readCustomer(id: string): Promise<{ id: number; status: string }> {
  if (transport === 'undici') {
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
const app = express();
app.use('/graphql', express.json(), expressMiddleware(server));
const httpServer = http.createServer(app);
await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
const { port } = httpServer.address() as AddressInfo;
process.stdout.write(
  JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}/graphql` }) + '\n',
);
process.on('SIGTERM', () => process.exit(0));
