import { describe, expect, it } from 'vitest';
import { FUSEBILL_STATUS_TABLE, fusebillStatus } from '../../src/providers/fusebill/status.js';

/** Fusebill's documented service statuses (FACTS.md §4) and what each must become, written out. */
const EXPECTED = [
  ['Draft', 'DRAFT'],
  ['Active', 'ACTIVE'],
  ['Hold', 'ON_HOLD'],
  ['Suspended', 'SUSPENDED'],
  ['Cancelled', 'CANCELLED'],
  ['Canceled', 'CANCELLED'],
] as const;

describe('Fusebill status table', () => {
  it.each(EXPECTED)('%s -> %s', (raw, status) => {
    expect(fusebillStatus(raw)).toBe(status);
  });

  it.each(EXPECTED)('%s is matched whatever its case and surrounding spaces', (raw, status) => {
    for (const variant of [raw.toUpperCase(), raw.toLowerCase(), ` ${raw} `, `\t${raw}\n`]) {
      expect(fusebillStatus(variant), JSON.stringify(variant)).toBe(status);
    }
  });

  it('has exactly the documented rows', () => {
    expect(Object.keys(FUSEBILL_STATUS_TABLE).sort()).toEqual(
      EXPECTED.map(([raw]) => raw.toLowerCase()).sort(),
    );
  });

  it.each(['Provisioning', 'Archived', 'Held', 'Cancel', 'toString', '__proto__', ''])(
    '%s is not in the table',
    (raw) => {
      expect(fusebillStatus(raw)).toBeUndefined();
    },
  );
});
