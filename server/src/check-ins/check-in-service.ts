import { DEFAULT_DOOR_WINDOW, decideCheckIn, type DoorWindow, type Verdict } from '../../../shared/src/check-in-decision.js';
import type { CheckInAnswer, CheckInUndoAnswer } from '../../../shared/src/check-in-contracts.js';
import { insertAudit } from '../audit/audit-repository.js';
import { recordDoorChange } from '../door/door-changes-repository.js';
import { findDevice } from '../door/door-repository.js';
import type { SessionUser } from '../auth/sessions.js';
import { findToken, lockReservation, type ReservationRow } from '../bookings/booking-repository.js';
import type { Db, Executor } from '../db/client.js';
import { AppError, invalidToken, notFound } from '../lib/errors.js';
import { hashToken, looksLikeToken } from '../lib/tokens.js';
import {
  CHECK_IN_UNDO_ACTION,
  deleteCheckIn,
  findCheckIn,
  findPerformanceSummary,
  insertCheckInOnce,
  reservationsByCode,
  type CheckInRecord,
} from './check-in-repository.js';

/** Only what the door needs: no email, phone or notes. */
export type CheckInPreview = CheckInAnswer;

/** What a door phone says about its scan, beside the token. */
export interface DoorScan {
  /** The performance the door is scanning for: the shared decision judges the scan. */
  performanceId?: number | undefined;
  deviceId?: string | undefined;
  /** The phone's scan event: the same scan, should it come again through the sync. */
  eventId?: string | undefined;
}

type Summary = NonNullable<Awaited<ReturnType<typeof findPerformanceSummary>>>;
const summaryJson = (performance: Summary) => ({
  id: performance.id,
  show_title: performance.showTitle,
  venue_name: performance.venueName,
  starts_at: performance.startsAt.toISOString(),
});

const staffLabel = (record: CheckInRecord) => record.staffName || record.staffEmail || null;

const performanceCancelled = (performance: Summary) =>
  new AppError('performance_cancelled', 'This performance was cancelled.', { data: { performance: summaryJson(performance) } });

