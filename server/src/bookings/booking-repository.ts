import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
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
  published: boolean;
  showTitle: string;
  venueName: string;
  capacity: number;
  additionalSeats: number;
  manuallyOccupiedSeats: number;
  confirmedSeats: number;
}

const confirmedSeatsOf = (performanceId: typeof performances.id) =>
  sql<number>`(select coalesce(sum(${reservations.partySize}), 0)::int from ${reservations}
    where ${reservations.performanceId} = ${performanceId} and ${reservations.status} = 'confirmed')`;

/**
 * The performance with everything the booking rules need, seats counted in the same statement.
 * With `lock`, the performance row is locked FOR UPDATE: confirmations of one performance then
 * queue on that row, and the count they read cannot change until they commit.
 */
export async function loadPerformanceForBooking(
  db: Executor,
  performanceId: number,
  options: { lock: boolean },
): Promise<PerformanceForBooking | undefined> {
  const query = db
    .select({
      id: performances.id,
      startsAt: performances.startsAt,
      bookingOpen: performances.bookingOpen,
      published: shows.published,
      showTitle: shows.title,
      venueName: venues.name,
      capacity: venues.capacity,
      additionalSeats: performances.additionalSeats,
      manuallyOccupiedSeats: performances.manuallyOccupiedSeats,
      confirmedSeats: confirmedSeatsOf(performances.id),
    })
    .from(performances)
    .innerJoin(shows, eq(shows.id, performances.showId))
    .innerJoin(venues, eq(venues.id, performances.venueId))
    .where(eq(performances.id, performanceId));
  const rows = options.lock ? await query.for('update', { of: performances }) : await query;
  return rows[0];
}

export async function insertReservation(
  db: Executor,
  values: {
    performanceId: number;
    name: string;
    email: string;
    phone: string | null;
    notes: string | null;
    partySize: number;
    source: ReservationSource;
    createdByUserId: number | null;
  },
): Promise<ReservationRow> {
  const rows = await db.insert(reservations).values(values).returning();
  return rows[0]!;
}

export async function insertToken(
  db: Executor,
  values: { reservationId: number; purpose: TokenPurpose; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db.insert(reservationTokens).values(values);
}

export type TokenWithReservation = {
  token: typeof reservationTokens.$inferSelect;
  reservation: ReservationRow;
};

/**
 * Looks a token up by hash *and* purpose: a confirmation token can never be found where a
 * check-in token is expected, and vice versa. With `lock`, the token row is locked so two
 * clicks on one confirmation link are handled one after the other.
 */
export async function findToken(
  db: Executor,
  tokenHash: string,
  purpose: TokenPurpose,
  options: { lock: boolean } = { lock: false },
): Promise<TokenWithReservation | undefined> {
  const query = db
    .select({ token: reservationTokens, reservation: reservations })
    .from(reservationTokens)
    .innerJoin(reservations, eq(reservations.id, reservationTokens.reservationId))
    .where(and(eq(reservationTokens.tokenHash, tokenHash), eq(reservationTokens.purpose, purpose)))
    .limit(1);
  const rows = options.lock ? await query.for('update', { of: reservationTokens }) : await query;
  return rows[0];
}

export async function markReservationConfirmed(db: Executor, reservationId: number, at: Date): Promise<void> {
  await db
    .update(reservations)
    .set({ status: 'confirmed', confirmedAt: at, updatedAt: at })
    .where(eq(reservations.id, reservationId));
}

export async function markTokenUsed(db: Executor, tokenId: number, at: Date): Promise<void> {
  await db.update(reservationTokens).set({ usedAt: at }).where(eq(reservationTokens.id, tokenId));
}

export async function listReservationsForPerformance(db: Executor, performanceId: number): Promise<ReservationRow[]> {
  return db
    .select()
    .from(reservations)
    .where(eq(reservations.performanceId, performanceId))
    .orderBy(reservations.id);
}

export async function findReservation(db: Executor, id: number): Promise<ReservationRow | undefined> {
  const rows = await db.select().from(reservations).where(eq(reservations.id, id)).limit(1);
  return rows[0];
}
