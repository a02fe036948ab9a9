/**
 * Shared plumbing of the embedded sandboxes: a loopback HTTP server with a request journal,
 * configurable latency and injectable faults. Each provider's sandbox supplies only its handler.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SandboxOptions {
  /** Added before every answer, to imitate a remote provider. */
  latencyMs?: number;
  /** Interface to listen on; loopback by default. */
  host?: string;
  /** Port to listen on; a free one by default. */
  port?: number;
  /** Most requests kept in the journal (oldest dropped first). */
  journalLimit?: number;
  /** Most body bytes kept in the journal, so bulk traffic cannot grow the process without bound. */
  journalMaxBytes?: number;
  /**
   * Enforce the provider's documented request limit, answering 429 as it does (Fusebill's 50 a
   * minute; sandboxes of providers with no documented limit ignore it).
   */
  enforceQuota?: boolean;
  /**
   * Count the writes each handler applied and refused, per entity (`state.writes`), so a soak can
   * tell a write applied twice from one applied once. Off by default: it costs a map update per write.
   */
  countWrites?: boolean;
}

/** Writes a handler applied, and refused because the entity was already in the target state. */
export interface WriteCounts {
  /** Entity key (the provider's customer id, `<id>:<status>`, a proxy number) -> times applied. */
  applied: Map<string, number>;
  /** Entity key -> times refused as already done (a duplicate of a write that had happened). */
  refused: Map<string, number>;
}

export function writeCounts(options: SandboxOptions): WriteCounts | null {
  return options.countWrites ? { applied: new Map(), refused: new Map() } : null;
}

/** Adds one to a counter of `counts` (no-op when writes are not counted). */
export function countWrite(
  counts: WriteCounts | null,
  kind: 'applied' | 'refused',
  key: string,
): void {
  if (counts) counts[kind].set(key, (counts[kind].get(key) ?? 0) + 1);
}

export interface SandboxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SandboxResponse {
  status: number;
  body?: unknown;
  /** A raw body sent as is (for broken-response tests); wins over `body`. */
  raw?: string;
  headers?: Record<string, string>;
}

export interface JournalEntry extends SandboxRequest {
  at: number;
}

/** What an injected fault does to the next matching request. */
export type FaultAction =
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'respond'; response: SandboxResponse }
  | { kind: 'delay'; ms: number }
  /** The handler runs (a write is applied and journalled as done), then the answer never comes. */
  | { kind: 'apply-then-hang' }
  /** The handler runs, then the connection is reset instead of answering. */
  | { kind: 'apply-then-reset' };

export interface Fault {
  /** Which requests it applies to; every request when absent. */
  match?: (request: SandboxRequest) => boolean;
  action: FaultAction;
  /** How many requests it applies to before it is used up; 1 by default, Infinity for always. */
  times?: number;
}

export interface SandboxControls {
  readonly url: string;
  /** Requests received, oldest first. Holds secrets: for tests and local debugging only, never logged. */
  readonly journal: JournalEntry[];
  /** Requests received since start or the last reset, including those the journal has dropped. */
  receivedCount(): number;
  /** Queue a fault for the next matching request(s). */
  inject(fault: Fault): void;
  /** Drop queued faults and the journal. */
  reset(): void;
  close(): Promise<void>;
}

/** A started sandbox: its controls, the settings that point an adapter at it, and its own state. */
export interface SandboxHandle<Settings, State = unknown> extends SandboxControls {
  readonly settings: Settings;
  readonly state: State;
}

export type SandboxHandler = (
  request: SandboxRequest,
) => SandboxResponse | Promise<SandboxResponse>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startSandboxServer(
  handler: SandboxHandler,
  options: SandboxOptions = {},
): Promise<SandboxControls> {
  const journal: JournalEntry[] = [];
  const journalLimit = options.journalLimit ?? 5_000;
  const journalMaxBytes = options.journalMaxBytes ?? 16 * 1024 * 1024;
  let journalBytes = 0;
  let faults: (Fault & { left: number })[] = [];
  let received = 0;

  const takeFault = (request: SandboxRequest): FaultAction | undefined => {
    const fault = faults.find((f) => f.left > 0 && (f.match?.(request) ?? true));
    if (!fault) return undefined;
    fault.left -= 1;
    faults = faults.filter((f) => f.left > 0);
    return fault.action;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://sandbox');
        const request: SandboxRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks),
        };
        received += 1;
        journal.push({ ...request, at: Date.now() });
        journalBytes += request.body.length;
        let drop = 0;
        while (
          drop < journal.length - 1 &&
          (journal.length - drop > journalLimit || journalBytes > journalMaxBytes)
        ) {
          journalBytes -= journal[drop].body.length;
          drop += 1;
        }
        if (drop > 0) journal.splice(0, drop);

        const fault = takeFault(request);
        if (fault?.kind === 'hang') return; // never answers; closed when the sandbox closes
        if (fault?.kind === 'reset') {
          req.socket.destroy();
          return;
        }
        if (fault?.kind === 'delay') await sleep(fault.ms);
        if (options.latencyMs) await sleep(options.latencyMs);

        let response: SandboxResponse;
        try {
          response = fault?.kind === 'respond' ? fault.response : await handler(request);
        } catch {
          response = { status: 500, body: { message: 'sandbox handler failed' } };
        }
        if (fault?.kind === 'apply-then-hang') return;
        if (fault?.kind === 'apply-then-reset') {
          req.socket.destroy();
          return;
        }
        const payload =
          response.raw ?? (response.body === undefined ? '' : JSON.stringify(response.body));
        res.writeHead(response.status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...response.headers,
        });
        res.end(payload);
      })();
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}`,
    journal,
    receivedCount: () => received,
    inject: (fault) => faults.push({ ...fault, left: fault.times ?? 1 }),
    reset: () => {
      faults = [];
      journal.length = 0;
      journalBytes = 0;
      received = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Decodes `Authorization: Basic base64(user:pass)`; null when absent or malformed. */
export function basicCredentials(
  headers: IncomingHttpHeaders,
): { user: string; pass: string } | null {
  const match = /^Basic (.+)$/.exec(headers.authorization ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const at = decoded.indexOf(':');
  return at < 0 ? null : { user: decoded.slice(0, at), pass: decoded.slice(at + 1) };
}

export function bearerToken(headers: IncomingHttpHeaders): string | null {
  return /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1] ?? null;
}

/** Parses a JSON body; undefined when it is not JSON. */
export function jsonBody(request: SandboxRequest): unknown {
  try {
    return JSON.parse(request.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Parses an x-www-form-urlencoded body. */
export function formBody(request: SandboxRequest): URLSearchParams {
  return new URLSearchParams(request.body.toString('utf8'));
}
