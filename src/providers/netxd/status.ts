import type { CustomerStatus } from '../../generated/graphql.js';

/** NetXD customer status -> CustomerStatus. Keys are NetXD's documented enum, matched exactly. */
export const NETXD_STATUS_TABLE = {
  ACTIVE: 'ACTIVE',
  IN_ACTIVE: 'INACTIVE',
  DORMANT: 'DORMANT',
  SUSPENDED: 'SUSPENDED',
  BLOCKED: 'BLOCKED',
  BLACK_LISTED: 'BLACKLISTED',
} as const satisfies Record<string, CustomerStatus>;

export type NetxdStatus = keyof typeof NETXD_STATUS_TABLE;

/**
 * CustomerStatus -> the NetXD status UpdateCustomerStatus takes; null where NetXD has no such state.
 * Typed over every CustomerStatus, so a new shared status fails to compile until it is placed here.
 */
export const NETXD_STATUS_FOR = {
  DRAFT: null,
  ACTIVE: 'ACTIVE',
  INACTIVE: 'IN_ACTIVE',
  DORMANT: 'DORMANT',
  ON_HOLD: null,
  SUSPENDED: 'SUSPENDED',
  BLOCKED: 'BLOCKED',
  BLACKLISTED: 'BLACK_LISTED',
  CANCELLED: null,
  UNKNOWN: null,
} as const satisfies Record<CustomerStatus, NetxdStatus | null>;

export function isNetxdStatus(raw: string): raw is NetxdStatus {
  return Object.hasOwn(NETXD_STATUS_TABLE, raw);
}

/** The lookup handed to normalizeStatus: undefined for a value NetXD's table does not know. */
export function netxdStatus(raw: string): CustomerStatus | undefined {
  return isNetxdStatus(raw) ? NETXD_STATUS_TABLE[raw] : undefined;
}

export function netxdStatusFor(status: CustomerStatus): NetxdStatus | null {
  return NETXD_STATUS_FOR[status];
}

/** Statuses `updateCustomerStatus` can set at NetXD: every one the reverse table can express. */
export const NETXD_SETTABLE_STATUSES: readonly CustomerStatus[] = (
  Object.keys(NETXD_STATUS_FOR) as CustomerStatus[]
).filter((status) => NETXD_STATUS_FOR[status] !== null);
