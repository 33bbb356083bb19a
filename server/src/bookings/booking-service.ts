import { availableSeats } from '../../../shared/src/availability.js';
import type { AdminReservationCreated, IssuedTicketAnswer, ReservationCancelled, ResendAnswer } from '../../../shared/src/box-office-contracts.js';
import type {
  AdminReservationCreateInput,
  GuestTicket,
  PerformanceSummary,
  ReservationConfirmed,
  ReservationCreated,
  ReservationCreateInput,
  Ticket,
} from '../../../shared/src/contracts.js';
import { DEFAULT_LOCALE, type Locale } from '../../../shared/src/locale.js';
import type { Db, Executor } from '../db/client.js';
import type { ReservationSource } from '../db/schema.js';
import type { Env } from '../env.js';
import { AppError, invalidToken, notFound, validationError } from '../lib/errors.js';
import { generateReservationCode, generateToken, hashToken, looksLikeToken } from '../lib/tokens.js';
import { recordDoorChange } from '../door/door-changes-repository.js';
import { dropQueuedMail, enqueueMail } from '../mail/mail-repository.js';
import { guestMailFields } from '../mail/mail-payloads.js';
import { auditSubjects, insertAudit } from '../audit/audit-repository.js';
import type { SessionUser } from '../auth/sessions.js';
import {
  deleteLapsedPendingReservations,
  findReservation,
  findToken,
  liveCheckInToken,
  lockReservation,
  markReservationCancelled,
  revokeTokens,
  insertReservation,
  insertToken,
  loadPerformanceForBooking,
  markReservationConfirmed,
  markTokenUsed,
  type PerformanceForBooking,
  type ReservationRow,
} from './booking-repository.js';
import { icsEvent } from './calendar.js';
import { checkInUrl, confirmationUrl, qrCodeDataUrl } from './links.js';
import { TicketIssuer } from './ticket-issuer.js';
import type { SeatsChanged } from '../seats/seats-changed.js';

export interface CreatedReservation {
  reservation: ReservationRow;
  availableSeats: number;
  /** Returned to callers inside the server (tests, admin flow); never serialised to a client. */
  rawConfirmationToken: string;
}

/** A reservation with its ticket: confirmed, so it has its code. */
export type ConfirmedRow = ReservationRow & { status: 'confirmed'; code: string };

export interface ConfirmedReservation {
  reservation: ConfirmedRow;
  availableSeats: number;
  qrCodeUrl: string;
  qrCodeImage: string;
  rawCheckInToken: string;
}

/** A performance as a ticket or an offer names it: the one summary shape. */
export const performanceSummary = (p: Pick<PerformanceForBooking, 'id' | 'showTitle' | 'venueName' | 'startsAt'>): PerformanceSummary => ({
  id: p.id,
  show_title: p.showTitle,
  venue_name: p.venueName,
  starts_at: p.startsAt.toISOString(),
});

/** What every answer that issues a ticket to a guest carries (a confirmation, a taken waitlist offer). */
export const guestTicket = (reservation: ConfirmedRow, qrCodeUrl: string, qrCodeImage: string): GuestTicket => ({
  reservation_id: reservation.id,
  status: 'confirmed',
  party_size: reservation.partySize,
  qr_code_url: qrCodeUrl,
  qr_code_image: qrCodeImage,
  name: reservation.name,
  code: reservation.code,
});

const seatsLeft = (p: PerformanceForBooking) => availableSeats(p);

export class BookingService {
  readonly tickets: TicketIssuer;

  constructor(
    private readonly db: Db,
    private readonly env: Env,
    /** Told of the seats a cancellation frees, in its transaction (the waiting list offers them on). */
    private readonly seatsChanged: SeatsChanged,
    private readonly afterCommit: () => void,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.tickets = new TicketIssuer(env);
  }

  /**
   * Creates a pending reservation and its confirmation email in one transaction: either the
   * guest has a reservation *and* a queued email, or neither. Delivery happens after commit.
   */
  async create(
    performanceId: number,
    input: Omit<ReservationCreateInput, 'email'> & { email: string },
    options: { source: ReservationSource; createdByUserId?: number | null } = { source: 'public' },
  ): Promise<CreatedReservation> {
    const result = await this.db.transaction((tx) => this.createIn(tx, performanceId, input, options));
    this.afterCommit();
    return result;
  }