export class CheckInService {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
    /** The door window of the configuration (DOOR_OPENS_BEFORE, CHECK_IN_GRACE), as the manifest gives it to the phones. */
    private readonly window: Omit<DoorWindow, 'startsAt'> = DEFAULT_DOOR_WINDOW,
  ) {}

  /**
   * What a ticket is, without admitting it: its guest, night and check-in. Refused as a scan
   * would be, except for the door window: it is judged as at its performance's start.
   */
  async preview(rawToken: string): Promise<CheckInPreview> {
    const reservation = await this.reservationForToken(this.db, rawToken);
    const seen = await this.load(this.db, reservation);
    const verdict = this.decide(reservation, seen, { performanceId: reservation.performanceId, at: seen.performance.startsAt });
    if (verdict.kind !== 'admit' && verdict.kind !== 'already_admitted') throw refusal(verdict, seen);
    return describe(reservation, seen);
  }

  /**
   * Records exactly one check-in per reservation, with the staff member and the time. The scan
   * is judged by the shared decision (shared/src/check-in-decision.ts), as the phones judge it
   * offline: for the performance the door names, or else the ticket's own, inside its door window.
   */
  async confirm(rawToken: string, staff: SessionUser, scan: DoorScan = {}): Promise<CheckInPreview> {
    return this.admit(await this.reservationForToken(this.db, rawToken), staff, scan);
  }

  /**
   * A reservation code typed at the door while the phone is online: judged like a scanned
   * ticket for the door's performance, so another night's code says which night, and the answer
   * names the guest. Admitted here, the check-in is an online one.
   */
  async confirmCode(code: string, staff: SessionUser, scan: DoorScan & { performanceId: number }): Promise<CheckInPreview> {
    const [reservation] = await reservationsByCode(this.db, code, scan.performanceId);
    if (!reservation) throw new AppError('unknown_code', 'No reservation has this code.');
    return this.admit(reservation, staff, scan);
  }

  /**
   * Undoes a check-in (admitted by mistake, a guest who left and comes back later): the row goes,
   * the door devices learn it from the next manifest delta, and the history keeps what was
   * undone, by whom and why. The reservation is locked first, as the sync locks it: a batch of
   * scans being decided for it finishes before, or sees the undo after.
   */
  async undo(reservationId: number, reason: string, actor: SessionUser): Promise<CheckInUndoAnswer> {
    const now = this.now();
    return this.db.transaction(async (tx) => {
      const reservation = await lockReservation(tx, reservationId);
      if (!reservation) throw notFound('Reservation not found.');
      const undone = await deleteCheckIn(tx, reservationId);
      if (!undone) throw new AppError('not_checked_in', 'This reservation is not checked in.');
      await recordDoorChange(tx, reservation.performanceId, reservationId);
      const how = [undone.method, undone.staff && `by ${undone.staff}`, undone.deviceName].filter(Boolean).join(', ');
      await insertAudit(tx, {
        actorUserId: actor.id,
        action: CHECK_IN_UNDO_ACTION,
        entityType: 'reservation',
        entityId: reservationId,
        // Read back by the sync (sync-service.ts): scans made before this moment admit nobody.
        at: now,
        summary: `Check-in of ${undone.checkedInAt.toISOString()} (${how}) undone. Reason: ${reason}`,
        details: {
          checked_in_at: undone.checkedInAt.toISOString(),
          mode: undone.method === 'offline' ? 'offline' : 'online',
          reason,
          ...(undone.deviceName && { device: { name: undone.deviceName } }),
        },
      });
      return {
        reservation_id: reservationId,
        checked_in_at: undone.checkedInAt.toISOString(),
        method: undone.method,
        undone_at: now.toISOString(),
        reason,
      };
    });
  }

  private async admit(reservation: ReservationRow, staff: SessionUser, scan: DoorScan): Promise<CheckInPreview> {
    const now = this.now();
    const before = await this.load(this.db, reservation);
    const verdict = this.decide(reservation, before, {
      // Without a performance named, the ticket's own: then only its door window can refuse it.
      performanceId: scan.performanceId ?? reservation.performanceId,
      at: now,
    });
    // "Already admitted" is left to the insert below: the unique index settles races.
    if (verdict.kind !== 'admit' && verdict.kind !== 'already_admitted') throw refusal(verdict, before);
    const device = scan.deviceId ? await findDevice(this.db, scan.deviceId) : undefined;
    if (device?.revokedAt) throw new AppError('device_revoked', 'This device was revoked: its local data must be erased.');
    const inserted = await this.db.transaction(async (tx) => {
      const created = await insertCheckInOnce(tx, {
        reservationId: reservation.id,
        staffUserId: staff.id,
        checkedInAt: now,
        method: 'online',
        // An unknown device id (its row deleted) is not recorded: the check-in stands without it.
        ...(device && scan.eventId && { deviceId: device.id, eventId: scan.eventId }),
      });
      if (!created) return false;
      await recordDoorChange(tx, reservation.performanceId, reservation.id);
      await insertAudit(tx, {
        actorUserId: staff.id,
        action: 'check_in.create',
        entityType: 'reservation',
        entityId: reservation.id,
        summary: `${reservation.partySize} seats, online`,
        details: { seats: reservation.partySize, mode: 'online', ...(device && { device: { id: device.id, name: device.name } }) },
      });
      return true;
    });
    const seen = await this.load(this.db, reservation);
    if (!inserted) throw alreadyCheckedIn(reservation.id, seen.checkIn);
    return describe(reservation, seen);
  }

  /** The shared decision on a scan of this reservation's ticket, from the rows as they are. */
  private decide(reservation: ReservationRow, seen: Seen, scan: { performanceId: number; at: Date }): Verdict {
    const { performance, checkIn } = seen;
    return decideCheckIn({
      ticket: {
        reservationId: reservation.id,
        performanceId: reservation.performanceId,
        partySize: reservation.partySize,
        // Only a confirmed reservation's ticket admits (a cancellation revokes it).
        revoked: reservation.status !== 'confirmed',
        revokedWhy: reservation.status === 'cancelled' ? 'cancelled' : null,
        checkedIn: checkIn ? { at: checkIn.checkedInAt.toISOString(), by: staffLabel(checkIn), device: checkIn.deviceName } : null,
      },
      performanceId: scan.performanceId,
      window: { startsAt: performance.startsAt.toISOString(), ...this.window },
      at: scan.at.toISOString(),
      performanceCancelled: performance.cancelledAt !== null,
    });
  }

  private async load(db: Executor, reservation: ReservationRow): Promise<Seen> {
    const [performance, checkIn] = await Promise.all([findPerformanceSummary(db, reservation.performanceId), findCheckIn(db, reservation.id)]);
    if (!performance) throw notFound();
    return { performance, checkIn };
  }

  private async reservationForToken(db: Executor, rawToken: string): Promise<ReservationRow> {
    if (!looksLikeToken(rawToken)) throw invalidToken('Check-in token is invalid.');
    const found = await findToken(db, hashToken(rawToken), 'check_in');
    if (!found || found.token.usedAt || found.token.expiresAt <= this.now()) throw invalidToken('Check-in token is invalid.');
    // A cancellation revokes the ticket too; the door should hear "cancelled" (or "performance
    // cancelled") for it, not "unknown". A ticket replaced before that stays simply invalid.
    const { revokedAt } = found.token;
    const { cancelledAt } = found.reservation;
    if (revokedAt && !(found.reservation.status === 'cancelled' && cancelledAt && revokedAt >= cancelledAt)) {
      throw invalidToken('Check-in token is invalid.');
    }
    return found.reservation;
  }
}

