/**
 * Credentials for the benchmark's authenticated gateways: a clients file with one API key, and an
 * identity provider (a JWKS served on loopback by this process) with one signed token.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { hashKey } from '../../src/access/clients.js';

const SCOPES = ['customers:read'];
/** High enough that the limit itself never answers: the benchmark prices the check, not a refusal. */
const RATE_LIMIT = '1000000000';

export interface BenchIdentity {
  apiKeyEnv: Record<string, string>;
  apiKey: string;
  jwtEnv: Record<string, string>;
  token: string;
  close(): void;
}

export async function benchIdentity(): Promise<BenchIdentity> {
  const apiKey = 'sk_bench_key';
  const path = join(mkdtempSync(join(tmpdir(), 'switchyard-bench-')), 'clients.json');
  writeFileSync(
    path,
    JSON.stringify({
      clients: [
        {
          id: 'bench',
          name: 'Benchmark',
          apiKeys: [`sha256:${hashKey(apiKey).toString('hex')}`],
          scopes: SCOPES,
        },
      ],
    }),
  );
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwks = JSON.stringify({
    keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' }],
  });
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const token = await new SignJWT({ client_id: 'bench-web', scope: SCOPES.join(' ') })
    .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
    .setIssuer('https://id.bench.test/')
    .setAudience('switchyard')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(privateKey);
  return {
    apiKey,
    apiKeyEnv: {
      AUTH_DISABLED: 'false',
      CLIENTS_FILE: path,
      CLIENT_RATE_LIMIT_PER_MINUTE: RATE_LIMIT,
    },
    token,
    jwtEnv: {
      AUTH_DISABLED: 'false',
      AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
      AUTH_JWT_ISSUER: 'https://id.bench.test/',
      AUTH_JWT_AUDIENCE: 'switchyard',
      CLIENT_RATE_LIMIT_PER_MINUTE: RATE_LIMIT,
    },
    close: () => server.close(),
  };
}
