import type { MessagePreview, PerformanceCancelInput, PerformanceCancelled, PerformanceMessageAnswer, PerformanceMessageInput } from '../../../shared/src/broadcast-contracts.js';
import { insertAudit } from '../audit/audit-repository.js';
import type { SessionUser } from '../auth/sessions.js';
import type { Db, Executor } from '../db/client.js';
import type { PerformanceMessageKind } from '../db/schema.js';
import { recordDoorChange } from '../door/door-changes-repository.js';
import type { Env } from '../env.js';
import { formatDateTime } from '../lib/dates.js';
import { AppError, notFound } from '../lib/errors.js';
import { guestMailFields, type MailPayload } from '../mail/mail-payloads.js';
import { renderPerformanceMail, type PerformanceMailKind } from '../mail/performance-templates.js';
import {
  audienceGuests,
  cancelLiveReservations,
  dropQueuedMailOf,
  findMessageWithProgress,
  findWholePerformance,
  guestsOfMove,
  insertPerformanceMessage,
  listMessages,
  lockWholePerformance,
  markPerformanceCancelled,
  queueMessageMail,
  removeLiveEntries,
  retimeLiveTickets,
  revokeTokensOf,
  setMessageRecipients,
  type MessageWithProgress,
  type WholePerformance,
} from './broadcast-repository.js';
import { addressees, paced, type Addressee, type Guest } from './recipients.js';

type BroadcastEnv = Pick<Env, 'SITE_BASE_URL' | 'TIME_ZONE' | 'CHECK_IN_GRACE' | 'MESSAGE_PACE'>;

const MAIL_KIND: Record<PerformanceMessageKind, PerformanceMailKind> = {
  cancellation: 'performance_cancelled',
  move: 'performance_moved',
  message: 'performance_message',
};

export function messageJson(row: MessageWithProgress): PerformanceMessageAnswer {
  const m = row.message;
  return {
    id: m.id,
    performance_id: m.performanceId,
    kind: m.kind,
    audience: m.audience,
    subject: m.subject,
    body: m.body,
    recipients: m.recipients,
    created_at: m.createdAt.toISOString(),
    created_by: row.createdBy,
    progress: { queued: row.queued, sent: row.sent, failed: row.failed, dropped: row.dropped },
  };
}

/**
 * Changes to a whole performance and what its guests are told: the cancellation, a move to
 * another time, and messages staff write to a part of the audience. Every email goes through
 * the outbox, one per address per message (a unique index), at MESSAGE_PACE.
 */
