/**
 * Scenario 5, the chaos soak: mixed reads and keyed writes over two gateway replicas (real
 * processes sharing the real Redis) against ONE set of sandboxes started in this process, while the
 * sandboxes inject random faults. Clients retry every ambiguous answer with the same key,
 * alternating replicas, with backoff and a bounded number of attempts. Afterwards each write the
 * clients were told about is checked against the sandboxes' own state and write counters.
 *
 * Nothing here is asserted: the report says whether there were 500s, writes applied twice, lost
 * writes or wrong answers, and lists them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { startBlackhawkSandbox } from '../../src/sandbox/blackhawk.js';
import { startEnkashSandbox } from '../../src/sandbox/enkash.js';
import { FUSEBILL_EXTRA_DRAFTS_FROM, startFusebillSandbox } from '../../src/sandbox/fusebill.js';
import { NETXD_ACTIVE_RANGE, startNetxdSandbox } from '../../src/sandbox/netxd.js';
import type {
  FaultAction,
  SandboxControls,
  SandboxRequest,
  WriteCounts,
} from '../../src/sandbox/server.js';
import { startNode, type Started } from '../lib/proc.js';
import { round } from '../lib/stats.js';

export interface ChaosOptions {
  seconds: number;
  /** Concurrent clients, each running one logical operation at a time. */
  clients: number;
  /** Share of provider requests that get a fault. */
  faultRate: number;
  /** The gateways' UPSTREAM_TIMEOUT_MS: low, so hangs resolve quickly. */
  upstreamTimeoutMs: number;
  redisUrl: string;
  /** Extra gateway variables (e.g. breaker or retry settings of a later branch). */
  gatewayEnv: Record<string, string>;
}

const MAX_ATTEMPTS = 12;
const CLIENT_TIMEOUT_MS = 20_000;
/** Answers after which a client retries with the same key (README "Retrying safely"). */
const RETRY_CODES = new Set([
  'OUTCOME_UNKNOWN',
  'INTERNAL_SERVER_ERROR',
  'PROVIDER_TIMEOUT',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_RATE_LIMITED',
  'IDEMPOTENCY_KEY_IN_USE',
  'SERVICE_UNAVAILABLE',
  'RATE_LIMITED',
]);

const FAULTS = {
  latency: { kind: 'delay', ms: 300 },
  '503': {
    kind: 'respond',
    response: { status: 503, body: { message: 'chaos: service unavailable' } },
  },
  reset: { kind: 'reset' },
  hang: { kind: 'hang' },
  'apply-then-hang': { kind: 'apply-then-hang' },
  'apply-then-reset': { kind: 'apply-then-reset' },
} satisfies Record<string, FaultAction>;
type FaultName = keyof typeof FAULTS;
const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

const READ = `query ($id: ID!) { customer(id: $id) { id status } }`;
const ACTIVATE = `mutation ($input: ActivateCustomerInput!) {
  activateCustomer(input: $input) { reconciled customer { status } userErrors { code message } } }`;
const UPDATE_STATUS = `mutation ($input: UpdateCustomerStatusInput!) {
  updateCustomerStatus(input: $input) { reconciled customer { status } userErrors { code message } } }`;
const SET_CODES = `mutation ($input: SetCardActivationCodesInput!) {
  setCardActivationCodes(input: $input) {
    reconciled acceptedCount cards { proxyNumber }
    failures { code outcomeUnknown cards { proxyNumber } } userErrors { code message } } }`;

interface GqlError {
  message: string;
  extensions?: { code?: string; retryAfter?: number };
}
interface GqlBody {
  data?: Record<string, any> | null;
  errors?: GqlError[];
}
type Answer =
  | { kind: 'answer'; status: number; body: GqlBody; replayed: boolean }
  | { kind: 'dropped'; reason: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const bump = (counts: Record<string, number>, key: string, by = 1) =>
  (counts[key] = (counts[key] ?? 0) + by);

/** VmRSS of a process in MiB. */
function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return round(kb / 1024, 1);
}

