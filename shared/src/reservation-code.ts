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

/** Eight characters of the code alphabet once normalized (no 0/O, 1/I/L). */
export function looksLikeReservationCode(input: string): boolean {
  return /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/.test(normalizeReservationCode(input));
}