  /** A visitor's booking on the public site, as its `201` answer. */
  async bookByGuest(performanceId: number, input: ReservationCreateInput): Promise<ReservationCreated> {
    const { reservation } = await this.create(performanceId, input, { source: 'public' });
    return { reservation_id: reservation.id, status: 'pending', party_size: reservation.partySize };
  }

  private async createIn(
    tx: Executor,
    performanceId: number,
    input: Omit<ReservationCreateInput, 'email'> & { email: string },
    options: { source: ReservationSource; createdByUserId?: number | null },
  ): Promise<CreatedReservation> {
    const now = this.now();
    const performance = await loadPerformanceForBooking(tx, performanceId, { lock: false });
    // Staff may book guests for a performance not yet on the public programme; visitors may not.
    if (!performance || (options.source === 'public' && !performance.published)) {
      throw notFound('Performance not found.');
    }
    this.assertBookable(performance, now);
    const available = seatsLeft(performance);
    if (input.party_size > available) {
      throw new AppError('insufficient_seats', `Only ${available} seats are available.`, {
        data: { available_seats: available },
      });
    }
    const reservation = await insertReservation(tx, {
      performanceId,
      name: input.name,
      email: input.email,
      phone: input.phone,
      notes: input.notes,
      partySize: input.party_size,
      locale: input.locale ?? DEFAULT_LOCALE,
      source: options.source,
      createdByUserId: options.createdByUserId ?? null,
    });
    const rawConfirmationToken = await this.queueConfirmationLink(tx, reservation, performance, now);
    await insertAudit(tx, {
      actorUserId: options.createdByUserId ?? null,
      action: 'reservation.create',
      entityType: 'reservation',
      entityId: reservation.id,
      summary: `${reservation.partySize} seats, ${options.source}`,
      details: { seats: reservation.partySize, source: options.source },
    });
    return { reservation, availableSeats: available, rawConfirmationToken };
  }

  /**
   * The anti-overbooking core. In one transaction: lock the token (two clicks on one link run
   * one after the other), lock the performance row (confirmations of one performance queue
   * there), recount confirmed seats under that lock, and confirm only if the party fits.
   */
  async confirm(rawToken: string): Promise<ConfirmedReservation> {
    if (!looksLikeToken(rawToken)) throw invalidToken('Confirmation token is invalid.');
    const tokenHash = hashToken(rawToken);
    const result = await this.db.transaction(async (tx) => {
      const now = this.now();
      const found = await findToken(tx, tokenHash, 'confirmation', { lock: true });
      if (!found || found.token.revokedAt) throw invalidToken('Confirmation token is invalid.');
      const { token, reservation } = found;
      if (reservation.status === 'confirmed') {
        throw new AppError('already_confirmed', 'This reservation is already confirmed.');
      }
      if (reservation.status === 'cancelled') {
        throw new AppError('reservation_cancelled', 'This reservation was cancelled.');
      }
      if (token.usedAt) throw invalidToken('Confirmation token is invalid.');
      if (token.expiresAt <= now) {
        throw new AppError('expired_token', 'The confirmation link has expired. Please book again.');
      }
      const performance = await loadPerformanceForBooking(tx, reservation.performanceId, { lock: true });
      if (!performance) throw notFound('Performance not found.');
      // Read under the lock: a booking written just before a whole-performance cancellation
      // committed is refused here, not turned into a ticket for a cancelled night.
      if (performance.cancelledAt) throw new AppError('booking_closed', 'This performance was cancelled.');
      if (performance.startsAt <= now) {
        throw new AppError('booking_closed', 'This performance has already started.');
      }
      const available = seatsLeft(performance);
      if (reservation.partySize > available) {
        // Nothing is written: the reservation stays pending and its link keeps working if seats free up.
        throw new AppError('insufficient_seats', `Only ${available} seats are available.`, {
          data: { available_seats: available },
        });
      }
      const code = reservation.code ?? generateReservationCode();
      await markReservationConfirmed(tx, reservation, now, code);
      await markTokenUsed(tx, token.id, now);
      const { rawCheckInToken, qrCodeUrl } = await this.tickets.issue(tx, { ...reservation, code }, performance, now);
      await insertAudit(tx, {
        actorUserId: null,
        action: 'reservation.confirm',
        entityType: 'reservation',
        entityId: reservation.id,
        summary: `${reservation.partySize} seats`,
        details: { seats: reservation.partySize, source: 'public' },
      });
      return {
        reservation: { ...reservation, status: 'confirmed' as const, confirmedAt: now, code },
        availableSeats: available - reservation.partySize,
        qrCodeUrl,
        rawCheckInToken,
      };
    });
    this.afterCommit();
    // The PNG is rendered after commit: the lock on the performance is held only for SQL.
    return { ...result, qrCodeImage: await qrCodeDataUrl(result.qrCodeUrl) };
  }

