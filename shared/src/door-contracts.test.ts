import { describe, expect, it } from 'vitest';
import { isCheckInConflictAction, readCheckInConflict, type CheckInConflict } from './door-contracts.js';

describe('a door conflict in the audit log', () => {
  const conflict: CheckInConflict = {
    won: { device: 'Door 2', staff: 'Giulia', at: '2026-11-26T19:40:05.250Z' },
    lost: { device: null, staff: 'Marco', at: '2026-11-26T19:40:09.000Z' },
    rule: 'earliest_corrected_scan',
  };

  it('is read back from its summary, and any other summary is not mistaken for one', () => {
    expect(readCheckInConflict(JSON.stringify(conflict))).toEqual(conflict);
    for (const summary of ['2 seats, offline scan', '', '{"won":{}}', 'null', JSON.stringify({ ...conflict, rule: 'latest' })]) {
      expect(readCheckInConflict(summary), summary).toBeNull();
    }
  });

  it('has two actions', () => {
    expect(['check_in.reassign', 'check_in.duplicate', 'check_in.create'].map(isCheckInConflictAction)).toEqual([true, true, false]);
  });
});
