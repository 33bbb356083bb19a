/*
 * The public API's answers, as docs/api.md and server/src/bookings/booking-routes.ts define them.
 * Kept as plain types: the public bundle imports nothing from zod.
 */

/** A performance on the programme (`performanceJson` on the server). */
export interface PublicPerformance {
  id: number;
  show_id: number;
  venue: { id: number; name: string };
  starts_at: string;
  available_seats: number;
  /** The booking flag, and false once the performance has started. */
  booking_open: boolean;
  sold_out: boolean;
  few_seats_left: boolean;
  /** Staff cancelled this date: it stays listed, shown as cancelled, and cannot be booked. */
  cancelled?: boolean;
  /** The theatre's booking rules (MAX_PARTY_SIZE, the confirmation link's lifetime in hours). */
  max_party_size?: number;
  confirmation_link_hours?: number;
}

/** GET /api/shows (a list of these) and GET /api/shows/:slug. */
export interface PublicShow {
  id: number;
  title: string;
  slug: string;
  description: string;
  performances: PublicPerformance[];
}

/** 201 of POST /api/performances/:id/reservations. */
export interface ReservationCreated {
  reservation_id: number;
  status: 'pending';
  party_size: number;
}

/** 200 of POST /api/reservations/confirm. */
export interface ReservationConfirmed {
  reservation_id: number;
  status: 'confirmed';
  party_size: number;
  available_seats: number;
  /** The check-in URL the QR code holds; its `token` is the new check-in token. */
  qr_code_url: string;
  qr_code_image: string;
  name: string;
  code: string;
}

/** 200 of GET /api/reservations/qr-code: the ticket again, with the name and code printed on it, never the email. */
export interface Ticket {
  reservation_id: number;
  qr_code_url: string;
  qr_code_image: string;
  printable: boolean;
  party_size: number;
  name: string;
  code: string | null;
  performance: { id: number; show_title: string; venue_name: string; starts_at: string };
}

/** 200 of POST /api/reservations/cancel. */
export interface ReservationCancelled {
  reservation_id: number;
  status: 'cancelled';
}

/** The performance a waiting-list answer is about (no seat counts). */
export interface WaitlistPerformance {
  id: number;
  show_title: string;
  venue_name: string;
  starts_at: string;
}

/** 201 of POST /api/performances/:id/waitlist: the entry waits for its opt-in link. */
export interface WaitlistJoined {
  entry_id: number;
  status: 'pending';
  party_size: number;
}

export type WaitlistStatus = 'pending' | 'waiting' | 'offered' | 'accepted' | 'expired' | 'removed';

/** 200 of POST /api/waitlist/confirm: the place in line (`position` is 0 unless waiting). */
export interface WaitlistPlace {
  status: WaitlistStatus;
  party_size: number;
  position: number;
  performance: WaitlistPerformance;
}

/** 200 of POST /api/waitlist/offer: the seats held for the visitor, and until when. */
export interface WaitlistOffer {
  status: 'offered';
  party_size: number;
  offer_expires_at: string | null;
  performance: WaitlistPerformance;
}

/** What any answer that issues a ticket carries: enough for the ticket page to show it at once. */
export type IssuedTicket = Pick<ReservationConfirmed, 'reservation_id' | 'party_size' | 'qr_code_url' | 'qr_code_image' | 'name' | 'code'>;

/** 200 of POST /api/waitlist/accept: the shape of a confirmation, without the seat count. */
export interface WaitlistAccepted extends IssuedTicket {
  status: 'confirmed';
}
