import { asc, count, eq, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { performances, reservations, shows, venues } from '../db/schema.js';

type VenueInsert = typeof venues.$inferInsert;
type ShowInsert = typeof shows.$inferInsert;
type PerformanceInsert = typeof performances.$inferInsert;

export const listVenues = (db: Executor) => db.select().from(venues).orderBy(asc(venues.name));
export const listShows = (db: Executor) => db.select().from(shows).orderBy(asc(shows.title));

export async function insertVenue(db: Executor, values: VenueInsert) {
  return (await db.insert(venues).values(values).returning())[0]!;
}
export async function updateVenue(db: Executor, id: number, values: Partial<VenueInsert>) {
  return (await db.update(venues).set({ ...values, updatedAt: new Date() }).where(eq(venues.id, id)).returning())[0];
}
export async function findVenue(db: Executor, id: number) {
  return (await db.select().from(venues).where(eq(venues.id, id)).limit(1))[0];
}

export async function insertShow(db: Executor, values: ShowInsert) {
  return (await db.insert(shows).values(values).returning())[0]!;
}
export async function updateShow(db: Executor, id: number, values: Partial<ShowInsert>) {
  return (await db.update(shows).set({ ...values, updatedAt: new Date() }).where(eq(shows.id, id)).returning())[0];
}
export async function findShowById(db: Executor, id: number) {
  return (await db.select().from(shows).where(eq(shows.id, id)).limit(1))[0];
}
export async function findShowBySlug(db: Executor, slug: string) {
  return (await db.select().from(shows).where(eq(shows.slug, slug)).limit(1))[0];
}

export async function insertPerformance(db: Executor, values: PerformanceInsert) {
  return (await db.insert(performances).values(values).returning())[0]!;
}
export async function updatePerformance(db: Executor, id: number, values: Partial<PerformanceInsert>) {
  return (
    await db.update(performances).set({ ...values, updatedAt: new Date() }).where(eq(performances.id, id)).returning()
  )[0];
}
export async function findPerformance(db: Executor, id: number) {
  return (await db.select().from(performances).where(eq(performances.id, id)).limit(1))[0];
}

export async function countReservationsOfPerformances(db: Executor, where: SQL): Promise<number> {
  const rows = await db
    .select({ n: count() })
    .from(reservations)
    .innerJoin(performances, eq(performances.id, reservations.performanceId))
    .where(where);
  return rows[0]?.n ?? 0;
}

export async function countPerformances(db: Executor, where: SQL): Promise<number> {
  const rows = await db.select({ n: count() }).from(performances).where(where);
  return rows[0]?.n ?? 0;
}

/** The ids of the performances that match, in no particular order. */
export async function performanceIdsWhere(db: Executor, where: SQL): Promise<number[]> {
  return (await db.select({ id: performances.id }).from(performances).where(where)).map((row) => row.id);
}

export const performanceIdIs = (id: number) => eq(performances.id, id);
export const performanceShowIs = (showId: number) => eq(performances.showId, showId);
export const performanceVenueIs = (venueId: number) => eq(performances.venueId, venueId);

export async function deleteVenue(db: Executor, id: number) {
  return (await db.delete(venues).where(eq(venues.id, id)).returning())[0];
}
export async function deleteShowWithPerformances(db: Executor, id: number) {
  await db.delete(performances).where(eq(performances.showId, id));
  return (await db.delete(shows).where(eq(shows.id, id)).returning())[0];
}
export async function deletePerformance(db: Executor, id: number) {
  return (await db.delete(performances).where(eq(performances.id, id)).returning())[0];
}
