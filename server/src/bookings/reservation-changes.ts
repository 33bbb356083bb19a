import { availableSeats } from '../../../shared/src/availability.js';
import type { ReservationChanged, ReservationChangeInput } from '../../../shared/src/reservation-change-contracts.js';
import { reservationSearchText } from '../../../shared/src/search-key.js';
import { auditValue } from '../audit/audit-changes.js';
import { insertAudit } from '../audit/audit-repository.js';
import type { SessionUser } from '../auth/sessions.js';
import type { Db, Executor } from '../db/client.js';
import { recordDoorChange } from '../door/door-changes-repository.js';
import type { Env } from '../env.js';
import { AppError, notFound, validationError } from '../lib/errors.js';
import { generateReservationCode } from '../lib/tokens.js';
import { guestMailFields } from '../mail/mail-payloads.js';
import { enqueueMail, readdressQueuedMail } from '../mail/mail-repository.js';
import { isCheckedIn, showsOfPerformances, updateReservation } from '../reservations/reservation-changes-repository.js';
import { loadPerformanceForBooking, lockReservation, type PerformanceForBooking, type ReservationRow } from './booking-repository.js';
import type { SeatsChanged } from '../seats/seats-changed.js';
import type { TicketIssuer } from './ticket-issuer.js';

type ChangedField = ReservationChanged['changed'][number];
/** The performance a reservation leaves and the one it is in after the change (the same one unless it moves). */
type Locked = { from: PerformanceForBooking; to: PerformanceForBooking };