  /** The confirmation link clicked on the public site: the ticket, and the seats still free. */
  async confirmByGuest(rawToken: string): Promise<ReservationConfirmed> {
    const { reservation, qrCodeUrl, qrCodeImage, availableSeats } = await this.confirm(rawToken);
    return { ...guestTicket(reservation, qrCodeUrl, qrCodeImage), available_seats: availableSeats };
  }

  /**
   * A reservation born confirmed: a waiting-list guest taking the seats held for them. The
   * caller holds the performance lock and has checked the seats; the email address was proven
   * by the list's opt-in, so there is no confirmation step.
   */
  async createConfirmedIn(
    tx: Executor,
    performance: PerformanceForBooking,
    guest: { name: string; email: string; partySize: number; locale: Locale },
    now: Date,
  ): Promise<{ reservation: ConfirmedRow; qrCodeUrl: string; rawCheckInToken: string }> {
    const inserted = await insertReservation(tx, {
      performanceId: performance.id,
      name: guest.name,
      email: guest.email,
      phone: null,
      notes: null,
      partySize: guest.partySize,
      locale: guest.locale,
      source: 'public',
      createdByUserId: null,
    });
    const code = generateReservationCode();
    await markReservationConfirmed(tx, inserted, now, code);
    const reservation = { ...inserted, status: 'confirmed' as const, confirmedAt: now, code };
    const { rawCheckInToken, qrCodeUrl } = await this.tickets.issue(tx, reservation, performance, now);
    await insertAudit(tx, {
      actorUserId: null,
      action: 'reservation.confirm',
      entityType: 'reservation',
      entityId: reservation.id,
      summary: `${reservation.partySize} seats, from the waiting list`,
      details: { seats: reservation.partySize, source: 'waitlist' },
    });
    return { reservation, qrCodeUrl, rawCheckInToken };
  }

  /**
   * The ticket again, from the check-in token in the "your ticket" email: the guest's name and
   * the reservation code are printed on it, as on a paper ticket; never the email or phone.
   */
  async ticketForGuest(rawToken: string): Promise<Ticket> {
    const { reservation, performance } = await this.ticketHolder(rawToken);
    const qrCodeUrl = checkInUrl(this.env.SITE_BASE_URL, rawToken);
    return {
      reservation_id: reservation.id,
      party_size: reservation.partySize,
      name: reservation.name,
      code: reservation.code,
      qr_code_url: qrCodeUrl,
      qr_code_image: await qrCodeDataUrl(qrCodeUrl),
      printable: true,
      performance: performanceSummary(performance),
    };
  }

  /** The ticket's performance as an iCalendar event, from the same token. */
  async calendarForGuest(rawToken: string): Promise<string> {
    const { reservation, performance } = await this.ticketHolder(rawToken);
    const seats = reservation.partySize;
    return icsEvent({
      uid: `reservation-${reservation.id}@${new URL(this.env.SITE_BASE_URL).hostname}`,
      title: performance.showTitle,
      location: `${performance.venueName}, AzioneLab`,
      startsAt: performance.startsAt,
      durationMinutes: 120,
      description: `${seats} ${seats === 1 ? 'posto / seat' : 'posti / seats'}`,
      now: this.now(),
    });
  }

  /**
   * "I can't come": the guest frees the seats from the link in the ticket email, until the
   * performance starts. Same effects as a staff cancellation.
   */
  async cancelByGuest(rawToken: string): Promise<ReservationCancelled> {
    const { reservation, performance } = await this.ticketHolder(rawToken);
    if (performance.startsAt <= this.now()) {
      throw new AppError('cancellation_closed', 'The performance has started: the reservation can no longer be cancelled.');
    }
    const cancelled = await this.cancel(reservation.id, null);
    return { reservation_id: cancelled.id, status: 'cancelled' };
  }

