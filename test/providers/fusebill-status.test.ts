import { describe, expect, it } from 'vitest';
import { FUSEBILL_STATUS_TABLE, fusebillStatus } from '../../src/providers/fusebill/status.js';

describe('Fusebill status table', () => {
  it.each(Object.entries(FUSEBILL_STATUS_TABLE))('%s -> %s', (raw, status) => {
    expect(fusebillStatus(raw)).toBe(status);
    expect(fusebillStatus(raw.toUpperCase())).toBe(status);
    expect(fusebillStatus(` ${raw[0]!.toUpperCase()}${raw.slice(1)} `)).toBe(status);
  });

  it.each(['Provisioning', 'Archived', 'toString', '__proto__', ''])(
    '%s is not in the table',
    (raw) => {
      expect(fusebillStatus(raw)).toBeUndefined();
    },
  );
});
