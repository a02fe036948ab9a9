/**
 * An identity provider for tests: a JWKS served over HTTP on loopback, keys that can be rotated
 * while it runs, and tokens signed with them. Plus a clients file written to a temporary folder.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { hashKey } from '../../src/access/clients.js';

export const ISSUER = 'https://id.example.test/';
export const AUDIENCE = 'switchyard';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

export interface TestIdentityProvider {
  jwksUrl: string;
  /** How many times the JWKS was fetched. */
  readonly fetches: number;
  /** Adds a key to the published set (rotation); returns its kid. */
  addKey(): Promise<string>;
  /** A key that is not published, for "unknown kid" tokens. */
  unpublishedKey(): Promise<SigningKey>;
  /** Stop answering (503) or answer again. */
  setDown(down: boolean): void;
  sign(claims: Record<string, unknown>, options?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

export interface TokenOptions {
  kid?: string;
  key?: SigningKey;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for a token that has expired; null for none. */
  expiresIn?: number | null;
}

async function newKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { kid, privateKey, jwk };
}

export async function startIdentityProvider(): Promise<TestIdentityProvider> {
  const keys: SigningKey[] = [await newKey('key-1')];
  let fetches = 0;
  let down = false;
  const server: Server = createServer((_req, res) => {
    fetches += 1;
    if (down) {
      res.writeHead(503).end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let serial = 1;
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get fetches() {
      return fetches;
    },
    async addKey() {
      const key = await newKey(`key-${++serial}`);
      keys.push(key);
      return key.kid;
    },
    unpublishedKey: () => newKey('not-published'),
    setDown(value) {
      down = value;
    },
    async sign(claims, options = {}) {
      const key = options.key ?? keys.find((k) => k.kid === (options.kid ?? 'key-1'))!;
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: key.kid })
        .setIssuer(options.issuer ?? ISSUER)
        .setAudience(options.audience ?? AUDIENCE)
        .setIssuedAt(now - 60);
      if (options.expiresIn !== null) jwt.setExpirationTime(now + (options.expiresIn ?? 300));
      return jwt.sign(key.privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface TestClient {
  id: string;
  keys: string[];
  scopes: string[];
  providers?: string[];
  cardPrograms?: string[];
  rateLimitPerMinute?: number;
  trustedDocumentsOnly?: boolean;
}

/** Writes a clients file holding the hashes of each client's keys; returns its path. */
export function writeClientsFile(clients: TestClient[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'switchyard-clients-')), 'clients.json');
  writeFileSync(
    path,
    JSON.stringify({
      clients: clients.map(({ keys, ...client }) => ({
        name: `Test client ${client.id}`,
        ...client,
        apiKeys: keys.map((key) => `sha256:${hashKey(key).toString('hex')}`),
      })),
    }),
  );
  return path;
}
