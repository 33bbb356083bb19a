import { looksLikeReservationCode, normalizeReservationCode, reservationCodeProblems, type ReservationCodeProblem } from '../../../../shared/src/reservation-code';

/*
 * What staff present to the door app, from the camera, a keyboard-wedge scanner or typing:
 * the ticket QR's URL (`…/api/check-ins/preview/?token=<43 characters>`), the ticket page's link
 * (`…/ticket#token=…`), a bare token, or the reservation code from the email.
 */

export type TicketInput =
  | { kind: 'token'; token: string }
  | { kind: 'code'; code: string }
  /** A guest found by name (online search): admitted like a typed code, by its code hash. */
  | { kind: 'reservation'; reservationId: number }
  | { kind: 'invalid' };

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function tokenInUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const fromQuery = url.searchParams.get('token');
  const fromFragment = new URLSearchParams(url.hash.replace(/^#/, '')).get('token');
  return [fromQuery, fromFragment].find((value): value is string => value !== null && TOKEN.test(value));
}

export function readTicketInput(text: string): TicketInput {
  const value = text.trim();
  if (TOKEN.test(value)) return { kind: 'token', token: value };
  const token = tokenInUrl(value);
  if (token) return { kind: 'token', token };
  if (looksLikeReservationCode(value)) return { kind: 'code', code: normalizeReservationCode(value) };
  return { kind: 'invalid' };
}

/**
 * Typed text that can only have been meant as a reservation code (a few letters and digits,
 * with at least one letter, dashes and spaces), and is not one: what is wrong with it. Null for
 * anything else, a ticket or a scanned barcode of another kind, which the verdict refuses.
 */
export function mistypedCode(text: string): ReservationCodeProblem[] | null {
  const value = text.trim();
  const compact = value.replace(/[\s\-–—]/g, '');
  const codeShaped = /^[A-Za-z0-9]{4,12}$/.test(compact) && /[A-Za-z]/.test(compact);
  if (!codeShaped || readTicketInput(value).kind !== 'invalid') return null;
  return reservationCodeProblems(value);
}
