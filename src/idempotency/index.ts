/**
 * Idempotency keys on mutations: a client sends `Idempotency-Key` with a POST that holds mutations;
 * the first run's final answer is stored (HTTP status and body, byte for byte) and a retry with the
 * same key and request gets it again without running anything. A retry of an answer whose outcome
 * was unknown is reconciled: it runs again with the previous run's notes, and the resolvers read
 * before they write (src/resolvers/reconcile.ts).
 *
 * The HTTP route owns the answer (src/gateway/app.ts): it validates the header, and after Apollo
 * has answered it stores the bytes or sends the stored ones. The Apollo plugin here claims the key
 * once the operation is known to be a mutation, and classifies the answer before it is sent.
 */
import { createHash } from 'node:crypto';
import {
  HeaderMap,
  type ApolloServerPlugin,
  type GraphQLRequestListener,
  type GraphQLResponse,
} from '@apollo/server';
import { OperationTypeNode } from 'graphql';
import { operationRootFields } from '../access/limits.js';
import type { Logger } from '../log.js';
import type { Redis } from '../redis.js';
import {
  createMemoryStore,
  createRedisStore,
  withFallback,
  type FieldNote,
  type IdempotencyStore,
  type StoredAnswer,
} from './store.js';

export type { FieldNote, StoredAnswer } from './store.js';

/** 1 to 255 printable ASCII characters, as Stripe and the IETF draft allow. */
const KEY = /^[\x20-\x7E]{1,255}$/;

/**
 * Answers that prove nothing reached a provider (or that the provider refused before doing
 * anything), so the key is released and a retry runs afresh.
 */
const NOTHING_DONE = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_TOO_COMPLEX',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_IN_LIST',
  'PROVIDER_TIMEOUT',
  'PROVIDER_RATE_LIMITED',
  'PROVIDER_DISABLED',
  'CIRCUIT_OPEN',
  'PROVIDER_AUTH_FAILED',
]);
/**
 * Codes after which a write may have happened without a confirmation. PROVIDER_UNAVAILABLE is one
 * (a 500 answering a write does not prove it was not done), unless the circuit refused the call.
 */
const MAYBE_DONE = new Set(['OUTCOME_UNKNOWN', 'INTERNAL_SERVER_ERROR', 'PROVIDER_UNAVAILABLE']);

/** An answer the route sends instead of Apollo's: a replay or a refusal. */
export type Override =
  | { kind: 'replay'; answer: StoredAnswer }
  | { kind: 'refuse'; status: number; code: string; message: string };

/**
 * One request's idempotency state, in its GraphQL context. Present for every POST that carries a
 * key, and for every POST when keys are required.
 */
export class KeyedRequest {
  /** Set once the key is claimed for this run. */
  token?: string;
  /** The stored answer being reconciled: its outcome was unknown. */
  previous?: StoredAnswer;
  fingerprint = '';
  /** What the mutation fields noted during this run, by response key. */
  readonly notes: Record<string, FieldNote> = {};
  override?: Override;
  /** The operation is a mutation (set once Apollo has resolved it). */
  mutation = false;
  /** After the operation: keep the answer for replays, and whether a write's outcome is unknown. */
  verdict?: { keep: boolean; unknown: boolean };
  storeUsed?: IdempotencyStore;
  heartbeat?: NodeJS.Timeout;

  constructor(
    /** The store key: the client's scope and the key, hashed; undefined when none was sent. */
    readonly storeKey: string | undefined,
  ) {}

  /** True while this run reconciles an earlier one whose outcome was unknown. */
  get reconciling(): boolean {
    return this.previous !== undefined;
  }

  /** What the earlier run noted for this field, when reconciling. */
  previousNote(field: string): FieldNote | undefined {
    return this.previous?.notes[field];
  }

  note(field: string, note: FieldNote): void {
    this.notes[field] = note;
  }
}

export interface IdempotencyOptions {
  ttlSeconds: number;
  required: boolean;
  /** How long a running marker lives without being extended. */
  lockMs: number;
  maxEntries: number;
  maxBytes: number;
  log: Logger;
  redis?: Redis;
}

export interface Idempotency {
  /**
   * The request's state from its headers: undefined when there is nothing to do, a refusal for a
   * malformed key.
   */
  begin(
    method: string,
    header: string | string[] | undefined,
    scope: string,
    body: unknown,
  ): KeyedRequest | Override | undefined;
  plugin: ApolloServerPlugin<{ idempotency?: KeyedRequest; log: Logger }>;
  /** Stores or releases after Apollo answered. Never throws. */
  finish(
    run: KeyedRequest,
    status: number,
    contentType: string,
    body: string | undefined,
  ): Promise<void>;
  /** At shutdown: every run still going becomes an unknown outcome, reconciled on retry. */
  shutdown(): Promise<void>;
}

/** Variables nest deeper than any operation needs: refused rather than walked. */
export class TooDeep extends Error {
  override readonly name = 'TooDeep';
}
const MAX_DEPTH = 64;

