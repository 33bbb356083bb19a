import type { GuestTicket } from '../../../shared/src/contracts';

/*
 * What one page hands to the next, kept in memory only: the guest's email never goes into a
 * URL (it would end up in history, logs and shared links). A reload forgets it, and the pages
 * then speak in general terms.
 */

/** The booking just sent, for the "check your email" page. */
export interface BookingReceipt {
  email: string;
  showTitle: string;
  startsAt: string;
  partySize: number;
  /** How long the confirmation link works, from the performance's booking rules. */
  linkHours?: number | undefined;
}

let receipt: BookingReceipt | undefined;

export function handOverBooking(next: BookingReceipt): void {
  receipt = next;
}

export function bookingReceipt(): BookingReceipt | undefined {
  return receipt;
}

/**
 * The answer of the confirmation (or of a waiting-list offer taken), for the ticket page it
 * moves to. That page loads the ticket again (with the performance details the answer does not
 * carry); if that fails, the QR code from here is still shown.
 */
let confirmed: { token: string; answer: GuestTicket } | undefined;

export function handOverConfirmed(token: string, answer: GuestTicket): void {
  confirmed = { token, answer };
}

/** The confirmation of this check-in token, once: a later visit to the page is not "just confirmed". */
export function takeConfirmed(token: string): GuestTicket | undefined {
  const found = confirmed?.token === token ? confirmed.answer : undefined;
  confirmed = undefined;
  return found;
}