/** What the decision and the answer need besides the reservation: its performance, its check-in. */
interface Seen {
  performance: Summary;
  checkIn: CheckInRecord | undefined;
}

/** The door's answer: only what it needs (no email, phone or notes). */
function describe(reservation: ReservationRow, { performance, checkIn }: Seen): CheckInPreview {
  return {
    reservation_id: reservation.id,
    party_size: reservation.partySize,
    name: reservation.name,
    performance: summaryJson(performance),
    checked_in: checkIn !== undefined,
    checked_in_at: checkIn?.checkedInAt.toISOString() ?? null,
    checked_in_by: checkIn ? staffLabel(checkIn) : null,
    checked_in_device: checkIn?.deviceName ?? null,
  };
}

const alreadyCheckedIn = (reservationId: number, checkIn: CheckInRecord | undefined) => {
  const at = checkIn?.checkedInAt.toISOString() ?? null;
  const by = checkIn ? staffLabel(checkIn) : null;
  return new AppError('already_checked_in', `Already checked in at ${at} by ${by}.`, {
    data: { reservation_id: reservationId, checked_in_at: at, checked_in_by: by, checked_in_device: checkIn?.deviceName ?? null },
  });
};

/** Each of the decision's refusals as the API's error code (the same words the door app shows offline). */
function refusal(verdict: Verdict, seen: Seen): AppError {
  switch (verdict.kind) {
    case 'wrong_performance':
      return new AppError('wrong_performance', 'This ticket is for another performance.', { data: { performance: summaryJson(seen.performance) } });
    case 'revoked':
      return verdict.why === 'performance_cancelled'
        ? performanceCancelled(seen.performance)
        : new AppError('reservation_not_confirmed', 'The reservation is not confirmed.');
    case 'too_early':
      return new AppError('too_early', 'The doors are not open yet.', { data: { opens_at: verdict.opensAt } });
    case 'too_late':
      return new AppError('too_late', 'This performance is over.');
    case 'already_admitted':
      return alreadyCheckedIn(verdict.reservationId, seen.checkIn);
    case 'unknown':
    case 'admit':
      return invalidToken('Check-in token is invalid.');
  }
}
