/**
 * Persisted documents. Trusted documents are a manifest in Apollo's format
 * (PERSISTED_DOCUMENTS_FILE): a request may name one by `extensions.persistedQuery.sha256Hash`
 * alone, and a client marked `trustedDocumentsOnly` may run nothing else. Automatic persisted
 * queries (APQ) keep working for every other client, their cache in Redis when REDIS_URL is set,
 * so a query registered through one replica is known to all.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  ErrorsAreMissesCache,
  InMemoryLRUCache,
  type KeyValueCache,
  type KeyValueCacheSetOptions,
} from '@apollo/utils.keyvaluecache';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { ensureConnected, type Redis } from '../redis.js';

const manifest = z.strictObject({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(
    z.object({
      id: z.string().regex(/^[0-9a-f]{64}$/, 'must be the sha256 of body, 64 lowercase hex digits'),
      name: z.string(),
      type: z.enum(['query', 'mutation', 'subscription']),
      body: z.string().min(1),
    }),
  ),
});

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

/** The documents of the manifest, by the sha256 of their text. */
export type TrustedDocuments = ReadonlyMap<string, string>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function loadManifest(path: string): TrustedDocuments {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'not valid JSON';
    throw new ManifestError(`PERSISTED_DOCUMENTS_FILE ${path} cannot be read (${reason})`);
  }
  const parsed = manifest.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 10)
      .map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`);
    throw new ManifestError(
      `PERSISTED_DOCUMENTS_FILE ${path} is not an Apollo persisted query manifest:\n  - ${problems.join('\n  - ')}`,
    );
  }
  const documents = new Map<string, string>();
  for (const operation of parsed.data.operations) {
    // Clients send the hash of the text they hold: an id that is not that hash could never match.
    if (sha256(operation.body) !== operation.id) {
      throw new ManifestError(
        `PERSISTED_DOCUMENTS_FILE: operation "${operation.name}" has an id that is not the sha256 of its body`,
      );
    }
    documents.set(operation.id, operation.body);
  }
  return documents;
}

/** APQ entries in Redis, under the process's key prefix (Apollo Server adds `apq:` to each key). */
class RedisCache implements KeyValueCache<string> {
  constructor(private readonly redis: Redis) {}
  async get(key: string) {
    await ensureConnected(this.redis);
    return (await this.redis.get(key)) ?? undefined;
  }
  async set(key: string, value: string, options?: KeyValueCacheSetOptions) {
    await ensureConnected(this.redis);
    if (options?.ttl) await this.redis.set(key, value, 'EX', options.ttl);
    else await this.redis.set(key, value);
  }
  async delete(key: string) {
    await ensureConnected(this.redis);
    return (await this.redis.del(key)) > 0;
  }
}

/** Apollo Server looks persisted queries up by `apq:<sha256>`. */
const hashOf = (key: string) => (key.startsWith('apq:') ? key.slice(4) : key);
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Largest query an APQ registration stores. The token limit does not count comments, so a short
 * operation can carry megabytes of them: such a query still runs, but is not kept for a day.
 */
export const MAX_APQ_QUERY_BYTES = 64 * 1024;

/** Says once that Redis failed an APQ lookup or registration: each failure is a miss anyway. */
function onceLogger(log: Logger) {
  let warned = false;
  const warn = (message: unknown) => {
    if (warned) return;
    warned = true;
    log.warn('redis unavailable: APQ lookups and registrations miss until it is back', {
      detail: String(message),
    });
  };
  return { debug: () => undefined, info: () => undefined, warn, error: warn };
}

/**
 * The cache Apollo Server looks persisted queries up in: the trusted documents first, then the APQ
 * entries (Redis when configured; a Redis failure is a miss, and the client sends its query again).
 */
export function persistedQueryCache(
  documents: TrustedDocuments,
  redis: Redis | undefined,
  log: Logger,
): KeyValueCache<string> {
  const apq: KeyValueCache<string> = redis
    ? new ErrorsAreMissesCache(new RedisCache(redis), onceLogger(log))
    : new InMemoryLRUCache<string>({ maxSize: 30 * 1024 * 1024 });
  return {
    // A hash that is not one (a client's junk) is simply not found, and never becomes a Redis key.
    get: async (key) =>
      SHA256_HEX.test(hashOf(key))
        ? (documents.get(hashOf(key)) ?? (await apq.get(key)))
        : undefined,
    set: (key, value, options) =>
      documents.has(hashOf(key)) || Buffer.byteLength(value) > MAX_APQ_QUERY_BYTES
        ? Promise.resolve()
        : apq.set(key, value, options),
    delete: (key) => apq.delete(key),
  };
}

/**
 * Whether a request names a trusted document: by `extensions.persistedQuery.sha256Hash` (with the
 * query, if sent, matching it), or by a query whose sha256 is in the manifest. `params` is a POST
 * body or a GET's query-string parameters. Checked before Apollo Server sees the request, so a
 * client limited to trusted documents learns nothing from parse or validation errors.
 */
export function isTrustedDocument(params: unknown, documents: TrustedDocuments): boolean {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return false;
  const { query, extensions } = params as { query?: unknown; extensions?: unknown };
  let parsed: unknown = extensions;
  if (typeof extensions === 'string') {
    try {
      parsed = JSON.parse(extensions);
    } catch {
      return false;
    }
  }
  const hash = (parsed as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined)
    ?.persistedQuery?.sha256Hash;
  if (hash !== undefined) {
    return (
      typeof hash === 'string' &&
      documents.has(hash) &&
      (query === undefined || (typeof query === 'string' && sha256(query) === hash))
    );
  }
  return typeof query === 'string' && documents.has(sha256(query));
}
