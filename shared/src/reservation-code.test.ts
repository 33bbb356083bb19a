import { describe, expect, it } from 'vitest';
import { looksLikeReservationCode, normalizeReservationCode } from './reservation-code.js';

describe('reservation codes typed at the door', () => {
  it('come out in the stored form whatever the case, dash or spaces', () => {
    for (const typed of ['k7qf-2m9x', 'K7QF2M9X', ' k7qf 2m9x ', 'K7QF–2M9X']) expect(normalizeReservationCode(typed)).toBe('K7QF-2M9X');
  });

  it('are recognised only with eight characters of the code alphabet', () => {
    expect(looksLikeReservationCode('k7qf2m9x')).toBe(true);
    expect(looksLikeReservationCode('K7QF-2M9')).toBe(false);
    // 0, O, 1, I and L are never in a code (they are misread aloud).
    expect(looksLikeReservationCode('K7QF-2M0X')).toBe(false);
    expect(looksLikeReservationCode('K7QF-2MLX')).toBe(false);
  });
});
