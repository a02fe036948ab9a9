import { describe, expect, it } from 'vitest';
import type { CustomerStatus } from '../../src/generated/graphql.js';
import { createLogger } from '../../src/log.js';
import {
  NETXD_SETTABLE_STATUSES,
  NETXD_STATUS_FOR,
  NETXD_STATUS_TABLE,
  netxdStatus,
  netxdStatusFor,
} from '../../src/providers/netxd/status.js';
import { normalizeStatus } from '../../src/providers/status.js';

const quiet = createLogger({ write: () => undefined });

describe('NetXD status table', () => {
  const rows = [
    ['ACTIVE', 'ACTIVE'],
    ['IN_ACTIVE', 'INACTIVE'],
    ['DORMANT', 'DORMANT'],
    ['SUSPENDED', 'SUSPENDED'],
    ['BLOCKED', 'BLOCKED'],
    ['BLACK_LISTED', 'BLACKLISTED'],
  ] as const;

  it.each(rows)('%s -> %s', (raw, status) => {
    expect(netxdStatus(raw)).toBe(status);
  });

  it('has exactly the documented rows', () => {
    expect(Object.keys(NETXD_STATUS_TABLE).sort()).toEqual(rows.map(([raw]) => raw).sort());
  });

  it.each(['CLOSED', 'active', 'In_Active', ' ACTIVE', '', 'toString', '__proto__'])(
    'does not know %j',
    (raw) => {
      expect(netxdStatus(raw)).toBeUndefined();
    },
  );

  it('makes an unknown value UNKNOWN and keeps it raw', () => {
    expect(normalizeStatus('netxd', 'CLOSED', netxdStatus, quiet)).toEqual({
      status: 'UNKNOWN',
      providerStatus: 'CLOSED',
    });
  });
});

describe('NetXD reverse status table', () => {
  const rows: [CustomerStatus, string | null][] = [
    ['DRAFT', null],
    ['ACTIVE', 'ACTIVE'],
    ['INACTIVE', 'IN_ACTIVE'],
    ['DORMANT', 'DORMANT'],
    ['ON_HOLD', null],
    ['SUSPENDED', 'SUSPENDED'],
    ['BLOCKED', 'BLOCKED'],
    ['BLACKLISTED', 'BLACK_LISTED'],
    ['CANCELLED', null],
    ['UNKNOWN', null],
  ];

  it.each(rows)('%s -> %s', (status, netxd) => {
    expect(netxdStatusFor(status)).toBe(netxd);
  });

  it('covers every CustomerStatus', () => {
    expect(Object.keys(NETXD_STATUS_FOR).sort()).toEqual(rows.map(([status]) => status).sort());
  });

  it.each(rows.filter(([, netxd]) => netxd !== null))(
    '%s survives the round trip through NetXD',
    (status) => {
      expect(netxdStatus(netxdStatusFor(status)!)).toBe(status);
    },
  );

  it('makes every expressible status settable, and only those', () => {
    expect([...NETXD_SETTABLE_STATUSES].sort()).toEqual(
      rows
        .filter(([, netxd]) => netxd !== null)
        .map(([status]) => status)
        .sort(),
    );
  });
});
