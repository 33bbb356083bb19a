/*
 * How staff find a guest: one rule for what is stored (reservations.search_text) and for how a
 * query is read, so "niccolo" finds "Niccolò", "06 1234" finds "+39 06 1234 5678" and "k7qf2m9x"
 * finds "K7QF-2M9X".
 */

/** Lower case without accents: "Niccolò Ñúñez" → "niccolo nunez". */
export function foldText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

export const digitsOf = (text: string): string => text.replace(/\D/g, '');

/** A code as stored for search: no dash, lower case. */
const codeKey = (code: string) => code.replace(/-/g, '').toLowerCase();

/** The row's search text: folded name and email, the phone's digits, the code without its dash. */
export function reservationSearchText(guest: { name: string; email: string | null; phone: string | null; code: string | null }): string {
  return [foldText(guest.name), guest.email ? foldText(guest.email) : '', guest.phone ? digitsOf(guest.phone) : '', guest.code ? codeKey(guest.code) : ''].join(' ');
}

/**
 * The fragments a query may match in the search text (any of them): the folded text, the
 * text without dashes (a code typed with or without one), the digits when the query is a
 * phone number (three digits or more, nothing but digits and phone punctuation).
 */
export function searchFragments(query: string): string[] {
  const folded = foldText(query.trim()).replace(/\s+/g, ' ');
  if (!folded) return [];
  const fragments = new Set([folded, folded.replace(/-/g, '')]);
  const digits = digitsOf(folded);
  if (digits.length >= 3 && /^[+0-9 ().-]+$/.test(folded)) fragments.add(digits);
  return [...fragments].filter((f) => f.length > 0);
}
