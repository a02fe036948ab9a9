/**
 * Partners and their API keys, declared in the JSON file named by CLIENTS_FILE. Only hashes of keys
 * are stored (`sha256:<hex>`); a presented key is hashed and compared with every stored hash in
 * constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PROVIDER_IDS, fromGraphqlProvider, type GraphqlProvider } from '../providers/ids.js';
import { SCOPES, type Client } from './model.js';

const GRAPHQL_PROVIDERS = PROVIDER_IDS.map((id) => id.toUpperCase()) as [
  GraphqlProvider,
  ...GraphqlProvider[],
];

const clientEntry = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"'),
  name: z.string().trim().min(1).max(200),
  apiKeys: z
    .array(
      z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" and 64 lowercase hex digits'),
    )
    .min(1, 'must hold at least one key hash'),
  scopes: z.array(z.enum(SCOPES)),
  providers: z.array(z.enum(GRAPHQL_PROVIDERS)).optional(),
  cardPrograms: z.array(z.string().regex(/^\d{1,19}$/, 'must be digit strings')).optional(),
  rateLimitPerMinute: z.number().int().positive().optional(),
  trustedDocumentsOnly: z.boolean().default(false),
});

const clientsFile = z.strictObject({ clients: z.array(clientEntry) });

export class ClientsFileError extends Error {
  override readonly name = 'ClientsFileError';
}

/** A client declared in the file, with the hashes of its keys. */
export interface KeyedClient {
  client: Client;
  hashes: Buffer[];
}

/**
 * Reads and validates the clients file. Problems name the client (by id, else its position) and
 * the field, never a value: a misplaced key must not reach a log.
 */
export function loadClientsFile(path: string, defaultRateLimit: number): KeyedClient[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'not valid JSON';
    throw new ClientsFileError(`CLIENTS_FILE ${path} cannot be read (${reason})`);
  }
  const parsed = clientsFile.safeParse(raw);
  if (!parsed.success) {
    const entries = (raw as { clients?: unknown[] } | null)?.clients;
    const problems = parsed.error.issues.slice(0, 10).map((issue) => {
      const [, index, field, ...rest] = issue.path;
      if (typeof index !== 'number') return `${issue.path.join('.') || '(file)'}: ${issue.message}`;
      const id = (entries?.[index] as { id?: unknown } | undefined)?.id;
      const who = typeof id === 'string' && id.length <= 64 ? `client "${id}"` : `client #${index}`;
      const where = [field, ...rest].filter((p) => p !== undefined).join('.');
      return `${who}${where ? ` ${where}` : ''}: ${issue.message}`;
    });
    throw new ClientsFileError(`CLIENTS_FILE ${path} is invalid:\n  - ${problems.join('\n  - ')}`);
  }
  const ids = new Set<string>();
  const hashes = new Set<string>();
  for (const entry of parsed.data.clients) {
    if (ids.has(entry.id))
      throw new ClientsFileError(`CLIENTS_FILE: client "${entry.id}" appears twice`);
    ids.add(entry.id);
    for (const hash of entry.apiKeys) {
      if (hashes.has(hash)) {
        throw new ClientsFileError(
          `CLIENTS_FILE: client "${entry.id}" shares a key hash with another entry`,
        );
      }
      hashes.add(hash);
    }
  }
  return parsed.data.clients.map((entry) => ({
    hashes: entry.apiKeys.map((key) => Buffer.from(key.slice('sha256:'.length), 'hex')),
    client: {
      id: entry.id,
      name: entry.name,
      via: 'api-key',
      scopes: new Set(entry.scopes),
      providers: entry.providers ? new Set(entry.providers.map(fromGraphqlProvider)) : null,
      cardPrograms: entry.cardPrograms ? new Set(entry.cardPrograms) : null,
      rateLimitPerMinute: entry.rateLimitPerMinute ?? defaultRateLimit,
      trustedDocumentsOnly: entry.trustedDocumentsOnly,
    },
  }));
}

export const hashKey = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/**
 * The client a presented key belongs to, or null. Every stored hash is compared, each in constant
 * time, so the answer takes as long whichever client (if any) the key belongs to.
 */
export function clientForKey(clients: readonly KeyedClient[], key: string): Client | null {
  const presented = hashKey(key);
  let found: Client | null = null;
  for (const { client, hashes } of clients) {
    for (const hash of hashes) {
      if (timingSafeEqual(hash, presented) && !found) found = client;
    }
  }
  return found;
}

/** A new random key (printed once) and the line to paste into the clients file. */
export function newApiKey(): { key: string; hash: string } {
  const key = `sk_${randomBytes(32).toString('base64url')}`;
  return { key, hash: `sha256:${hashKey(key).toString('hex')}` };
}
