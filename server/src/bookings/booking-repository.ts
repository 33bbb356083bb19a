import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { confirmationLinkLive, confirmedSeatsOf, heldSeatsOf } from '../seats/seat-sql.js';
import { reservationSearchText } from '../../../shared/src/search-key.js';
import type { Locale } from '../../../shared/src/locale.js';
import {
  performances,
  reservations,
  reservationTokens,
  shows,
  venues,
  type ReservationSource,
  type TokenPurpose,
} from '../db/schema.js';

export type ReservationRow = typeof reservations.$inferSelect;

export interface PerformanceForBooking {
  id: number;
  startsAt: Date;
  bookingOpen: boolean;
  cancelledAt: Date | null;
  published: boolean;
  showTitle: string;
  venueName: string;
  capacity: number;
  additionalSeats: number;
  manuallyOccupiedSeats: number;
  confirmedSeats: number;
  heldSeats: number;
}

/**
 * The performance with everything the booking rules need, seats counted.
 *
 * With `lock`, the performance row is locked FOR UPDATE first and the confirmed seats are
 * counted by a *second* statement. The split matters: in READ COMMITTED a statement that waited
 * for a row lock still evaluates its subqueries with the snapshot taken when it started, so a
 * count inside the locking statement misses the confirmations committed while it waited (the
 * concurrency test overbooks 10 seats to 19 that way). The next statement gets a fresh
 * snapshot, taken after the lock was granted.
 */
export async function loadPerformanceForBooking(
  db: Executor,
  performanceId: number,
  options: { lock: boolean },
): Promise<PerformanceForBooking | undefined> {
  const columns = {
    id: performances.id,
    startsAt: performances.startsAt,
    bookingOpen: performances.bookingOpen,
    cancelledAt: performances.cancelledAt,
    published: shows.published,
    showTitle: shows.title,
    venueName: venues.name,
    capacity: venues.capacity,
    additionalSeats: performances.additionalSeats,
    manuallyOccupiedSeats: performances.manuallyOccupiedSeats,
  };
  const base = (select: typeof columns & { confirmedSeats?: ReturnType<typeof confirmedSeatsOf>; heldSeats?: ReturnType<typeof heldSeatsOf> }) =>
    db
      .select(select)
      .from(performances)
      .innerJoin(shows, eq(shows.id, performances.showId))
      .innerJoin(venues, eq(venues.id, performances.venueId))
      .where(eq(performances.id, performanceId));
  if (!options.lock) {
    const rows = await base({ ...columns, confirmedSeats: confirmedSeatsOf(performances.id), heldSeats: heldSeatsOf(performances.id) });
    return rows[0] as PerformanceForBooking | undefined;
  }
  const [locked] = await base(columns).for('update', { of: performances });
  if (!locked) return undefined;
  return { ...locked, ...(await countTakenSeats(db, performanceId)) };
}

/** Confirmed seats and seats held by open offers, counted in one statement after the lock. */
export async function countTakenSeats(db: Executor, performanceId: number): Promise<{ confirmedSeats: number; heldSeats: number }> {
  const [row] = await db
    .select({ confirmedSeats: confirmedSeatsOf(performanceId), heldSeats: heldSeatsOf(performanceId) })
    .from(sql`(select 1) as one`);
  return row ?? { confirmedSeats: 0, heldSeats: 0 };
}

export async function insertReservation(
  db: Executor,
  values: {
    performanceId: number;
    name: string;
    email: string | null;
    phone: string | null;
    notes: string | null;
    partySize: number;
    locale: Locale;
    source: ReservationSource;
    createdByUserId: number | null;
  },
): Promise<ReservationRow> {
  const searchText = reservationSearchText({ ...values, code: null });
  const rows = await db.insert(reservations).values({ ...values, searchText }).returning();
  return rows[0]!;
}

export async function insertToken(
  db: Executor,
  values: {
    reservationId: number;
    purpose: TokenPurpose;
    tokenHash: string;
    expiresAt: Date;
    sealedGuest?: string | null;
    generation?: number;
    keyId?: string;
  },
): Promise<void> {
  await db.insert(reservationTokens).values(values);
}

export type TokenRow = typeof reservationTokens.$inferSelect;

/** The reservation's check-in token that still works (at most one: issuing revokes the others). */
export async function liveCheckInToken(db: Executor, reservationId: number): Promise<TokenRow | undefined> {
  const rows = await db
    .select()
    .from(reservationTokens)
    .where(
      and(
        eq(reservationTokens.reservationId, reservationId),
        eq(reservationTokens.purpose, 'check_in'),
        isNull(reservationTokens.revokedAt),
      ),
    )
    .orderBy(sql`${reservationTokens.id} desc`)
    .limit(1);
  return rows[0];
}

