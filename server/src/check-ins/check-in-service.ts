import { insertAudit } from '../audit/audit-repository.js';
import { recordDoorChange } from '../door/door-changes-repository.js';
import type { SessionUser } from '../auth/sessions.js';
import { findToken, type ReservationRow } from '../bookings/booking-repository.js';
import type { Db, Executor } from '../db/client.js';
import { AppError, invalidToken, notFound } from '../lib/errors.js';
import { hashToken, looksLikeToken } from '../lib/tokens.js';
import { findCheckIn, findPerformanceSummary, insertCheckInOnce, type CheckInRecord } from './check-in-repository.js';

/** Only what the door needs: no email, phone or notes. */
export interface CheckInPreview {
  reservation_id: number;
  party_size: number;
  name: string;
  performance: { id: number; show_title: string; venue_name: string; starts_at: string };
  checked_in: boolean;
  checked_in_at: string | null;
  checked_in_by: string | null;
}

const staffLabel = (record: CheckInRecord) => record.staffName || record.staffEmail || null;

export class CheckInService {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async preview(rawToken: string): Promise<CheckInPreview> {
    const reservation = await this.reservationForToken(this.db, rawToken);
    return this.describe(this.db, reservation);
  }

  /** Records exactly one check-in per reservation, with the staff member and the time. */
  async confirm(rawToken: string, staff: SessionUser): Promise<CheckInPreview> {
    const reservation = await this.reservationForToken(this.db, rawToken);
    const inserted = await insertCheckInOnce(this.db, {
      reservationId: reservation.id,
      staffUserId: staff.id,
      checkedInAt: this.now(),
      method: 'online',
    });
    if (inserted) {
      await recordDoorChange(this.db, reservation.performanceId, reservation.id);
      await insertAudit(this.db, { actorUserId: staff.id, action: 'check_in.create', entityType: 'reservation', entityId: reservation.id, summary: `${reservation.partySize} seats, online` });
    }
    const preview = await this.describe(this.db, reservation);
    if (!inserted) {
      throw new AppError('already_checked_in', `Already checked in at ${preview.checked_in_at} by ${preview.checked_in_by}.`, {
        data: { reservation_id: reservation.id, checked_in_at: preview.checked_in_at, checked_in_by: preview.checked_in_by },
      });
    }
    return preview;
  }

  private async reservationForToken(db: Executor, rawToken: string): Promise<ReservationRow> {
    if (!looksLikeToken(rawToken)) throw invalidToken('Check-in token is invalid.');
    const found = await findToken(db, hashToken(rawToken), 'check_in');
    if (!found || found.token.revokedAt || found.token.usedAt || found.token.expiresAt <= this.now()) {
      throw invalidToken('Check-in token is invalid.');
    }
    if (found.reservation.status !== 'confirmed') {
      throw new AppError('reservation_not_confirmed', 'The reservation is not confirmed.');
    }
    return found.reservation;
  }

  private async describe(db: Executor, reservation: ReservationRow): Promise<CheckInPreview> {
    const [performance, checkIn] = await Promise.all([
      findPerformanceSummary(db, reservation.performanceId),
      findCheckIn(db, reservation.id),
    ]);
    if (!performance) throw notFound();
    return {
      reservation_id: reservation.id,
      party_size: reservation.partySize,
      name: reservation.name,
      performance: {
        id: performance.id,
        show_title: performance.showTitle,
        venue_name: performance.venueName,
        starts_at: performance.startsAt.toISOString(),
      },
      checked_in: checkIn !== undefined,
      checked_in_at: checkIn?.checkedInAt.toISOString() ?? null,
      checked_in_by: checkIn ? staffLabel(checkIn) : null,
    };
  }
}