/** How one logical operation ended, as the client saw it. */
interface Settled {
  /** The field's payload from the last answer, when it was definite. */
  payload: Record<string, any> | null;
  /** The GraphQL error code of the last answer, when it was definite and an error. */
  errorCode: string | null;
  attempts: number;
  /** An ambiguous answer came before the definite one. */
  ambiguousBefore: boolean;
  gaveUp: boolean;
  replayed: boolean;
  /** One word per attempt (its code, and for card payloads the failure codes), for reproductions. */
  history: string[];
}

interface WriteRecord {
  kind: 'fusebill' | 'netxd' | 'cards' | 'enkash';
  key: string;
  /** Provider customer id, or `<id>:<status>` for NetXD. */
  entity: string;
  settled: Settled;
  /** Card writes: proxy number -> code sent. */
  codes?: Map<string, string>;
}

export async function chaos(options: ChaosOptions) {
  const { seconds, clients, faultRate, upstreamTimeoutMs } = options;
  const prefix = `switchyard-chaos-${randomUUID()}:`;
  const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect(); // fails the scenario at once when Redis is down: no fallback here
  await redis.ping();

  const common = { countWrites: true, journalLimit: 100 };
  const sandboxes = {
    fusebill: await startFusebillSandbox({ ...common, extraDraftCustomers: 20_000 }),
    netxd: await startNetxdSandbox(common),
    blackhawk: await startBlackhawkSandbox({ ...common, journalMaxBytes: 1024 * 1024 }),
    enkash: await startEnkashSandbox({ ...common, extraInactiveCustomers: 5_000 }),
  };
  const { fusebill, netxd, blackhawk, enkash } = sandboxes;
  const env: Record<string, string> = {
    PORT: '0',
    LOG_LEVEL: 'warn',
    AUTH_DISABLED: 'true',
    REDIS_URL: options.redisUrl,
    REDIS_KEY_PREFIX: prefix,
    UPSTREAM_TIMEOUT_MS: String(upstreamTimeoutMs),
    IDEMPOTENCY_TTL_SECONDS: '3600',
    // The soak is about faults, not budgets: Fusebill's quota (1,000 a minute) would refuse most.
    FUSEBILL_RATE_LIMIT_PER_MINUTE: '1000000',
    CLIENT_RATE_LIMIT_PER_MINUTE: '1000000000',
    FUSEBILL_BASE_URL: fusebill.settings.baseUrl,
    FUSEBILL_API_KEY: fusebill.settings.apiKey,
    NETXD_BASE_URL: netxd.settings.baseUrl,
    NETXD_KEY_ID: netxd.settings.keyId,
    NETXD_CREDENTIAL: netxd.settings.credential,
    NETXD_PRIVATE_KEY: netxd.settings.privateKeyPem,
    BLACKHAWK_BASE_URL: blackhawk.settings.baseUrl,
    BLACKHAWK_CLIENT_ID: blackhawk.settings.clientId,
    BLACKHAWK_CLIENT_SECRET: blackhawk.settings.clientSecret,
    ENKASH_BASE_URL: enkash.settings.baseUrl,
    ENKASH_CLIENT_ID: enkash.settings.clientId,
    ENKASH_CLIENT_SECRET: enkash.settings.clientSecret,
    ENKASH_USERNAME: enkash.settings.username,
    ENKASH_PASSWORD: enkash.settings.password,
    ENKASH_COMPANY_ID: enkash.settings.companyId,
    ...options.gatewayEnv,
  };
  const replicas: Started<{ url: string }>[] = [];
  const gatewayErrors: Record<string, number> = {};
  try {
    for (let i = 0; i < 2; i++) {
      const gw = await startNode<{ url: string }>('src/main.ts', [], env);
      // Error-level log lines (a Redis outage, an answer that could not be stored) are counted.
      let buffer = '';
      gw.child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.includes('"level":"error"')) continue;
          try {
            bump(gatewayErrors, (JSON.parse(line) as { msg: string }).msg);
          } catch {
            bump(gatewayErrors, 'unparsed error line');
          }
        }
      });
      replicas.push(gw);
    }

    // ---- the client ----
    const answers: Record<string, number> = {};
    let attemptsSent = 0;
    let http500 = 0;
    let internalErrors = 0;
    let replays = 0;

    const send = async (replica: number, query: string, variables: unknown, key?: string) => {
      attemptsSent += 1;
      let answer: Answer;
      try {
        const res = await fetch(replicas[replica]!.info.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(key ? { 'idempotency-key': key } : {}),
          },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
        });
        const text = await res.text();
        let body: GqlBody;
        try {
          body = JSON.parse(text) as GqlBody;
        } catch {
          body = { errors: [{ message: `not JSON: ${text.slice(0, 80)}` }] };
        }
        answer = {
          kind: 'answer',
          status: res.status,
          body,
          replayed: res.headers.get('idempotent-replayed') === 'true',
        };
      } catch (error) {
        answer = { kind: 'dropped', reason: (error as Error).name };
      }
      if (answer.kind === 'dropped') bump(answers, 'DROPPED');
      else {
        const codes = (answer.body.errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE');
        if (answer.status === 500) http500 += 1;
        internalErrors += codes.filter((c) => c === 'INTERNAL_SERVER_ERROR').length;
        if (answer.replayed) replays += 1;
        bump(answers, codes[0] ?? (answer.status === 200 ? 'OK' : `HTTP_${answer.status}`));
      }
      return answer;
    };

    /** Runs one logical operation to a definite answer, retrying ambiguous ones with its key. */
    const settle = async (
      field: string,
      query: string,
      variables: unknown,
      key?: string,
      ambiguousPayload?: (payload: Record<string, any>) => boolean,
    ): Promise<Settled> => {
      const first = Math.floor(Math.random() * 2);
      let ambiguousBefore = false;
      const history: string[] = [];
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const answer = await send((first + attempt) % 2, query, variables, key);
        let retry = answer.kind === 'dropped';
        let retryAfterS = 0;
        if (answer.kind === 'dropped') history.push('DROPPED');
        if (answer.kind === 'answer') {
          const errors = answer.body.errors ?? [];
          const payload = answer.body.data?.[field] as Record<string, any> | null | undefined;
          const failures = (payload?.failures ?? []) as { code: string }[];
          history.push(
            (errors[0]?.extensions?.code ?? `OK${payload?.reconciled ? ' reconciled' : ''}`) +
              (failures.length ? ` [${failures.map((f) => f.code).join(' ')}]` : '') +
              (answer.replayed ? ' replayed' : ''),
          );
          retry =
            [409, 500, 503].includes(answer.status) ||
            errors.some((e) => RETRY_CODES.has(e.extensions?.code ?? '')) ||
            (payload != null && (ambiguousPayload?.(payload) ?? false));
          retryAfterS = Math.max(0, ...errors.map((e) => e.extensions?.retryAfter ?? 0));
          if (!retry) {
            return {
              payload: payload ?? null,
              errorCode: payload ? null : (errors[0]?.extensions?.code ?? 'NO_CODE'),
              attempts: attempt + 1,
              ambiguousBefore,
              gaveUp: false,
              replayed: answer.replayed,
              history,
            };
          }
        }
        ambiguousBefore = true;
        const backoff = Math.random() * Math.min(1_000, 50 * 2 ** attempt);
        await sleep(Math.max(backoff, Math.min(retryAfterS, 2) * 1000));
      }
      return {
        payload: null,
        errorCode: null,
        attempts: MAX_ATTEMPTS,
        ambiguousBefore,
        gaveUp: true,
        replayed: false,
        history,
      };
    };

    // ---- warm-up (no faults): tokens, connections; then RSS before ----
    for (const replica of [0, 1]) {
      await send(replica, READ, { id: 'fusebill:13000000' });
      await send(replica, READ, { id: `netxd:${NETXD_ACTIVE_RANGE + 999n}` });
    }
    const rssBefore = replicas.map((r) => rssMb(r.child.pid!));
    for (const key of Object.keys(answers)) delete answers[key];
    attemptsSent = 0;

    // ---- faults ----
    const injected: Record<string, Record<string, number>> = {};
    const inject = (id: string, sandbox: SandboxControls) => {
      injected[id] = {};
      const drawn = new WeakMap<SandboxRequest, FaultName | null>();
      const draw = (request: SandboxRequest) => {
        if (!drawn.has(request)) {
          const name = Math.random() < faultRate ? pick(FAULT_NAMES) : null;
          drawn.set(request, name);
          if (name) bump(injected[id]!, name);
        }
        return drawn.get(request);
      };
      for (const name of FAULT_NAMES) {
        sandbox.inject({
          action: FAULTS[name],
          times: Infinity,
          match: (request) => draw(request) === name,
        });
      }
    };
    for (const [id, sandbox] of Object.entries(sandboxes)) inject(id, sandbox);

    // ---- the load ----
    const records: WriteRecord[] = [];
    const reads = { operations: 0, definite: 0, gaveUp: 0 };
    let nextFusebill = 0;
    let nextNetxd = 0;
    let nextEnkash = 1;
    let nextProxy = 0n;
    const readIds = [
      ...Array.from({ length: 50 }, (_, i) => `fusebill:${13000000 + i}`),
      ...Array.from({ length: 50 }, (_, i) => `netxd:${NETXD_ACTIVE_RANGE + 900n + BigInt(i)}`),
    ];

    const operations: Record<string, () => Promise<void>> = {
      read: async () => {
        reads.operations += 1;
        const settled = await settle('customer', READ, { id: pick(readIds) });
        if (settled.gaveUp) reads.gaveUp += 1;
        else reads.definite += 1;
      },
      fusebillActivation: async () => {
        const id = String(FUSEBILL_EXTRA_DRAFTS_FROM + nextFusebill++);
        const key = randomUUID();
        const settled = await settle(
          'activateCustomer',
          ACTIVATE,
          { input: { customerId: `fusebill:${id}` } },
          key,
        );
        records.push({ kind: 'fusebill', key, entity: id, settled });
      },
      enkashActivation: async () => {
        const id = `KCEXTRA${String(nextEnkash++).padStart(9, '0')}`;
        const key = randomUUID();
        const settled = await settle(
          'activateCustomer',
          ACTIVATE,
          { input: { customerId: `enkash:${id}` } },
          key,
        );
        records.push({ kind: 'enkash', key, entity: id, settled });
      },
      netxdStatus: async () => {
        // One customer, two logical writes: suspended, then (if that succeeded) back to active.
        if (nextNetxd >= 900) return;
        const id = String(NETXD_ACTIVE_RANGE + BigInt(nextNetxd++));
        for (const status of ['SUSPENDED', 'ACTIVE']) {
          const key = randomUUID();
          const settled = await settle(
            'updateCustomerStatus',
            UPDATE_STATUS,
            { input: { customerId: `netxd:${id}`, status, notes: 'chaos soak' } },
            key,
          );
          records.push({ kind: 'netxd', key, entity: `${id}:${status}`, settled });
          if (settled.payload?.customer?.status !== status) break;
        }
      },
      cards: async () => {
        // 1, 2 or 3 batches (1,000 codes each): a few codes over the last boundary.
        const batches = pick([1, 1, 1, 1, 1, 1, 2, 2, 2, 3]);
        const count = (batches - 1) * 1_000 + 1 + Math.floor(Math.random() * 3);
        const codes = new Map<string, string>();
        const input = Array.from({ length: count }, () => {
          const proxyNumber = String(6039530500000000000n + nextProxy++);
          const activationCode = `C${randomBytes(6).toString('hex')}`;
          codes.set(proxyNumber, activationCode);
          return { programNumber: '95000000', proxyNumber, activationCode };
        });
        const key = randomUUID();
        const settled = await settle(
          'setCardActivationCodes',
          SET_CODES,
          { input: { codes: input } },
          key,
          (payload) =>
            (payload.failures as { outcomeUnknown: boolean }[]).some((f) => f.outcomeUnknown),
        );
        records.push({ kind: 'cards', key, entity: `${count} codes`, settled, codes });
      },
    };
    const mix: [string, number][] = [
      ['read', 45],
      ['fusebillActivation', 17],
      ['netxdStatus', 13],
      ['cards', 15],
      ['enkashActivation', 10],
    ];
    const total = mix.reduce((sum, [, weight]) => sum + weight, 0);
    const choose = () => {
      let r = Math.random() * total;
      for (const [name, weight] of mix) if ((r -= weight) < 0) return name;
      return 'read';
    };

    const started = Date.now();
    const endAt = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (Date.now() < endAt) await operations[choose()]!();
      }),
    );
    const wallS = (Date.now() - started) / 1000;
    await sleep(1_000); // anything still on its way to a sandbox lands before the count
    const rssAfter = replicas.map((r) => rssMb(r.child.pid!));
    const peakRss = replicas.map((r) => r.peakRssMb());

    return {
      seconds,
      wallS: round(wallS, 1),
      clients,
      faultRate,
      upstreamTimeoutMs,
      extraGatewayEnv: options.gatewayEnv,
      ...verify(records, sandboxes, reads),
      attemptsSent,
      replays,
      answersByCode: Object.fromEntries(Object.entries(answers).sort(([, a], [, b]) => b - a)),
      http500,
      internalServerErrors: internalErrors,
      faultsInjected: injected,
      providerRequests: Object.fromEntries(
        Object.entries(sandboxes).map(([id, s]) => [id, s.receivedCount()]),
      ),
      gatewayErrorLogs: gatewayErrors,
      rssMb: { before: rssBefore, after: rssAfter, peak: peakRss },
    };
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await Promise.all(Object.values(sandboxes).map((s) => s.close()));
    // The soak's keys go with it (they would expire within the hour anyway).
    const stream = redis.scanStream({ match: `${prefix}*`, count: 500 });
    for await (const keys of stream as AsyncIterable<string[]>)
      if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}

