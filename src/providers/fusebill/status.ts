import type { CustomerStatus } from '../../generated/graphql.js';

/**
 * Fusebill service status -> CustomerStatus. Keys are lower case: Fusebill's spelling varies
 * (docs show both Cancelled and Canceled), so lookups are case-insensitive.
 */
export const FUSEBILL_STATUS_TABLE = {
  draft: 'DRAFT',
  active: 'ACTIVE',
  hold: 'ON_HOLD',
  suspended: 'SUSPENDED',
  cancelled: 'CANCELLED',
  canceled: 'CANCELLED',
} as const satisfies Record<string, CustomerStatus>;

export function fusebillStatus(raw: string): CustomerStatus | undefined {
  const key = raw.trim().toLowerCase();
  return Object.hasOwn(FUSEBILL_STATUS_TABLE, key)
    ? FUSEBILL_STATUS_TABLE[key as keyof typeof FUSEBILL_STATUS_TABLE]
    : undefined;
}

/** Statuses `updateCustomerStatus` can set at Fusebill (Hold is the only documented manual change). */
export const FUSEBILL_SETTABLE_STATUSES = ['ON_HOLD'] as const satisfies readonly CustomerStatus[];
