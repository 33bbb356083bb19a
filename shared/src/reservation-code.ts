/**
 * The reservation code printed on the ticket email ("K7QF-2M9X"), typed by door staff for a
 * guest without a phone. The manifest holds SHA-256 of the code as stored, so whatever staff
 * type must come out exactly in that form before hashing.
 */

/** Codes are typed in any case, with or without the dash, with stray spaces. */
export function normalizeReservationCode(input: string): string {
  const compact = input.toUpperCase().replace(/[^0-9A-Z]/g, '');
  return compact.length === 8 ? `${compact.slice(0, 4)}-${compact.slice(4)}` : compact;
}

/**
 * Eight characters of the code alphabet once normalized. 0/O and 1/I/L are left out of the
 * alphabet because they look alike, on a screen and read aloud.
 */
export function looksLikeReservationCode(input: string): boolean {
  return /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/.test(normalizeReservationCode(input));
}

/** The characters codes never use, in two families of look-alikes. */
const LOOK_ALIKES = { zero: '0O', one: '1IL' } as const;

/**
 * What is wrong with a typed code, for words at the door (codes and numbers, no prose: each app
 * words them in its language). Empty when it is a code. A wrong length and characters codes
 * never use can both be true: both are said.
 */
export type ReservationCodeProblem =
  | { code: 'empty' }
  | { code: 'too_short' | 'too_long'; params: { count: number; expected: 8 } }
  /** `characters`: those typed, as typed (upper case), from one family of look-alikes. */
  | { code: 'look_alike_zero' | 'look_alike_one'; params: { characters: string } };

export function reservationCodeProblems(input: string): ReservationCodeProblem[] {
  const compact = input.toUpperCase().replace(/[^0-9A-Z]/g, '');
  if (compact.length === 0) return [{ code: 'empty' }];
  const problems: ReservationCodeProblem[] = [];
  if (compact.length !== 8) problems.push({ code: compact.length < 8 ? 'too_short' : 'too_long', params: { count: compact.length, expected: 8 } });
  for (const [family, letters] of Object.entries(LOOK_ALIKES) as [keyof typeof LOOK_ALIKES, string][]) {
    const found = [...new Set([...compact].filter((ch) => letters.includes(ch)))].join('');
    if (found) problems.push({ code: `look_alike_${family}`, params: { characters: found } });
  }
  return problems;
}