type Sandboxes = {
  fusebill: { state: { writes: WriteCounts | null; customers: Map<number, { status: string }> } };
  netxd: { state: { writes: WriteCounts | null; customers: Map<string, { status: string }> } };
  blackhawk: { state: { writes: WriteCounts | null; codes: Map<string, string> } };
  enkash: { state: { writes: WriteCounts | null; customers: Map<string, { status: string }> } };
};

/** Compares what every client was finally told with the sandboxes' state and write counters. */
function verify(
  records: WriteRecord[],
  sandboxes: Sandboxes,
  reads: { operations: number; definite: number; gaveUp: number },
) {
  const problems = {
    appliedTwice: [] as string[],
    lost: [] as string[],
    wrongAnswers: [] as string[],
    /** A write the provider saw again (and refused as already done) after it had applied. */
    duplicatesSeenByProvider: [] as string[],
  };
  const gaveUp: string[] = [];
  const byKind: Record<string, Record<string, number>> = {};
  let cardsSetAgainSameCode = 0;
  let cardsToldSet = 0;
  let cardsToldNotSet = 0;
  let enkashSettledByUserError = 0;
  const count = (w: WriteCounts | null, kind: 'applied' | 'refused', key: string) =>
    w?.[kind].get(key) ?? 0;
  const describe = (r: WriteRecord, what: string) =>
    `${r.kind} ${r.entity} (${r.settled.history.join(' -> ')}): ${what}`;

  for (const r of records) {
    const s = r.settled;
    const outcome = s.gaveUp
      ? 'gave up'
      : s.errorCode
        ? `error ${s.errorCode}`
        : s.payload?.userErrors?.length
          ? `user error ${s.payload.userErrors[0].code}`
          : s.payload?.reconciled
            ? 'success (reconciled)'
            : 'success';
    bump((byKind[r.kind] ??= {}), outcome);
    bump(byKind[r.kind]!, 'total');
    bump(byKind[r.kind]!, 'attempts', s.attempts);
    if (s.gaveUp) gaveUp.push(describe(r, 'no definite answer'));
    const success = !s.gaveUp && !s.errorCode && !s.payload?.userErrors?.length;

    if (r.kind === 'fusebill' || r.kind === 'enkash' || r.kind === 'netxd') {
      const { state } = sandboxes[r.kind];
      const customerId = r.kind === 'netxd' ? r.entity.split(':')[0]! : r.entity;
      const target = r.kind === 'netxd' ? r.entity.split(':')[1]! : 'ACTIVE';
      const applied = count(state.writes, 'applied', r.entity);
      const refused = count(state.writes, 'refused', r.entity);
      const status = (state.customers as Map<string | number, { status: string }>).get(
        r.kind === 'fusebill' ? Number(customerId) : customerId,
      )?.status;
      if (applied > 1) problems.appliedTwice.push(describe(r, `applied ${applied} times`));
      if (success && applied === 0) problems.lost.push(describe(r, 'told done, never applied'));
      // The final status only says something for the last write of a customer.
      if (success && (r.kind !== 'netxd' || target === 'ACTIVE')) {
        if (status?.toUpperCase() !== target)
          problems.lost.push(describe(r, `told ${target}, the provider holds ${status}`));
      }
      if (refused > 0 && !(r.kind === 'enkash')) {
        problems.duplicatesSeenByProvider.push(
          describe(r, `applied ${applied}, then sent again and refused ${refused} time(s)`),
        );
      }
      const userError = s.payload?.userErrors?.[0] as { code: string; message: string } | undefined;
      if (userError || s.errorCode) {
        const told = userError ? `${userError.code} "${userError.message}"` : s.errorCode!;
        // EnKash has no read: after an unknown outcome the gateway writes again, and "already
        // active" is how the README says the client learns that its first write happened.
        if (
          r.kind === 'enkash' &&
          userError?.code === 'INVALID_STATE' &&
          s.ambiguousBefore &&
          applied === 1
        )
          enkashSettledByUserError += 1;
        else problems.wrongAnswers.push(describe(r, `told ${told}; applied ${applied} time(s)`));
      }
    }

    if (r.kind === 'cards') {
      const { state } = sandboxes.blackhawk;
      const told = new Map<string, 'set' | 'not set' | 'unknown'>();
      for (const card of (s.payload?.cards ?? []) as { proxyNumber: string }[])
        told.set(card.proxyNumber, 'set');
      for (const failure of (s.payload?.failures ?? []) as {
        outcomeUnknown: boolean;
        cards: { proxyNumber: string }[];
      }[]) {
        for (const card of failure.cards)
          told.set(card.proxyNumber, failure.outcomeUnknown ? 'unknown' : 'not set');
      }
      let lost = 0;
      let wronglyNotSet = 0;
      let wrongCode = 0;
      for (const [proxy, code] of r.codes!) {
        const held = state.codes.get(proxy);
        const sets = count(state.writes, 'applied', proxy);
        if (sets > 1) cardsSetAgainSameCode += 1;
        if (held !== undefined && held !== code) wrongCode += 1;
        const verdict = told.get(proxy) ?? (s.gaveUp || s.errorCode ? 'unknown' : 'missing');
        if (verdict === 'set') {
          cardsToldSet += 1;
          if (held !== code) lost += 1;
        } else if (verdict === 'not set') {
          cardsToldNotSet += 1;
          if (held !== undefined) wronglyNotSet += 1;
        } else if (verdict === 'missing') {
          problems.wrongAnswers.push(describe(r, `card ${proxy} missing from the answer`));
        }
      }
      if (lost) problems.lost.push(describe(r, `${lost} card(s) told set are not set`));
      if (wrongCode)
        problems.appliedTwice.push(describe(r, `${wrongCode} card(s) hold another code`));
      if (wronglyNotSet)
        problems.wrongAnswers.push(describe(r, `${wronglyNotSet} card(s) told not set are set`));
      if (s.errorCode && s.errorCode !== 'OUTCOME_UNKNOWN')
        problems.wrongAnswers.push(describe(r, `told ${s.errorCode}`));
    }
  }
  const limit = (list: string[]) => ({ count: list.length, first: list.slice(0, 10) });
  return {
    reads,
    writes: byKind,
    cards: {
      toldSet: cardsToldSet,
      toldNotSet: cardsToldNotSet,
      setAgainSameCode: cardsSetAgainSameCode,
    },
    enkashSettledByUserError,
    appliedTwice: limit(problems.appliedTwice),
    lostWrites: limit(problems.lost),
    wrongAnswers: limit(problems.wrongAnswers),
    duplicatesSeenByProvider: limit(problems.duplicatesSeenByProvider),
    gaveUp: limit(gaveUp),
  };
}
