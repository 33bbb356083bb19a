import { eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { checkIns, performances, reservations } from '../db/schema.js';
import type { ReservationRow } from '../bookings/booking-repository.js';

/** What deciding a move needs beyond the seat counts: which show, cancelled or not. */
export function showsOfPerformances(db: Executor, ids: number[]) {
  return db
    .select({ id: performances.id, showId: performances.showId, startsAt: performances.startsAt, cancelledAt: performances.cancelledAt })
    .from(performances)
    .where(inArray(performances.id, ids.length > 0 ? ids : [-1]));
}

export async function isCheckedIn(db: Executor, reservationId: number): Promise<boolean> {
  const rows = await db.select({ id: checkIns.id }).from(checkIns).where(eq(checkIns.reservationId, reservationId)).limit(1);
  return rows.length > 0;
}

export type ReservationEdit = Pick<ReservationRow, 'name' | 'email' | 'phone' | 'notes' | 'partySize' | 'performanceId' | 'locale' | 'code' | 'searchText' | 'updatedAt'>;

/** Writes a staff change; the caller holds the reservation's lock and computed the search text. */
export async function updateReservation(db: Executor, id: number, values: ReservationEdit): Promise<void> {
  await db.update(reservations).set(values).where(eq(reservations.id, id));
}