  /** The confirmed reservation a valid check-in token belongs to, with its performance. */
  private async ticketHolder(rawToken: string): Promise<{ reservation: ReservationRow; performance: PerformanceForBooking }> {
    if (!looksLikeToken(rawToken)) throw invalidToken('Check-in token is invalid.');
    const found = await findToken(this.db, hashToken(rawToken), 'check_in');
    if (!found || found.token.revokedAt || found.token.expiresAt <= this.now()) {
      throw invalidToken('Check-in token is invalid.');
    }
    if (found.reservation.status !== 'confirmed') {
      throw new AppError('reservation_not_confirmed', 'The reservation is not confirmed.');
    }
    const performance = await loadPerformanceForBooking(this.db, found.reservation.performanceId, { lock: false });
    if (!performance) throw notFound('Performance not found.');
    return { reservation: found.reservation, performance };
  }

  /**
   * Cancels a reservation: its seats are free at once (only confirmed rows count), every token
   * is revoked (the QR stops opening the door), and the guest is told by email.
   */
  async cancel(reservationId: number, actor: SessionUser | null): Promise<ReservationRow> {
    const result = await this.db.transaction(async (tx) => {
      const now = this.now();
      const reservation = await lockReservation(tx, reservationId);
      if (!reservation) throw notFound('Reservation not found.');
      if (reservation.status === 'cancelled') {
        throw new AppError('reservation_cancelled', 'This reservation is already cancelled.');
      }
      const performance = await loadPerformanceForBooking(tx, reservation.performanceId, { lock: false });
      if (!performance) throw notFound('Performance not found.');
      await markReservationCancelled(tx, reservation.id, now);
      await revokeTokens(tx, reservation.id, now);
      await dropQueuedMail(tx, reservation.id, 'reservation_reminder');
      if (reservation.status === 'confirmed') {
        await recordDoorChange(tx, reservation.performanceId, reservation.id);
        await this.seatsChanged.seatsFreed(tx, reservation.performanceId, now);
      }
      await enqueueMail(
        tx,
        'reservation_cancelled',
        { ...guestMailFields(reservation, performance), hadTicket: reservation.status === 'confirmed' },
        { recipient: reservation.email, reservationId: reservation.id },
      );
      await insertAudit(tx, {
        actorUserId: actor?.id ?? null,
        action: 'reservation.cancel',
        entityType: 'reservation',
        entityId: reservation.id,
        summary: `${reservation.status} → cancelled, ${reservation.partySize} seats freed`,
        details: { seats: reservation.partySize, previous_status: reservation.status, changes: [{ field: 'status', before: reservation.status, after: 'cancelled' }] },
      });
      return { ...reservation, status: 'cancelled' as const, cancelledAt: now };
    });
    this.afterCommit();
    return result;
  }

  /**
   * Sends the guest's email again. A confirmed guest gets the *same* ticket (derived again, so
   * the QR code they printed or saved keeps working); a pending one a fresh confirmation link,
   * as in the seeds (confirmation links are random and only their hash is kept).
   */
  async resend(reservationId: number, actor: SessionUser): Promise<ResendAnswer> {
    const result = await this.db.transaction(async (tx) => {
      const now = this.now();
      const reservation = await lockReservation(tx, reservationId);
      if (!reservation) throw notFound('Reservation not found.');
      if (reservation.status === 'cancelled') throw new AppError('reservation_cancelled', 'This reservation was cancelled.');
      if (!reservation.email) throw new AppError('no_email', 'This guest has no email address: print the ticket instead.');
      const performance = await loadPerformanceForBooking(tx, reservation.performanceId, { lock: false });
      if (!performance) throw notFound('Performance not found.');
      let answer: ResendAnswer;
      if (reservation.status === 'pending') {
        await revokeTokens(tx, reservation.id, now, 'confirmation');
        await this.queueConfirmationLink(tx, reservation, performance, now);
        answer = { kind: 'reservation_confirmation', ticket: null, emailed: true };
      } else {
        const code = reservation.code ?? generateReservationCode();
        const { reissued } = await this.tickets.resend(tx, { ...reservation, code }, performance, now);
        answer = { kind: 'reservation_ticket', ticket: reissued ? 'reissued' : 'same', emailed: true };
      }
      await insertAudit(tx, {
        actorUserId: actor.id,
        action: 'reservation.resend',
        entityType: 'reservation',
        entityId: reservation.id,
        summary: answer.ticket ? `${answer.kind}, ${answer.ticket} ticket` : answer.kind,
        details: { mail: answer.ticket ? 'ticket' : 'confirmation' },
      });
      return answer;
    });
    this.afterCommit();
    return result;
  }

