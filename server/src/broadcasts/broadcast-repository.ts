import { and, asc, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { LIVE_RESERVATION_STATUSES, LIVE_WAITLIST_STATUSES } from '../../../shared/src/statuses.js';
import type { Executor } from '../db/client.js';
import {
  checkIns,
  mailOutbox,
  performanceMessages,
  performances,
  reservations,
  reservationTokens,
  shows,
  users,
  venues,
  waitlistEntries,
  type MessageAudience,
  type PerformanceMessageKind,
} from '../db/schema.js';
import type { MailPayload } from '../mail/mail-payloads.js';
import { outboxPayload } from '../mail/mail-repository.js';
import type { PerformanceMailKind } from '../mail/performance-templates.js';
import type { Guest } from './recipients.js';

export type PerformanceMessageRow = typeof performanceMessages.$inferSelect;

export interface WholePerformance {
  id: number;
  startsAt: Date;
  cancelledAt: Date | null;
  bookingOpen: boolean;
  showTitle: string;
  venueName: string;
}

const wholePerformanceColumns = {
  id: performances.id,
  startsAt: performances.startsAt,
  cancelledAt: performances.cancelledAt,
  bookingOpen: performances.bookingOpen,
  showTitle: shows.title,
  venueName: venues.name,
};

/**
 * Locks a performance for a change to all of it (cancel, move): first its live reservations,
 * in id order, then the performance row. The order is the one every confirmation and guest
 * cancellation takes (reservation, then performance); taking the performance first would
 * deadlock against a guest cancelling at the same moment. The performance is read by a new
 * statement after its lock, so it shows whatever a transaction we waited for committed.
 */
export async function lockWholePerformance(db: Executor, performanceId: number): Promise<WholePerformance | undefined> {
  await db
    .select({ id: reservations.id })
    .from(reservations)
    .where(and(eq(reservations.performanceId, performanceId), inArray(reservations.status, LIVE_RESERVATION_STATUSES)))
    .orderBy(asc(reservations.id))
    .for('update');
  const rows = await db
    .select(wholePerformanceColumns)
    .from(performances)
    .innerJoin(shows, eq(shows.id, performances.showId))
    .innerJoin(venues, eq(venues.id, performances.venueId))
    .where(eq(performances.id, performanceId))
    .for('update', { of: performances });
  return rows[0];
}

export async function findWholePerformance(db: Executor, performanceId: number): Promise<WholePerformance | undefined> {
  const rows = await db
    .select(wholePerformanceColumns)
    .from(performances)
    .innerJoin(shows, eq(shows.id, performances.showId))
    .innerJoin(venues, eq(venues.id, performances.venueId))
    .where(eq(performances.id, performanceId))
    .limit(1);
  return rows[0];
}

/** No more bookings, and the public programme shows the date as cancelled. */
export async function markPerformanceCancelled(db: Executor, performanceId: number, at: Date): Promise<void> {
  await db.update(performances).set({ cancelledAt: at, bookingOpen: false, updatedAt: at }).where(eq(performances.id, performanceId));
}

/** Every pending or confirmed reservation of the performance becomes cancelled; the rows as they were. */
export async function cancelLiveReservations(db: Executor, performanceId: number, at: Date) {
  const before = await db
    .select({
      id: reservations.id,
      status: reservations.status,
      name: reservations.name,
      email: reservations.email,
      locale: reservations.locale,
      partySize: reservations.partySize,
      anonymizedAt: reservations.anonymizedAt,
    })
    .from(reservations)
    .where(and(eq(reservations.performanceId, performanceId), inArray(reservations.status, LIVE_RESERVATION_STATUSES)))
    .orderBy(asc(reservations.id));
  if (before.length === 0) return before;
  await db
    .update(reservations)
    .set({ status: 'cancelled', cancelledAt: at, updatedAt: at })
    .where(inArray(reservations.id, before.map((r) => r.id)));
  return before;
}

/** Revokes every live token (confirmation links, tickets) of these reservations. */
export async function revokeTokensOf(db: Executor, reservationIds: number[], at: Date): Promise<void> {
  if (reservationIds.length === 0) return;
  await db
    .update(reservationTokens)
    .set({ revokedAt: at })
    .where(and(inArray(reservationTokens.reservationId, reservationIds), isNull(reservationTokens.revokedAt)));
}

/**
 * Queued emails that lost their subject: those of these reservations (confirmation links,
 * tickets, reminders, changes) and those of the performance's earlier messages. They stay in
 * the outbox as `dropped`, so a message's progress still adds up.
 */
export async function dropQueuedMailOf(db: Executor, performanceId: number, reservationIds: number[]): Promise<number> {
  const earlierMessages = db.select({ id: performanceMessages.id }).from(performanceMessages).where(eq(performanceMessages.performanceId, performanceId));
  const rows = await db
    .update(mailOutbox)
    .set({ status: 'dropped', payload: {}, lockedUntil: null, lastError: 'the performance was cancelled' })
    .where(
      and(
        eq(mailOutbox.status, 'pending'),
        or(
          reservationIds.length > 0 ? inArray(mailOutbox.reservationId, reservationIds) : undefined,
          inArray(mailOutbox.performanceMessageId, earlierMessages),
        ),
      ),
    )
    .returning({ id: mailOutbox.id });
  return rows.length;
}

/** Takes every live waiting-list entry off the list; the entries as they were. */
export async function removeLiveEntries(db: Executor, performanceId: number, at: Date) {
  return db
    .update(waitlistEntries)
    .set({ status: 'removed', updatedAt: at })
    .where(and(eq(waitlistEntries.performanceId, performanceId), inArray(waitlistEntries.status, LIVE_WAITLIST_STATUSES)))
    .returning({ id: waitlistEntries.id, name: waitlistEntries.name, email: waitlistEntries.email, locale: waitlistEntries.locale, anonymizedAt: waitlistEntries.anonymizedAt });
}

/**
 * The performance moved: the live tickets of its confirmed reservations now expire
 * `CHECK_IN_GRACE` after the new start. Returns the reservations whose ticket follows.
 */
export async function retimeLiveTickets(db: Executor, performanceId: number, expiresAt: Date): Promise<number[]> {
  const rows = await db
    .update(reservationTokens)
    .set({ expiresAt })
    .where(
      and(
        eq(reservationTokens.purpose, 'check_in'),
        isNull(reservationTokens.revokedAt),
        inArray(
          reservationTokens.reservationId,
          db
            .select({ id: reservations.id })
            .from(reservations)
            .where(and(eq(reservations.performanceId, performanceId), eq(reservations.status, 'confirmed'))),
        ),
      ),
    )
    .returning({ reservationId: reservationTokens.reservationId });
  return [...new Set(rows.map((r) => r.reservationId))];
}

const reservationGuest = {
  email: reservations.email,
  name: reservations.name,
  locale: reservations.locale,
  reservationId: reservations.id,
  partySize: reservations.partySize,
  ticket: sql<boolean>`${reservations.status} = 'confirmed'`,
};

const checkedIn = sql`exists (select 1 from ${checkIns} where ${checkIns.reservationId} = ${reservations.id})`;

/** Reservation-holding guests of a performance with these statuses (and, optionally, arrival). */
async function reservationGuests(db: Executor, performanceId: number, statuses: readonly ('pending' | 'confirmed')[], arrived?: boolean): Promise<Guest[]> {
  return db
    .select(reservationGuest)
    .from(reservations)
    .where(
      and(
        eq(reservations.performanceId, performanceId),
        inArray(reservations.status, statuses),
        isNull(reservations.anonymizedAt),
        arrived === undefined ? undefined : arrived ? checkedIn : sql`not ${checkedIn}`,
      ),
    )
    .orderBy(asc(reservations.id));
}

/** People waiting in line or holding an offer (an entry not opted in yet has not proven its address). */
async function waitingGuests(db: Executor, performanceId: number): Promise<Guest[]> {
  const rows = await db
    .select({ email: waitlistEntries.email, name: waitlistEntries.name, locale: waitlistEntries.locale })
    .from(waitlistEntries)
    .where(and(eq(waitlistEntries.performanceId, performanceId), inArray(waitlistEntries.status, ['waiting', 'offered']), isNull(waitlistEntries.anonymizedAt)))
    .orderBy(asc(waitlistEntries.id));
  return rows.map((r) => ({ ...r, reservationId: null, partySize: 0, ticket: false }));
}

/** The guests a message to this audience reaches. */
export function audienceGuests(db: Executor, performanceId: number, audience: MessageAudience): Promise<Guest[]> {
  switch (audience) {
    case 'confirmed':
      return reservationGuests(db, performanceId, ['confirmed']);
    case 'pending':
      return reservationGuests(db, performanceId, ['pending']);
    case 'checked_in':
      return reservationGuests(db, performanceId, ['confirmed'], true);
    case 'not_checked_in':
      return reservationGuests(db, performanceId, ['confirmed'], false);
    case 'waitlist':
      return waitingGuests(db, performanceId);
  }
}

/** Everyone a move concerns: live reservations and the people waiting in line. */
export async function guestsOfMove(db: Executor, performanceId: number): Promise<Guest[]> {
  return [...(await reservationGuests(db, performanceId, LIVE_RESERVATION_STATUSES)), ...(await waitingGuests(db, performanceId))];
}

export async function insertPerformanceMessage(
  db: Executor,
  values: {
    performanceId: number;
    kind: PerformanceMessageKind;
    audience: MessageAudience | null;
    subject: string;
    body: string;
    createdByUserId: number | null;
    createdAt: Date;
  },
): Promise<PerformanceMessageRow> {
  return (await db.insert(performanceMessages).values(values).returning())[0]!;
}

export async function setMessageRecipients(db: Executor, id: number, recipients: number): Promise<void> {
  await db.update(performanceMessages).set({ recipients }).where(eq(performanceMessages.id, id));
}

export interface MessageMail {
  kind: PerformanceMailKind;
  recipient: string;
  reservationId: number | null;
  performanceMessageId: number;
  payload: MailPayload<PerformanceMailKind>;
  nextAttemptAt: Date;
}

/**
 * Queues a message's emails. The unique (message, recipient) index with DO NOTHING makes a
 * second write of the same address a no-op: one email per address per message, whatever
 * retries or bugs do upstream. Returns how many rows were written.
 */
export async function queueMessageMail(db: Executor, mails: MessageMail[]): Promise<number> {
  let written = 0;
  // A few hundred rows per statement keeps far below PostgreSQL's bind-parameter limit.
  for (let start = 0; start < mails.length; start += 500) {
    const rows = await db
      .insert(mailOutbox)
      .values(mails.slice(start, start + 500).map((mail) => ({ ...mail, payload: outboxPayload(mail.payload) })))
      .onConflictDoNothing({ target: [mailOutbox.performanceMessageId, mailOutbox.recipient] })
      .returning({ id: mailOutbox.id });
    written += rows.length;
  }
  return written;
}

const countWhere = (status: string) =>
  sql<number>`(select count(*)::int from ${mailOutbox} where ${mailOutbox.performanceMessageId} = ${performanceMessages.id} and ${mailOutbox.status} = ${status})`;

const messageColumns = {
  message: performanceMessages,
  createdBy: sql<string | null>`coalesce(nullif(${users.displayName}, ''), ${users.email})`,
  queued: countWhere('pending'),
  sent: countWhere('sent'),
  failed: countWhere('failed'),
  dropped: countWhere('dropped'),
};

export type MessageWithProgress = Awaited<ReturnType<typeof listMessages>>[number];

/** A performance's messages, newest first, with where their emails are. */
export async function listMessages(db: Executor, performanceId: number) {
  return db
    .select(messageColumns)
    .from(performanceMessages)
    .leftJoin(users, eq(users.id, performanceMessages.createdByUserId))
    .where(eq(performanceMessages.performanceId, performanceId))
    .orderBy(desc(performanceMessages.createdAt), desc(performanceMessages.id));
}

export async function findMessageWithProgress(db: Executor, id: number): Promise<MessageWithProgress | undefined> {
  const rows = await db
    .select(messageColumns)
    .from(performanceMessages)
    .leftJoin(users, eq(users.id, performanceMessages.createdByUserId))
    .where(eq(performanceMessages.id, id))
    .limit(1);
  return rows[0];
}