export class BroadcastService {
  constructor(
    private readonly db: Db,
    private readonly env: BroadcastEnv,
    private readonly afterCommit: () => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Cancels the performance and everything booked on it, in one transaction: no more
   * bookings, every reservation cancelled with its tickets revoked (the door learns each one),
   * queued emails about them dropped, the waiting list emptied, and one email per guest's
   * address with the staff's words. A second cancellation is refused, so nobody hears twice.
   */
  async cancel(performanceId: number, input: PerformanceCancelInput, actor: SessionUser): Promise<PerformanceCancelled> {
    const result = await this.db.transaction(async (tx) => {
      const now = this.now();
      const performance = await lockWholePerformance(tx, performanceId);
      if (!performance) throw notFound('Performance not found.');
      if (performance.cancelledAt) throw new AppError('performance_cancelled', 'This performance is already cancelled.');
      await markPerformanceCancelled(tx, performance.id, now);
      const cancelled = await cancelLiveReservations(tx, performance.id, now);
      const reservationIds = cancelled.map((r) => r.id);
      await revokeTokensOf(tx, reservationIds, now);
      const dropped = await dropQueuedMailOf(tx, performance.id, reservationIds);
      for (const reservation of cancelled) {
        // Door devices learn that these tickets now refuse ("cancelled") through the manifest delta.
        if (reservation.status === 'confirmed') await recordDoorChange(tx, performance.id, reservation.id);
      }
      const removed = await removeLiveEntries(tx, performance.id, now);
      const guests: Guest[] = [
        ...cancelled.map((r) => ({
          email: r.anonymizedAt ? null : r.email,
          name: r.name,
          locale: r.locale,
          reservationId: r.id,
          partySize: r.partySize,
          // Their tickets are revoked: the email carries no links.
          ticket: false,
        })),
        ...removed.map((e) => ({ email: e.anonymizedAt ? null : e.email, name: e.name, locale: e.locale, reservationId: null, partySize: 0, ticket: false })),
      ];
      const message = await this.queueMessage(tx, performance, guests, {
        kind: 'cancellation',
        audience: null,
        subject: `Replica annullata / Performance cancelled: ${performance.showTitle}`,
        body: input.message,
        actor,
        now,
      });
      const seats = cancelled.filter((r) => r.status === 'confirmed').reduce((sum, r) => sum + r.partySize, 0);
      await insertAudit(tx, {
        actorUserId: actor.id,
        action: 'performance.cancel',
        entityType: 'performance',
        entityId: performance.id,
        summary:
          `booking_open=${performance.bookingOpen} → false, cancelled_at=null → ${now.toISOString()}; ` +
          `${cancelled.length} reservations cancelled (${seats} confirmed seats), ${removed.length} waiting-list entries removed, ` +
          `${dropped} queued emails dropped, ${message.recipients} guests emailed (message ${message.id})`,
        details: {
          changes: [
            { field: 'booking_open', before: performance.bookingOpen, after: false },
            { field: 'cancelled_at', before: null, after: now.toISOString() },
          ],
          reservations_cancelled: cancelled.length,
          seats,
          waitlist_removed: removed.length,
          recipients: message.recipients,
          message_id: message.id,
        },
      });
      return {
        performance_id: performance.id,
        cancelled_at: now.toISOString(),
        reservations_cancelled: cancelled.length,
        waitlist_removed: removed.length,
        // Read before commit: the answer says what was queued, whatever the worker does next.
        message: messageJson((await findMessageWithProgress(tx, message.id))!),
      };
    });
    this.afterCommit();
    return result;
  }

  /**
   * Inside the caller's transaction, which holds `lockWholePerformance` and has moved the
   * performance: the live tickets follow the new time (they admit until CHECK_IN_GRACE after
   * it; the door learns each one), and everyone booked or waiting is emailed the old and the
   * new time with a new calendar event. Returns the move's message id (null when nobody is
   * concerned); the caller kicks the mail worker after commit.
   */
  async announceMove(
    tx: Executor,
    performance: WholePerformance,
    movedTo: Date,
    actor: SessionUser,
    now: Date,
  ): Promise<{ messageId: number; recipients: number } | null> {
    const retimed = await retimeLiveTickets(tx, performance.id, new Date(movedTo.getTime() + this.env.CHECK_IN_GRACE));
    for (const reservationId of retimed) await recordDoorChange(tx, performance.id, reservationId);
    const guests = await guestsOfMove(tx, performance.id);
    if (guests.length === 0) return null;
    const whenWas = formatDateTime(performance.startsAt, 'it', this.env.TIME_ZONE);
    const whenNow = formatDateTime(movedTo, 'it', this.env.TIME_ZONE);
    const message = await this.queueMessage(tx, { ...performance, startsAt: movedTo }, guests, {
      kind: 'move',
      audience: null,
      subject: `Nuovo orario / New time: ${performance.showTitle}`,
      body: `${whenWas} → ${whenNow}`,
      actor,
      now,
      previousStartsAt: performance.startsAt,
    });
    return { messageId: message.id, recipients: message.recipients };
  }

  /** How many emails a message would send, and the first as it will read. Nothing is written. */
  async preview(performanceId: number, input: PerformanceMessageInput): Promise<MessagePreview> {
    const performance = await findWholePerformance(this.db, performanceId);
    if (!performance) throw notFound('Performance not found.');
    const { addressees: to, withoutEmail } = addressees(await audienceGuests(this.db, performanceId, input.audience));
    const first = to[0];
    const sample = first
      ? renderPerformanceMail('performance_message', this.payload(performance, first, input.subject, input.body), {
          timeZone: this.env.TIME_ZONE,
          siteBaseUrl: this.env.SITE_BASE_URL,
          replyTo: false,
        })
      : undefined;
    return {
      audience: input.audience,
      recipients: to.length,
      without_email: withoutEmail,
      sample: sample ? { subject: sample.subject, text: sample.text } : null,
    };
  }

  /** Writes to a part of the performance's audience; refused when it reaches nobody. */
  async send(performanceId: number, input: PerformanceMessageInput, actor: SessionUser): Promise<PerformanceMessageAnswer> {
    const answer = await this.db.transaction(async (tx) => {
      const now = this.now();
      const performance = await findWholePerformance(tx, performanceId);
      if (!performance) throw notFound('Performance not found.');
      const guests = await audienceGuests(tx, performanceId, input.audience);
      if (addressees(guests).addressees.length === 0) {
        throw new AppError('no_recipients', 'Nobody in this audience has an email address.');
      }
      const message = await this.queueMessage(tx, performance, guests, {
        kind: 'message',
        audience: input.audience,
        subject: input.subject,
        body: input.body,
        actor,
        now,
      });
      await insertAudit(tx, {
        actorUserId: actor.id,
        action: 'performance.message',
        entityType: 'performance',
        entityId: performance.id,
        summary: `message ${message.id} to ${input.audience}: ${message.recipients} emails, subject "${input.subject.slice(0, 80)}"`,
        details: { message_id: message.id, audience: input.audience, recipients: message.recipients, subject: input.subject.slice(0, 200) },
      });
      return messageJson((await findMessageWithProgress(tx, message.id))!);
    });
    this.afterCommit();
    return answer;
  }

  /** The performance's messages, newest first, each with its emails' progress. */
  async history(performanceId: number): Promise<PerformanceMessageAnswer[]> {
    if (!(await findWholePerformance(this.db, performanceId))) throw notFound('Performance not found.');
    return (await listMessages(this.db, performanceId)).map(messageJson);
  }

  private payload(performance: WholePerformance, to: Addressee, subject: string, body: string, previousStartsAt?: Date): MailPayload<PerformanceMailKind> {
    return {
      ...guestMailFields(to, performance),
      performanceId: performance.id,
      ...(previousStartsAt && { previousStartsAt: previousStartsAt.toISOString() }),
      subject,
      body,
      ...(to.reservationId !== null && { reservationId: to.reservationId }),
      ...(to.ticketLinks && { ticketLinks: true as const }),
    };
  }

  /** The message row and its emails, paced; the row records how many were queued. */
  private async queueMessage(
    tx: Executor,
    performance: WholePerformance,
    guests: Guest[],
    what: {
      kind: PerformanceMessageKind;
      audience: PerformanceMessageInput['audience'] | null;
      subject: string;
      body: string;
      actor: SessionUser;
      now: Date;
      previousStartsAt?: Date;
    },
  ) {
    const message = await insertPerformanceMessage(tx, {
      performanceId: performance.id,
      kind: what.kind,
      audience: what.audience,
      subject: what.subject,
      body: what.body,
      createdByUserId: what.actor.id,
      createdAt: what.now,
    });
    const to = addressees(guests).addressees;
    const kind = MAIL_KIND[what.kind];
    const written = await queueMessageMail(
      tx,
      to.map((addressee, index) => ({
        kind,
        recipient: addressee.recipient,
        reservationId: addressee.reservationId,
        performanceMessageId: message.id,
        payload: this.payload(performance, addressee, what.subject, what.body, what.previousStartsAt),
        nextAttemptAt: paced(what.now, index, this.env.MESSAGE_PACE),
      })),
    );
    await setMessageRecipients(tx, message.id, written);
    return { ...message, recipients: written };
  }
}
