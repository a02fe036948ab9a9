/**
 * A provider's request budget (`<PROVIDER>_RATE_LIMIT_PER_MINUTE`): a fixed window counted in Redis
 * when REDIS_URL is set, so every replica together stays under the provider's limit, and in this
 * process otherwise (or while Redis cannot be reached, said once in the log).
 *
 * Not rate-limiter-flexible, although the client rate limit uses it: its consume always increments,
 * so a read refused at 90 % would still take a point a write needs (even if given back, a write
 * racing it is refused), and the provider's own report must raise the count and move the window's
 * end in one step. Both are one small Lua script each here, atomic on the shared counter.
 */
import type { Logger } from '../log.js';
import type { ProviderId } from '../providers/ids.js';
import { ensureConnected, type Redis } from '../redis.js';
import type { ProviderQuota, QuotaReport } from './types.js';

/** Where the count of one window lives. */
export interface BudgetStore {
  /** Adds one to the count if it stays ≤ `cap`; says whether it did, the count and the window's time left. */
  take(cap: number): Promise<{ taken: boolean; count: number; msLeft: number }>;
  /** Raises the count to `floor`, the window ending in `msLeft`, unless it is already that high. */
  tighten(floor: number, msLeft: number): Promise<void>;
}

const MIN_SLEEP_MS = 5;

/** One process's window. `now` is injectable for tests. */
/** Least time a call must still have when budget comes back for it to be sent then. */
const SEND_MARGIN_MS = 250;

export function memoryBudget(windowMs: number, now: () => number = Date.now): BudgetStore {
  let count = 0;
  let endsAt = 0;
  const current = () => {
    if (now() >= endsAt) {
      count = 0;
      endsAt = now() + windowMs;
    }
  };
  return {
    take(cap) {
      current();
      const taken = count < cap;
      if (taken) count += 1;
      return Promise.resolve({ taken, count, msLeft: endsAt - now() });
    },
    tighten(floor, msLeft) {
      current();
      if (count < floor) {
        count = floor;
        endsAt = now() + msLeft;
      }
      return Promise.resolve();
    },
  };
}

// KEYS[1] the window's counter; ARGV[1] the highest count this request may bring it to; ARGV[2]
// the window in ms. Counts only what it admits, so a refused read takes nothing from writes.
const TAKE = `
local count = tonumber(redis.call('get', KEYS[1]) or '0')
local taken = 0
if count < tonumber(ARGV[1]) then
  count = redis.call('incr', KEYS[1])
  taken = 1
end
local ttl = redis.call('pttl', KEYS[1])
if ttl < 0 then
  redis.call('pexpire', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {taken, count, ttl}`;

// KEYS[1] the counter; ARGV[1] the count the provider's report implies; ARGV[2] ms until its reset.
const TIGHTEN = `
local count = tonumber(redis.call('get', KEYS[1]) or '0')
if count < tonumber(ARGV[1]) then
  redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 0`;

interface QuotaCommands {
  switchyardQuotaTake(
    key: string,
    cap: number,
    windowMs: number,
  ): Promise<[number, number, number]>;
  switchyardQuotaTighten(key: string, floor: number, msLeft: number): Promise<number>;
}

/**
 * The window shared through Redis (the client's key prefix applies). While Redis cannot be
 * reached this process counts alone, in `fallback`, rather than refusing or admitting everything.
 */
export function redisBudget(
  redis: Redis,
  key: string,
  windowMs: number,
  log: Logger,
  fallback: BudgetStore = memoryBudget(windowMs),
): BudgetStore {
  redis.defineCommand('switchyardQuotaTake', { numberOfKeys: 1, lua: TAKE });
  redis.defineCommand('switchyardQuotaTighten', { numberOfKeys: 1, lua: TIGHTEN });
  const commands = redis as unknown as QuotaCommands;
  let warned = false;
  const guarded = async <T>(run: () => Promise<T>, degraded: () => Promise<T>): Promise<T> => {
    try {
      if (redis.status !== 'ready') await ensureConnected(redis);
      return await run();
    } catch (error) {
      if (!warned) {
        warned = true;
        log.warn('redis unavailable: provider quotas are counted per replica', {
          redisStatus: redis.status,
          error,
        });
      }
      return degraded();
    }
  };
  return {
    take: (cap) =>
      guarded(
        async () => {
          const [taken, count, msLeft] = await commands.switchyardQuotaTake(key, cap, windowMs);
          return { taken: taken === 1, count, msLeft };
        },
        () => fallback.take(cap),
      ),
    tighten: (floor, msLeft) =>
      guarded(
        async () => {
          await commands.switchyardQuotaTighten(key, floor, msLeft);
        },
        () => fallback.tighten(floor, msLeft),
      ),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The budget of one provider: `perMinute` requests a window, reads only up to 90 % of it so writes
 * always find room. A request waits for budget up to its deadline; the provider's own report of
 * what is left tightens it (never loosens it).
 */
export function createProviderQuota(
  perMinute: number,
  store: BudgetStore,
  now: () => number = Date.now,
): ProviderQuota {
  // The provider's own limit when it reports one: a gateway allowed 1,000 a minute against a
  // provider account allowed 50 keeps 10 % of the 50 for writes, not 10 % of the 1,000.
  let reportedLimit = perMinute;
  const readCap = () => Math.max(1, perMinute - Math.ceil(Math.min(perMinute, reportedLimit) / 10));
  // The last count seen and until when it holds: a report that changes nothing costs no round trip.
  let seen = 0;
  let seenUntil = 0;

  return {
    perMinute,
    async take(kind, deadline) {
      for (;;) {
        const { taken, count, msLeft } = await store.take(kind === 'read' ? readCap() : perMinute);
        seen = count;
        seenUntil = now() + msLeft;
        if (taken) return null;
        const wait = Math.max(MIN_SLEEP_MS, msLeft);
        // Budget comes back only when the window ends: if that leaves the call too little time to
        // be answered (a write sent with milliseconds left would end OUTCOME_UNKNOWN), say so now.
        if (now() + wait + SEND_MARGIN_MS >= deadline) return wait;
        await sleep(wait);
      }
    },
    async observe(report: QuotaReport) {
      if (report.limit !== undefined && report.limit > 0) reportedLimit = report.limit;
      if (report.resetInMs <= 0) return;
      const floor = perMinute - Math.max(0, report.remaining);
      if (floor <= 0 || (floor <= seen && now() < seenUntil)) return;
      await store.tighten(floor, report.resetInMs);
      seen = floor;
      seenUntil = now() + report.resetInMs;
    },
  };
}

/** Builds the budget of every provider with a limit: shared through `redis` when given. */
export function createProviderQuotas(
  limits: Partial<Record<ProviderId, number>>,
  redis: Redis | undefined,
  log: Logger,
  windowMs = 60_000,
): Partial<Record<ProviderId, ProviderQuota>> {
  const quotas: Partial<Record<ProviderId, ProviderQuota>> = {};
  for (const [id, perMinute] of Object.entries(limits) as [ProviderId, number][]) {
    const store = redis
      ? redisBudget(redis, `provider-quota:${id}`, windowMs, log.child({ provider: id }))
      : memoryBudget(windowMs);
    quotas[id] = createProviderQuota(perMinute, store);
  }
  return quotas;
}
