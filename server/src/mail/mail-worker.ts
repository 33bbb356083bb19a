import type { Db } from '../db/client.js';
import type { Logger } from '../lib/logger.js';
import { scrubSecrets } from '../lib/logger.js';
import type { MailContext } from './mail-layout.js';
import { parseMailPayload, UnreadablePayload, type TicketLinks } from './mail-payloads.js';
import { claimDueMail, markDropped, markFailedAttempt, markSent, type OutboxRow } from './mail-repository.js';
import { isStaffMail, renderMail } from './mail-templates.js';
import type { MailTransport } from './mail-transport.js';

export interface MailWorkerOptions {
  pollIntervalMs: number;
  timeZone: string;
  /** The public site: links in the emails, the host of message ids and calendar UIDs. */
  siteBaseUrl: string;
  /** The box office's address (MAIL_REPLY_TO): the Reply-To of every guest email. */
  replyTo?: string;
  /** Attempts before a message is marked failed (shown in the reservation's history). */
  maxAttempts?: number;
  leaseMs?: number;
  now?: () => Date;
  /**
   * The ticket links of a reservation as they are at send time (payloads that say
   * `ticketLinks: true`); undefined when the ticket no longer exists.
   */
  ticketLinks?: (reservationId: number) => Promise<TicketLinks | undefined>;
}

/** 30 s, 1 min, 2 min … capped at one hour. */
export function backoffMs(attempt: number): number {
  return Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempt - 1));
}

/**
 * Delivers the mail outbox after commit. `kick()` wakes it right after a booking commits so
 * guests get their email in about a second; the poll catches everything else (retries, rows
 * written by another instance, rows left by a crash).
 */
export class MailWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** Set by stop(): no new pass starts after shutdown began. */
  private stopped = false;
  private readonly now: () => Date;

  constructor(
    private readonly db: Db,
    private readonly transport: MailTransport,
    private readonly logger: Logger,
    private readonly options: MailWorkerOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.options.pollIntervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Runs a delivery pass soon; never throws, never runs two passes at once. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.deliverDue()
      .then(() => undefined)
      .catch((error: unknown) => this.logger.error({ err: scrubSecrets(String(error)) }, 'mail worker pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /**
   * Delivers everything due now, including what a pass already in flight has claimed;
   * resolves when nothing is left (tests, scripts).
   */
  async drain(): Promise<number> {
    await this.running;
    const delivered = await this.deliverDue();
    await this.running;
    return delivered;
  }

  private async deliverDue(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const batch = await claimDueMail(this.db, this.now(), this.options.leaseMs ?? 120_000, 10);
      if (batch.length === 0) return delivered;
      for (const row of batch) {
        if (await this.deliver(row)) delivered += 1;
      }
    }
  }

  /** Waits for the pass in progress (graceful shutdown lets the current message finish). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async deliver(row: OutboxRow): Promise<boolean> {
    const maxAttempts = this.options.maxAttempts ?? 8;
    try {
      let payload = parseMailPayload(row.kind, row.payload);
      if ('ticketLinks' in payload && payload.ticketLinks === true) {
        const links = row.reservationId !== null ? await this.options.ticketLinks?.(row.reservationId) : undefined;
        if (!links) {
          // Cancelled (or replaced by a ticket that cannot be derived) before it went out: a
          // ticket email now would carry a QR code the door refuses.
          await markDropped(this.db, row.id, 'the ticket is no longer valid');
          this.logger.info({ outboxId: row.id, kind: row.kind }, 'mail dropped: ticket no longer valid');
          return false;
        }
        payload = { ...payload, ...links };
      }
      const replyTo = isStaffMail(row.kind) ? undefined : this.options.replyTo;
      const context: MailContext = { timeZone: this.options.timeZone, siteBaseUrl: this.options.siteBaseUrl, replyTo: replyTo !== undefined };
      const rendered = renderMail(row.kind, payload, context);
      const messageId = `<outbox-${row.id}@${new URL(this.options.siteBaseUrl).hostname}>`;
      const result = await this.transport.send({ ...rendered, to: row.recipient, messageId, ...(replyTo && { replyTo }) });
      await markSent(this.db, row.id, this.now(), rendered.subject, result.messageId);
      this.logger.info({ outboxId: row.id, kind: row.kind, attempts: row.attempts }, 'mail delivered');
      return true;
    } catch (error) {
      // A payload its kind cannot read fails the same way on every attempt: given up at once.
      const giveUp = error instanceof UnreadablePayload || row.attempts >= maxAttempts;
      const message = scrubSecrets(error instanceof Error ? error.message : String(error)).slice(0, 500);
      await markFailedAttempt(this.db, row.id, {
        nextAttemptAt: new Date(this.now().getTime() + backoffMs(row.attempts)),
        lastError: message,
        giveUp,
      });
      this.logger.error(
        { outboxId: row.id, kind: row.kind, attempts: row.attempts, giveUp, error: message },
        'mail delivery failed',
      );
      return false;
    }
  }
}
