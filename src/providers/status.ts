/** The shared step of every status table: unknown raw values become UNKNOWN, logged once, never fatal. */
import type { CustomerStatus } from '../generated/graphql.js';
import type { Logger } from '../log.js';
import type { AdapterTelemetry } from '../transport/types.js';
import type { ProviderId } from './ids.js';

// Bounded: a provider that invents a new status per record must not grow the process.
const WARN_LIMIT = 1_000;
const warned = new Set<string>();

function warnOnce(key: string, log: Logger, msg: string, fields: Record<string, unknown>): void {
  if (warned.has(key) || warned.size >= WARN_LIMIT) return;
  warned.add(key);
  log.warn(msg, fields);
}

export interface NormalizedStatus {
  status: CustomerStatus;
  providerStatus: string | null;
}

/**
 * Maps a raw provider status with `lookup` (the provider's table). A value the table does not know
 * becomes UNKNOWN, keeps its raw spelling, and is logged as a warning once per process (as is a
 * missing status); at most WARN_LIMIT distinct values are remembered. Every unknown value is
 * counted in switchyard_unknown_status_total when metrics are on.
 */
export function normalizeStatus(
  provider: ProviderId,
  raw: string | null | undefined,
  lookup: (raw: string) => CustomerStatus | undefined,
  log: Logger,
  telemetry?: AdapterTelemetry,
): NormalizedStatus {
  if (raw === null || raw === undefined || raw === '') {
    warnOnce(`${provider}\u0000(none)`, log, 'provider sent no status; mapped to UNKNOWN', {
      provider,
    });
    return { status: 'UNKNOWN', providerStatus: raw ?? null };
  }
  const status = lookup(raw);
  if (status) return { status, providerStatus: raw };
  telemetry?.unknownStatus(provider, raw);
  warnOnce(`${provider}\u0000${raw}`, log, 'unknown provider status mapped to UNKNOWN', {
    provider,
    providerStatus: raw,
  });
  return { status: 'UNKNOWN', providerStatus: raw };
}
