import { describe, expect, it } from 'vitest';
import { doorsOpenDay } from './verdict-words';

const ROME = 'Europe/Rome';

describe('"too early" names the day when it is not today', () => {
  it('says nothing more on the day itself, in Rome', () => {
    // Doors at 18:00 in Rome; scanned at 09:00 the same morning.
    expect(doorsOpenDay('2026-12-12T17:00:00Z', '2026-12-12T08:00:00Z', 'en-GB', ROME)).toBeNull();
  });

  it('names the day otherwise, in the staff\'s language', () => {
    expect(doorsOpenDay('2026-12-12T17:00:00Z', '2026-12-11T17:00:00Z', 'en-GB', ROME)).toBe('Sat 12 Dec');
    expect(doorsOpenDay('2026-12-12T17:00:00Z', '2026-12-11T17:00:00Z', 'it-IT', ROME)).toBe('sab 12 dic');
  });

  it('counts days in the theatre\'s zone, not in UTC or the phone\'s', () => {
    // 23:30 UTC on the 11th is already the 12th in Rome: the same day as doors at 00:30 Rome time.
    expect(doorsOpenDay('2026-12-11T23:30:00Z', '2026-12-11T23:10:00Z', 'en-GB', ROME)).toBeNull();
    // 23:10 Rome time on the 11th, doors at 00:30 on the 12th: another day, though the same one in UTC.
    expect(doorsOpenDay('2026-12-11T23:30:00Z', '2026-12-11T22:10:00Z', 'en-GB', ROME)).toBe('Sat 12 Dec');
  });
});