/** The highest ticket generation a reservation has had (0 when none was derivable). */
export async function lastTicketGeneration(db: Executor, reservationId: number): Promise<number> {
  const [row] = await db
    .select({ generation: sql<number>`coalesce(max(${reservationTokens.generation}), 0)::int` })
    .from(reservationTokens)
    .where(and(eq(reservationTokens.reservationId, reservationId), eq(reservationTokens.purpose, 'check_in')));
  return row?.generation ?? 0;
}

/** A live ticket follows its reservation: new expiry (another performance), new sealed name. */
export async function updateLiveToken(db: Executor, tokenId: number, values: { expiresAt: Date; sealedGuest?: string }): Promise<void> {
  await db.update(reservationTokens).set(values).where(eq(reservationTokens.id, tokenId));
}

export type TokenWithReservation = {
  token: typeof reservationTokens.$inferSelect;
  reservation: ReservationRow;
};

/**
 * Looks a token up by hash *and* purpose: a confirmation token can never be found where a
 * check-in token is expected, and vice versa. With `lock`, the token and reservation rows are
 * both locked, so two clicks on one link run one after the other and the second one re-reads
 * both rows as the first left them (locking only the token would return a stale reservation).
 *
 * The reservation is locked first, then the token: the order in which cancel and resend take
 * them (reservation, then its tokens revoked). One joined FOR UPDATE locked the token first and
 * deadlocked against a cancellation of the same reservation (found by the reliability suite).
 */
export async function findToken(
  db: Executor,
  tokenHash: string,
  purpose: TokenPurpose,
  options: { lock: boolean } = { lock: false },
): Promise<TokenWithReservation | undefined> {
  const query = () =>
    db
      .select({ token: reservationTokens, reservation: reservations })
      .from(reservationTokens)
      .innerJoin(reservations, eq(reservations.id, reservationTokens.reservationId))
      .where(and(eq(reservationTokens.tokenHash, tokenHash), eq(reservationTokens.purpose, purpose)))
      .limit(1);
  const [found] = await query();
  if (!found || !options.lock) return found;
  await lockReservation(db, found.reservation.id);
  // A new statement after the lock: it sees what a transaction we waited for committed.
  const [locked] = await query().for('update');
  return locked;
}

/** Confirms and gives the reservation its code (which the search text then includes). */
export async function markReservationConfirmed(db: Executor, reservation: ReservationRow, at: Date, code: string): Promise<void> {
  await db
    .update(reservations)
    .set({ status: 'confirmed', confirmedAt: at, updatedAt: at, code, searchText: reservationSearchText({ ...reservation, code }) })
    .where(eq(reservations.id, reservation.id));
}

export async function markTokenUsed(db: Executor, tokenId: number, at: Date): Promise<void> {
  await db.update(reservationTokens).set({ usedAt: at }).where(eq(reservationTokens.id, tokenId));
}


export async function findReservation(db: Executor, id: number): Promise<ReservationRow | undefined> {
  const rows = await db.select().from(reservations).where(eq(reservations.id, id)).limit(1);
  return rows[0];
}

export async function lockReservation(db: Executor, id: number): Promise<ReservationRow | undefined> {
  const rows = await db.select().from(reservations).where(eq(reservations.id, id)).for('update');
  return rows[0];
}

export async function markReservationCancelled(db: Executor, id: number, at: Date): Promise<void> {
  await db.update(reservations).set({ status: 'cancelled', cancelledAt: at, updatedAt: at }).where(eq(reservations.id, id));
}

/** Revokes every live token of a reservation (optionally of one purpose): old links and QR codes stop working. */
export async function revokeTokens(db: Executor, reservationId: number, at: Date, purpose?: TokenPurpose): Promise<void> {
  await db
    .update(reservationTokens)
    .set({ revokedAt: at })
    .where(
      and(
        eq(reservationTokens.reservationId, reservationId),
        isNull(reservationTokens.revokedAt),
        purpose ? eq(reservationTokens.purpose, purpose) : undefined,
      ),
    );
}

/** Pending reservations none of whose confirmation links can still be used. */
export async function deleteLapsedPendingReservations(db: Executor, now: Date): Promise<{ id: number; performanceId: number; partySize: number }[]> {
  return db
    .delete(reservations)
    .where(
      and(
        eq(reservations.status, 'pending'),
        isNull(reservations.anonymizedAt),
        sql`not ${confirmationLinkLive(reservations.id, now)}`,
      ),
    )
    .returning({ id: reservations.id, performanceId: reservations.performanceId, partySize: reservations.partySize });
}
