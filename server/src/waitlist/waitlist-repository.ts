import { and, asc, desc, eq, inArray, isNull, lt, lte, sql } from 'drizzle-orm';
import type { Locale } from '../../../shared/src/locale.js';
import type { Executor } from '../db/client.js';
import {
  waitlistEntries,
  waitlistTokens,
  type WaitlistStatus,
  type WaitlistTokenPurpose,
} from '../db/schema.js';

export type WaitlistEntryRow = typeof waitlistEntries.$inferSelect;
export type WaitlistTokenRow = typeof waitlistTokens.$inferSelect;

export async function insertEntry(
  db: Executor,
  values: { performanceId: number; name: string; email: string; partySize: number; locale: Locale },
): Promise<WaitlistEntryRow> {
  return (await db.insert(waitlistEntries).values(values).returning())[0]!;
}

export async function insertWaitlistToken(
  db: Executor,
  values: { entryId: number; purpose: WaitlistTokenPurpose; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db.insert(waitlistTokens).values(values);
}

/** A token by hash and purpose, with its entry; `lock` locks both rows (the caller holds the performance lock first). */
export async function findWaitlistToken(
  db: Executor,
  tokenHash: string,
  purpose: WaitlistTokenPurpose,
  options: { lock: boolean } = { lock: false },
): Promise<{ token: WaitlistTokenRow; entry: WaitlistEntryRow } | undefined> {
  const query = db
    .select({ token: waitlistTokens, entry: waitlistEntries })
    .from(waitlistTokens)
    .innerJoin(waitlistEntries, eq(waitlistEntries.id, waitlistTokens.entryId))
    .where(and(eq(waitlistTokens.tokenHash, tokenHash), eq(waitlistTokens.purpose, purpose)))
    .limit(1);
  return (options.lock ? await query.for('update') : await query)[0];
}

export async function markWaitlistTokenUsed(db: Executor, tokenId: number, at: Date): Promise<void> {
  await db.update(waitlistTokens).set({ usedAt: at }).where(eq(waitlistTokens.id, tokenId));
}

/** Marks every unused offer link of an entry as used. */
export async function retireOfferTokens(db: Executor, entryId: number, at: Date): Promise<void> {
  await db
    .update(waitlistTokens)
    .set({ usedAt: at })
    .where(and(eq(waitlistTokens.entryId, entryId), eq(waitlistTokens.purpose, 'offer'), isNull(waitlistTokens.usedAt)));
}

export async function lockEntry(db: Executor, id: number): Promise<WaitlistEntryRow | undefined> {
  return (await db.select().from(waitlistEntries).where(eq(waitlistEntries.id, id)).for('update'))[0];
}

export async function findEntry(db: Executor, id: number): Promise<WaitlistEntryRow | undefined> {
  return (await db.select().from(waitlistEntries).where(eq(waitlistEntries.id, id)).limit(1))[0];
}

export async function updateEntry(
  db: Executor,
  id: number,
  values: Partial<Pick<WaitlistEntryRow, 'status' | 'joinedAt' | 'offeredAt' | 'offerExpiresAt' | 'reservationId'>> & { updatedAt: Date },
): Promise<WaitlistEntryRow> {
  return (await db.update(waitlistEntries).set(values).where(eq(waitlistEntries.id, id)).returning())[0]!;
}

/** Entries waiting in line for a performance, first come first served; locked for the offer round. */
export async function lockWaitingEntries(db: Executor, performanceId: number): Promise<WaitlistEntryRow[]> {
  return db
    .select()
    .from(waitlistEntries)
    .where(and(eq(waitlistEntries.performanceId, performanceId), eq(waitlistEntries.status, 'waiting')))
    .orderBy(asc(waitlistEntries.joinedAt), asc(waitlistEntries.id))
    .for('update');
}

/** Performances with offers whose time ran out (the expiry job visits each under its lock). */
export async function performancesWithLapsedOffers(db: Executor, now: Date): Promise<number[]> {
  const rows = await db
    .selectDistinct({ id: waitlistEntries.performanceId })
    .from(waitlistEntries)
    .where(and(eq(waitlistEntries.status, 'offered'), lte(waitlistEntries.offerExpiresAt, now)));
  return rows.map((r) => r.id);
}

export async function expireLapsedOffers(db: Executor, performanceId: number, now: Date): Promise<number> {
  const rows = await db
    .update(waitlistEntries)
    .set({ status: 'expired', updatedAt: now })
    .where(
      and(
        eq(waitlistEntries.performanceId, performanceId),
        eq(waitlistEntries.status, 'offered'),
        lte(waitlistEntries.offerExpiresAt, now),
      ),
    )
    .returning({ id: waitlistEntries.id });
  return rows.length;
}

/** The admin's view of a performance's list: live entries first, in line order, then the history. */
export async function listEntries(db: Executor, performanceId: number): Promise<WaitlistEntryRow[]> {
  const live = sql<number>`case ${waitlistEntries.status} when 'offered' then 0 when 'waiting' then 1 when 'pending' then 2 else 3 end`;
  return db
    .select()
    .from(waitlistEntries)
    .where(eq(waitlistEntries.performanceId, performanceId))
    .orderBy(asc(live), asc(waitlistEntries.joinedAt), desc(waitlistEntries.updatedAt), asc(waitlistEntries.id));
}

/** Entries of a performance in these states (that joined the line before `joinedBefore`, if given). */
export async function countEntriesByStatus(
  db: Executor,
  performanceId: number,
  statuses: WaitlistStatus[],
  joinedBefore?: Date,
): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(waitlistEntries)
    .where(
      and(
        eq(waitlistEntries.performanceId, performanceId),
        inArray(waitlistEntries.status, statuses),
        joinedBefore ? lt(waitlistEntries.joinedAt, joinedBefore) : undefined,
      ),
    );
  return row?.n ?? 0;
}
