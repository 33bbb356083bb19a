import { describe, expect, it } from 'vitest';
import { looksLikeReservationCode, normalizeReservationCode, reservationCodeProblems } from './reservation-code.js';

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

describe('what is wrong with a typed code', () => {
  it('names the characters codes never use, rather than the length, when the length is right', () => {
    expect(reservationCodeProblems('ABCD-1234')).toEqual([{ code: 'look_alike_one', params: { characters: '1' } }]);
    expect(reservationCodeProblems('k7qf-2m0o')).toEqual([{ code: 'look_alike_zero', params: { characters: '0O' } }]);
    expect(reservationCodeProblems('il1x-0abc')).toEqual([
      { code: 'look_alike_zero', params: { characters: '0' } },
      { code: 'look_alike_one', params: { characters: 'IL1' } },
    ]);
  });

  it('counts the letters and digits when there are too few or too many, dashes and spaces aside', () => {
    expect(reservationCodeProblems('K7QF-2M9')).toEqual([{ code: 'too_short', params: { count: 7, expected: 8 } }]);
    expect(reservationCodeProblems(' k7qf - 2m9xy ')).toEqual([{ code: 'too_long', params: { count: 9, expected: 8 } }]);
    expect(reservationCodeProblems('K7Q-10')).toEqual([
      { code: 'too_short', params: { count: 5, expected: 8 } },
      { code: 'look_alike_zero', params: { characters: '0' } },
      { code: 'look_alike_one', params: { characters: '1' } },
    ]);
    expect(reservationCodeProblems(' - ')).toEqual([{ code: 'empty' }]);
  });

  it('finds nothing wrong exactly when the input is a code', () => {
    const samples = ['K7QF-2M9X', 'k7qf2m9x', 'K7QF–2M9X', 'ABCD-1234', 'K7QF-2M9', 'OOOO-OOOO', '', 'ZZZZ ZZZZ', 'ZZZZ-ZZZZ-Z'];
    for (const typed of samples) expect(reservationCodeProblems(typed).length === 0, typed).toBe(looksLikeReservationCode(typed));
  });
});
