/** The shared step of every status table: unknown raw values become UNKNOWN, logged once, never fatal. */
import type { CustomerStatus } from '../generated/graphql.js';
import type { Logger } from '../log.js';
import type { ProviderId } from './ids.js';

const warned = new Set<string>();

export interface NormalizedStatus {
  status: CustomerStatus;
  providerStatus: string | null;
}

/**
 * Maps a raw provider status with `lookup` (the provider's table). A value the table does not know
 * becomes UNKNOWN, keeps its raw spelling, and is logged as a warning once per process.
 */
export function normalizeStatus(
  provider: ProviderId,
  raw: string | null | undefined,
  lookup: (raw: string) => CustomerStatus | undefined,
  log: Logger,
): NormalizedStatus {
  if (raw === null || raw === undefined || raw === '')
    return { status: 'UNKNOWN', providerStatus: raw ?? null };
  const status = lookup(raw);
  if (status) return { status, providerStatus: raw };
  const key = `${provider}\u0000${raw}`;
  if (!warned.has(key)) {
    warned.add(key);
    log.warn('unknown provider status mapped to UNKNOWN', { provider, providerStatus: raw });
  }
  return { status: 'UNKNOWN', providerStatus: raw };
}