/** JSON with object keys sorted, so key order in variables does not change the fingerprint. */
export function canonicalJson(value: unknown, depth = 0): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (depth >= MAX_DEPTH) throw new TooDeep(`variables nest deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value))
    return `[${value.map((item) => canonicalJson(item, depth + 1)).join(',')}]`;
  // An upload is its file's name and type: the content itself is not part of the fingerprint.
  const upload = (value as { file?: { filename?: string; mimetype?: string } }).file;
  if (value.constructor?.name === 'Upload')
    return JSON.stringify({ upload: upload?.filename ?? null, type: upload?.mimetype ?? null });
  const entries = Object.keys(value)
    .sort()
    .map(
      (key) =>
        `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key], depth + 1)}`,
    );
  return `{${entries.join(',')}}`;
}

/**
 * A request's fingerprint: its document (or the persisted-query hash it names), operationName and
 * variables, compared as JSON values.
 */
export function fingerprintOfRequest(body: unknown): string {
  const request = (body ?? {}) as {
    query?: unknown;
    operationName?: unknown;
    variables?: unknown;
    extensions?: { persistedQuery?: { sha256Hash?: unknown } };
  };
  return createHash('sha256')
    .update(
      canonicalJson([
        request.query ?? null,
        request.extensions?.persistedQuery?.sha256Hash ?? null,
        request.operationName ?? null,
        request.variables ?? null,
      ]),
    )
    .digest('base64url');
}

const refusal = (status: number, code: string, message: string): Override => ({
  kind: 'refuse',
  status,
  code,
  message,
});

export function createIdempotency(options: IdempotencyOptions): Idempotency {
  const { log } = options;
  const ttlMs = options.ttlSeconds * 1000;
  const memory = createMemoryStore(options);
  const shared = options.redis
    ? withFallback(createRedisStore(options.redis), memory, log)
    : {
        claim: async (...args: Parameters<IdempotencyStore['claim']>) => ({
          claim: await memory.claim(...args),
          store: memory,
        }),
      };
  const running = new Set<KeyedRequest>();

  const stopRun = (run: KeyedRequest) => {
    clearInterval(run.heartbeat);
    running.delete(run);
  };

  const claim = async (run: KeyedRequest, ctxLog: Logger): Promise<void> => {
    const storeKey = run.storeKey!;
    const { claim: result, store } = await shared.claim(storeKey, run.fingerprint, options.lockMs);
    if (result.kind === 'running') {
      run.override =
        result.fingerprint === run.fingerprint
          ? refusal(
              409,
              'IDEMPOTENCY_KEY_IN_USE',
              'A request with this Idempotency-Key is still running; wait for it, then retry with the same key to get its answer',
            )
          : mismatch();
      return;
    }
    if (result.kind === 'stored') {
      run.override =
        result.answer.fingerprint === run.fingerprint
          ? { kind: 'replay', answer: result.answer }
          : mismatch();
      return;
    }
    run.token = result.token;
    run.previous = result.previous;
    run.storeUsed = store;
    running.add(run);
    run.heartbeat = setInterval(
      () => {
        store.extend(storeKey, result.token, options.lockMs).catch((error: unknown) => {
          ctxLog.warn('idempotency marker could not be extended', { error });
        });
      },
      Math.max(1_000, Math.floor(options.lockMs / 3)),
    );
    run.heartbeat.unref();
    if (run.reconciling) ctxLog.info('reconciling an earlier run whose outcome was unknown');
  };
  const mismatch = () =>
    refusal(
      422,
      'IDEMPOTENCY_KEY_MISMATCH',
      'This Idempotency-Key was used for a different request (document, operationName or variables); use a new key for a new request',
    );

  const settled = Promise.resolve();
  const noResponse = Promise.resolve(null);
  /** What Apollo answers in place of a refused or replayed operation (the route sends ours). */
  const stand = (override: Override): GraphQLResponse => ({
    http: { status: override.kind === 'refuse' ? override.status : 200, headers: new HeaderMap() },
    body: {
      kind: 'single',
      singleResult: {
        errors: [
          {
            message: 'answered by the idempotency key',
            extensions: {
              code: override.kind === 'refuse' ? override.code : 'IDEMPOTENT_REPLAY',
            },
          },
        ],
      },
    },
  });

  /** Claims the key of a keyed mutation; a refusal or a stored answer stands in for running it. */
  const answerFor = async (run: KeyedRequest, log: Logger): Promise<GraphQLResponse | null> => {
    if (!run.override) await claim(run, log);
    return run.override ? stand(run.override) : null;
  };

  const listener: GraphQLRequestListener<{ idempotency?: KeyedRequest; log: Logger }> = {
    didResolveOperation({ contextValue, operation, document }) {
      const run = contextValue.idempotency;
      // Most requests carry no key: nothing is done for them.
      if (!run || operation?.operation !== OperationTypeNode.MUTATION) return settled;
      run.mutation = true;
      if (run.storeKey === undefined) {
        run.override = refusal(
          400,
          'IDEMPOTENCY_KEY_REQUIRED',
          'Mutations need an Idempotency-Key header here (IDEMPOTENCY_REQUIRED): send a new unique key, and the same one when you retry',
        );
      } else if (
        operationRootFields(operation, document).filter((f) => f.name.value !== '__typename')
          .length > 1
      ) {
        // A retry that reconciles re-runs every field; one field per key keeps that exact.
        run.override = refusal(
          400,
          'BAD_REQUEST',
          'An Idempotency-Key covers one mutation field: send each mutation in its own request, with its own key',
        );
      }
      return settled;
    },
    // Runs once every plugin's didResolveOperation has passed (limits included), and only then:
    // a request refused there never takes its key.
    responseForOperation({ contextValue }) {
      const run = contextValue.idempotency;
      // No promise is made for requests without a keyed mutation.
      if (!run?.mutation) return noResponse;
      return answerFor(run, contextValue.log);
    },
    willSendResponse({ contextValue, response }) {
      const run = contextValue.idempotency;
      if (!run?.token || response.body.kind !== 'single') return settled;
      const { data, errors = [] } = response.body.singleResult;
      const codes = errors.map((e) => {
        const code = e.extensions?.code;
        // Refused by an open circuit: nothing was sent.
        if (code === 'PROVIDER_UNAVAILABLE' && e.extensions?.circuit === 'OPEN')
          return 'CIRCUIT_OPEN';
        return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
      });
      const unknown =
        codes.some((code) => MAYBE_DONE.has(code)) ||
        Object.values(run.notes).some((note) => note.unknown);
      const nothingDone =
        codes.length > 0 &&
        codes.every((code) => NOTHING_DONE.has(code)) &&
        Object.values(data ?? {}).every((value) => value === null);
      run.verdict = { keep: unknown || !nothingDone, unknown };
      return settled;
    },
  };
  const started = Promise.resolve(listener);

  return {
    begin(method, header, scope, body) {
      if (header === undefined) {
        return options.required && method === 'POST' ? new KeyedRequest(undefined) : undefined;
      }
      if (typeof header !== 'string' || !KEY.test(header)) {
        return refusal(
          400,
          'IDEMPOTENCY_KEY_INVALID',
          'Idempotency-Key must be one header of 1 to 255 printable ASCII characters',
        );
      }
      if (method !== 'POST') return undefined;
      const storeKey = `idempotency:${createHash('sha256').update(scope).update('\0').update(header).digest('base64url')}`;
      const run = new KeyedRequest(storeKey);
      try {
        // From the request as the client sent it, before any plugin reads or rewrites it.
        run.fingerprint = fingerprintOfRequest(body);
      } catch (error) {
        if (!(error instanceof TooDeep)) throw error;
        return refusal(400, 'BAD_REQUEST', `The ${error.message}`);
      }
      return run;
    },
    plugin: { requestDidStart: () => started },
    async finish(run, status, contentType, body) {
      if (!run.token || !run.storeUsed) return;
      stopRun(run);
      const storeKey = run.storeKey!;
      try {
        // No body in hand (sent some other way): kept as unknown, so a retry reconciles.
        const unknown = body === undefined || (run.verdict?.unknown ?? true);
        if (unknown || (run.verdict?.keep ?? true)) {
          await run.storeUsed.store(
            storeKey,
            run.token,
            {
              fingerprint: run.fingerprint,
              status,
              contentType,
              body: body ?? null,
              unknown,
              notes: mergeNotes(run),
            },
            ttlMs,
          );
        } else if (run.previous) {
          // A reconciling run that did nothing (its read failed, say) has settled nothing: the
          // earlier unknown outcome goes back under the key, so the next retry reconciles again
          // instead of running afresh and sending a write that may have happened.
          await run.storeUsed.store(
            storeKey,
            run.token,
            { ...run.previous, unknown: true, notes: mergeNotes(run) },
            ttlMs,
          );
        } else {
          await run.storeUsed.release(storeKey, run.token);
        }
      } catch (error) {
        log.error('idempotency answer could not be stored: a retry may run the operation again', {
          error,
        });
      }
    },
    async shutdown() {
      const cut = [...running];
      await Promise.all(
        cut.map(async (run) => {
          stopRun(run);
          try {
            await run.storeUsed!.store(
              run.storeKey!,
              run.token!,
              {
                fingerprint: run.fingerprint,
                status: 0,
                contentType: '',
                body: null,
                unknown: true,
                notes: mergeNotes(run),
              },
              ttlMs,
            );
          } catch (error) {
            log.error('idempotency marker could not be handed over at shutdown', { error });
          }
        }),
      );
      if (cut.length > 0) {
        log.warn('operations cut by the shutdown: their keys will be reconciled on retry', {
          count: cut.length,
        });
      }
    },
  };
}

/** This run's notes over the earlier run's: confirmed input stays confirmed. */
function mergeNotes(run: KeyedRequest): Record<string, FieldNote> {
  if (!run.previous) return run.notes;
  const merged = { ...run.previous.notes };
  for (const [field, note] of Object.entries(run.notes)) merged[field] = note;
  return merged;
}