  /**
   * A new ticket replacing the guest's current one: the next generation, so the old QR code,
   * printout and links stop working (a lost or shared ticket). Door devices learn it through
   * the manifest delta; the guest is emailed the new ticket when they have an address.
   */
  async reissue(reservationId: number, actor: SessionUser): Promise<IssuedTicketAnswer> {
    const result = await this.db.transaction(async (tx) => {
      const now = this.now();
      const reservation = await lockReservation(tx, reservationId);
      if (!reservation) throw notFound('Reservation not found.');
      if (reservation.status === 'cancelled') throw new AppError('reservation_cancelled', 'This reservation was cancelled.');
      if (reservation.status !== 'confirmed') throw new AppError('reservation_not_confirmed', 'Only a confirmed reservation has a ticket.');
      const performance = await loadPerformanceForBooking(tx, reservation.performanceId, { lock: false });
      if (!performance) throw notFound('Performance not found.');
      const code = reservation.code ?? generateReservationCode();
      const issued = await this.tickets.issue(tx, { ...reservation, code }, performance, now);
      await insertAudit(tx, {
        actorUserId: actor.id,
        action: 'reservation.reissue',
        entityType: 'reservation',
        entityId: reservation.id,
        summary: 'new ticket: the previous QR code no longer admits',
        details: {},
      });
      return { reservation: { ...reservation, code }, performance, issued };
    });
    this.afterCommit();
    return this.ticketAnswer(result.reservation, result.performance, result.issued.qrCodeUrl);
  }

  /**
   * A ticket issued at the box office (a caller on the phone, a guest at the desk): confirmed
   * at once, email optional. Seats are checked under the performance lock, exactly as a
   * confirmation is, so desk tickets and online confirmations never overbook together.
   */
  async issueAtDesk(performanceId: number, input: AdminReservationCreateInput, actor: SessionUser): Promise<IssuedTicketAnswer> {
    const result = await this.db.transaction(async (tx) => {
      const now = this.now();
      const performance = await loadPerformanceForBooking(tx, performanceId, { lock: true });
      if (!performance) throw notFound('Performance not found.');
      this.assertBookable(performance, now);
      const available = seatsLeft(performance);
      if (input.party_size > available) {
        throw new AppError('insufficient_seats', `Only ${available} seats are available.`, { data: { available_seats: available } });
      }
      const inserted = await insertReservation(tx, {
        performanceId,
        name: input.name,
        email: input.email,
        phone: input.phone,
        notes: input.notes,
        partySize: input.party_size,
        locale: input.locale,
        source: 'admin',
        createdByUserId: actor.id,
      });
      const code = generateReservationCode();
      await markReservationConfirmed(tx, inserted, now, code);
      const reservation = { ...inserted, status: 'confirmed' as const, confirmedAt: now, code };
      const issued = await this.tickets.issue(tx, reservation, performance, now);
      await insertAudit(tx, {
        actorUserId: actor.id,
        action: 'reservation.issue',
        entityType: 'reservation',
        entityId: reservation.id,
        summary: `${reservation.partySize} seats, confirmed at the box office by ${actor.email}${reservation.email ? '' : ', no email'}`,
        details: { seats: reservation.partySize, source: 'box_office', ...(!reservation.email && { no_email: true }) },
      });
      return { reservation, performance, issued };
    });
    this.afterCommit();
    return this.ticketAnswer(result.reservation, result.performance, result.issued.qrCodeUrl);
  }

  /**
   * A reservation staff make for a guest (a phone call, a walk-in): by default pending until the
   * guest confirms from the email, as online; `confirmed_now` issues the ticket at once.
   */
  async createByStaff(input: AdminReservationCreateInput, actor: SessionUser): Promise<AdminReservationCreated> {
    if (input.issue === 'confirmed_now') return this.issueAtDesk(input.performance_id, input, actor);
    const { performance_id: performanceId, issue: _issue, email, ...guest } = input;
    // The contract asks for an address when the guest is to confirm by email; this keeps the type honest.
    if (!email) throw validationError({ email: [{ code: 'required' }] });
    const { reservation } = await this.create(performanceId, { ...guest, email }, { source: 'admin', createdByUserId: actor.id });
    return {
      reservation_id: reservation.id,
      status: 'pending',
      party_size: reservation.partySize,
      detail: 'The reservation stays pending until the guest confirms it from the email link.',
    };
  }