/** Field of the request → column of the row, in the order the audit summary lists them. */
const FIELDS: [ChangedField, keyof ReservationRow][] = [
  ['name', 'name'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['notes', 'notes'],
  ['party_size', 'partySize'],
  ['performance_id', 'performanceId'],
  ['locale', 'locale'],
];

/** How a value reads in the audit summary: text quoted (long notes cut), none as "—". */
function shown(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'string') return String(value);
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

/** A performance in the audit details: its show and its start (the admin words the date). */
const performanceLabel = (p: PerformanceForBooking) => `${p.showTitle}, ${p.startsAt.toISOString()}`;

/**
 * The box office changing a reservation (`PATCH /api/admin/reservations/:id`): the guest's
 * name and contacts, notes, seats, or another date of the same show.
 *
 * One transaction, locks in the order every booking path takes them: the reservation first,
 * then performance rows, and for a move both performances in id order (two staff moving guests
 * in opposite directions queue instead of deadlocking). Seats are counted after the locks, as a
 * confirmation counts them, so a change and a confirmation cannot both take the last seat.
 *
 * Only confirmed reservations hold seats: a pending one changes its numbers freely (the party
 * limit still holds) and its guest confirms against the seats left then.
 */
export class ReservationChanges {
  constructor(
    private readonly db: Db,
    private readonly env: Env,
    private readonly tickets: TicketIssuer,
    /** Told of the seats a change frees, in its transaction (the waiting list offers them on). */
    private readonly seatsChanged: SeatsChanged,
    private readonly afterCommit: () => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async change(reservationId: number, input: ReservationChangeInput, actor: SessionUser): Promise<ReservationChanged> {
    const result = await this.db.transaction((tx) => this.changeIn(tx, reservationId, input, actor));
    if (result.changed.length > 0) this.afterCommit();
    return result;
  }

  private async changeIn(tx: Executor, reservationId: number, input: ReservationChangeInput, actor: SessionUser): Promise<ReservationChanged> {
    const now = this.now();
    const before = await lockReservation(tx, reservationId);
    if (!before) throw notFound('Reservation not found.');
    if (before.status === 'cancelled') throw new AppError('reservation_cancelled', 'This reservation was cancelled.');

    const requested: Partial<ReservationRow> = {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.email !== undefined && { email: input.email }),
      ...(input.phone !== undefined && { phone: input.phone }),
      ...(input.notes !== undefined && { notes: input.notes }),
      ...(input.party_size !== undefined && { partySize: input.party_size }),
      ...(input.performance_id !== undefined && { performanceId: input.performance_id }),
      ...(input.locale !== undefined && { locale: input.locale }),
    };
    const after: ReservationRow = { ...before, ...requested };
    const changed = FIELDS.filter(([, column]) => after[column] !== before[column]);
    if (changed.length === 0) return this.answer(after, [], false);

    const confirmed = before.status === 'confirmed';
    const moving = after.performanceId !== before.performanceId;
    const { from, to: performance } = moving ? await this.lockForMove(tx, before, after, now) : await this.lockForSeats(tx, before, after);

    // Every confirmed reservation has a code; one from before codes existed gets it now.
    if (confirmed && after.code === null) after.code = generateReservationCode();
    after.searchText = reservationSearchText(after);
    after.updatedAt = now;
    await updateReservation(tx, after.id, {
      name: after.name,
      email: after.email,
      phone: after.phone,
      notes: after.notes,
      partySize: after.partySize,
      performanceId: after.performanceId,
      locale: after.locale,
      code: after.code,
      searchText: after.searchText,
      updatedAt: now,
    });

    const is = (field: ChangedField) => changed.some(([name]) => name === field);
    if (confirmed) {
      // The same ticket follows: new expiry and reminder for a new date, the door's sealed name,
      // the party size and the reminder's address. The door of the new performance learns it
      // there; the one it left learns it here.
      if (is('name') || is('email') || is('party_size') || moving) {
        await this.tickets.retarget(tx, { ...after, code: after.code! }, performance, now);
      }
      if (moving) {
        await recordDoorChange(tx, before.performanceId, before.id);
        await this.seatsChanged.seatsFreed(tx, before.performanceId, now);
      } else if (after.partySize < before.partySize) {
        await this.seatsChanged.seatsFreed(tx, before.performanceId, now);
      }
    }

    // Emails still waiting to go out follow a corrected address (or go, if it was removed).
    if (is('email')) await readdressQueuedMail(tx, after.id, after.email);

    let emailed = false;
    if (moving || is('party_size')) emailed = await this.emailGuest(tx, { before, from }, { after, to: performance });

    await insertAudit(tx, {
      actorUserId: actor.id,
      action: 'reservation.update',
      entityType: 'reservation',
      entityId: before.id,
      summary: changed.map(([name, column]) => `${name} ${shown(before[column])} → ${shown(after[column])}`).join(', '),
      details: {
        // A move reads as the two performances (show, date), not as their ids.
        changes: changed.map(([name, column]) =>
          name === 'performance_id'
            ? { field: 'performance', before: performanceLabel(from), after: performanceLabel(performance) }
            : { field: name, before: auditValue(before[column]), after: auditValue(after[column]) },
        ),
      },
    });
    return this.answer(
      after,
      changed.map(([name]) => name),
      emailed,
    );
  }

  /**
   * Another date of the same show, not cancelled, not started, for a guest not admitted yet.
   * Both performances are locked in id order; a confirmed party must fit whole in the target.
   */
  private async lockForMove(tx: Executor, before: ReservationRow, after: ReservationRow, now: Date): Promise<Locked> {
    const facts = await showsOfPerformances(tx, [before.performanceId, after.performanceId]);
    const from = facts.find((p) => p.id === before.performanceId);
    const to = facts.find((p) => p.id === after.performanceId);
    if (!from || !to) throw validationError({ performance_id: [{ code: 'unknown_performance' }] }, 'No such performance.');
    if (to.showId !== from.showId) throw new AppError('different_show', 'A reservation can only move to another performance of the same show.');
    if (to.cancelledAt) throw new AppError('booking_closed', 'That performance was cancelled.');
    if (to.startsAt <= now) throw new AppError('booking_closed', 'That performance has already started.');
    if (await isCheckedIn(tx, before.id)) {
      throw new AppError('already_checked_in', 'The guest has been admitted: undo the check-in before moving the reservation.');
    }
    const locked = new Map<number, PerformanceForBooking>();
    for (const id of [before.performanceId, after.performanceId].sort((a, b) => a - b)) {
      const performance = await loadPerformanceForBooking(tx, id, { lock: true });
      if (!performance) throw notFound('Performance not found.');
      locked.set(id, performance);
    }
    const target = locked.get(after.performanceId)!;
    if (before.status === 'confirmed') this.assertFits(target, after.partySize);
    return { from: locked.get(before.performanceId)!, to: target };
  }

  /** Same performance: more confirmed seats must fit in what is free beside the party's own. */
  private async lockForSeats(tx: Executor, before: ReservationRow, after: ReservationRow): Promise<Locked> {
    const seatsChange = before.status === 'confirmed' && after.partySize !== before.partySize;
    const performance = await loadPerformanceForBooking(tx, before.performanceId, { lock: seatsChange });
    if (!performance) throw notFound('Performance not found.');
    if (seatsChange && after.partySize > before.partySize) this.assertFits(performance, after.partySize - before.partySize);
    return { from: performance, to: performance };
  }

  private assertFits(performance: PerformanceForBooking, seats: number): void {
    const available = availableSeats(performance);
    if (seats > available) {
      throw new AppError('insufficient_seats', `Only ${available} seats are available.`, { data: { available_seats: available } });
    }
  }

  /** A new date or seat count is news for the guest; a corrected name or phone is not. */
  private async emailGuest(
    tx: Executor,
    { before, from }: { before: ReservationRow; from: PerformanceForBooking },
    { after, to }: { after: ReservationRow; to: PerformanceForBooking },
  ): Promise<boolean> {
    const id = await enqueueMail(
      tx,
      'reservation_changed',
      {
        // The guest fields say what the reservation is now; `before` what it was.
        ...guestMailFields(after, to),
        before: { startsAt: from.startsAt.toISOString(), venueName: from.venueName, partySize: before.partySize },
        status: after.status === 'confirmed' ? 'confirmed' : 'pending',
        code: after.code,
        reservationId: after.id,
        ...(after.status === 'confirmed' && { ticketLinks: true as const }),
      },
      { recipient: after.email, reservationId: after.id },
    );
    return id !== null;
  }

  private answer(reservation: ReservationRow, changed: ChangedField[], emailed: boolean): ReservationChanged {
    return {
      reservation_id: reservation.id,
      status: reservation.status,
      code: reservation.code,
      name: reservation.name,
      party_size: reservation.partySize,
      performance_id: reservation.performanceId,
      changed,
      emailed,
    };
  }
}