  /** The box office cancels a reservation (see `cancel`). */
  async cancelByStaff(reservationId: number, actor: SessionUser): Promise<ReservationCancelled> {
    const reservation = await this.cancel(reservationId, actor);
    return { reservation_id: reservation.id, status: 'cancelled' };
  }

  /** The guest's current ticket for the box office's printout: derived again, never stored. */
  async printableTicket(reservationId: number): Promise<IssuedTicketAnswer> {
    const reservation = await findReservation(this.db, reservationId);
    if (!reservation) throw notFound('Reservation not found.');
    if (reservation.status !== 'confirmed' || !reservation.code) {
      throw new AppError('reservation_not_confirmed', 'Only a confirmed reservation has a ticket.');
    }
    const live = await liveCheckInToken(this.db, reservation.id);
    const raw = live && this.tickets.rawOf(live);
    if (!raw) throw new AppError('ticket_not_derivable', 'This ticket was issued before printable tickets: reissue it to print it.');
    const performance = await loadPerformanceForBooking(this.db, reservation.performanceId, { lock: false });
    if (!performance) throw notFound('Performance not found.');
    return this.ticketAnswer({ ...reservation, code: reservation.code }, performance, checkInUrl(this.env.SITE_BASE_URL, raw));
  }

  private async ticketAnswer(reservation: ReservationRow & { code: string }, performance: PerformanceForBooking, qrCodeUrl: string): Promise<IssuedTicketAnswer> {
    return {
      reservation_id: reservation.id,
      status: 'confirmed',
      name: reservation.name,
      code: reservation.code,
      party_size: reservation.partySize,
      performance: performanceSummary(performance),
      qr_code_url: qrCodeUrl,
      // Rendered after commit: the performance lock is held only for SQL.
      qr_code_image: await qrCodeDataUrl(qrCodeUrl),
      emailed: reservation.email !== null,
    };
  }

  private async queueConfirmationLink(tx: Executor, reservation: ReservationRow, performance: PerformanceForBooking, now: Date): Promise<string> {
    const raw = generateToken();
    // Never after the start: a link that "expires Saturday" for a show on Thursday misleads.
    const expiresAt = new Date(Math.min(now.getTime() + this.env.CONFIRMATION_TOKEN_TTL, performance.startsAt.getTime()));
    await insertToken(tx, { reservationId: reservation.id, purpose: 'confirmation', tokenHash: hashToken(raw), expiresAt });
    await enqueueMail(
      tx,
      'reservation_confirmation',
      { ...guestMailFields(reservation, performance), confirmUrl: confirmationUrl(this.env.SITE_BASE_URL, raw), expiresAt: expiresAt.toISOString() },
      { recipient: reservation.email, reservationId: reservation.id },
    );
    return raw;
  }

  /** Pending reservations whose confirmation link lapsed: they count nowhere, so they go. */
  async deleteLapsedPending(): Promise<number> {
    const now = this.now();
    const deleted = await this.db.transaction(async (tx) => {
      const rows = await deleteLapsedPendingReservations(tx, now);
      for (const row of rows) {
        // The row is gone: the entry names its performance, and its seats, from what is left.
        const { performance } = await auditSubjects(tx, { actorUserId: null, action: 'reservation.expire', entityType: 'performance', entityId: row.performanceId });
        await insertAudit(tx, {
          actorUserId: null,
          action: 'reservation.expire',
          entityType: 'reservation',
          entityId: row.id,
          summary: 'confirmation link expired',
          details: { reservation: { id: row.id, code: null, seats: row.partySize }, ...(performance && { performance }) },
        });
      }
      return rows.length;
    });
    return deleted;
  }

  private assertBookable(performance: PerformanceForBooking, now: Date): void {
    if (performance.cancelledAt) throw new AppError('booking_closed', 'This performance was cancelled.');
    if (!performance.bookingOpen) throw new AppError('booking_closed', 'Booking is closed for this performance.');
    if (performance.startsAt <= now) throw new AppError('booking_closed', 'This performance has already started.');
  }
}
