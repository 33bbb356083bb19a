import { eq } from 'drizzle-orm';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailOutbox, performances, reservations, reservationTokens } from '../db/schema.js';
import { AppError } from '../lib/errors.js';
import { formatDateTime } from '../lib/dates.js';
import { hashToken } from '../lib/tokens.js';
import {
  aConfirmedReservation,
  aPendingReservation,
  aPerformance,
  createTestContext,
  tokenFromUrl,
  type TestContext,
} from '../test/harness.js';
import { checkInUrl } from './links.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const SITE = 'https://tickets.azionelab.example';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  throw new Error('expected an AppError');
}

function decodeQr(dataUrl: string): string {
  const png = PNG.sync.read(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  if (!code) throw new Error('QR not decodable');
  return code.data;
}

describe('creating a pending reservation', () => {
  it('creates a pending reservation, a hashed confirmation token and an outbox email in one go', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    const result = await aPendingReservation(ctx, performance.id, 2);

    expect(result.reservation.status).toBe('pending');
    expect(result.availableSeats).toBe(10);
    const { db } = ctx.services.database;
    const tokens = await db.select().from(reservationTokens).where(eq(reservationTokens.reservationId, result.reservation.id));
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.purpose).toBe('confirmation');
    expect(tokens[0]!.tokenHash).toBe(hashToken(result.rawConfirmationToken));
    expect(tokens[0]!.tokenHash).not.toContain(result.rawConfirmationToken);
    const outbox = await db.select().from(mailOutbox).where(eq(mailOutbox.reservationId, result.reservation.id));
    expect(outbox.map((row) => row.kind)).toEqual(['reservation_confirmation']);
  });

  it('sends the confirmation email with the link after commit', async () => {
    const { performance } = await aPerformance(ctx);
    const before = ctx.mail.sent.length;
    const result = await aPendingReservation(ctx, performance.id, 1);
    await ctx.services.mailWorker.drain();

    const mail = ctx.mail.sent.slice(before).find((m) => m.to === result.reservation.email);
    expect(mail).toBeDefined();
    expect(mail!.text).toContain(`${SITE}/confirm#token=${result.rawConfirmationToken}`);
    expect(mail!.html).toContain(result.rawConfirmationToken);
  });

  it('writes no email when the booking transaction rolls back (email only after commit)', async () => {
    const { performance } = await aPerformance(ctx);
    const { db } = ctx.services.database;
    const rollback = new Error('rollback');
    await expect(
      db.transaction(async (tx) => {
        await tx.insert(reservations).values({ performanceId: performance.id, name: 'X', email: 'x@example.com', partySize: 1 });
        await tx.insert(mailOutbox).values({ kind: 'reservation_confirmation', recipient: 'x@example.com', reservationId: null, payload: {} });
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    const rows = await db.select().from(mailOutbox).where(eq(mailOutbox.recipient, 'x@example.com'));
    expect(rows).toHaveLength(0);
  });

  it('keeps the booking and logs the failure without the token when SMTP fails', async () => {
    const { performance } = await aPerformance(ctx);
    ctx.mail.failWith = new Error('SMTP down: 421 service not available');
    try {
      const result = await aPendingReservation(ctx, performance.id, 1);
      await ctx.services.mailWorker.drain();

      const { db } = ctx.services.database;
      const [row] = await db.select().from(reservations).where(eq(reservations.id, result.reservation.id));
      expect(row!.status).toBe('pending');
      const [outbox] = await db.select().from(mailOutbox).where(eq(mailOutbox.reservationId, result.reservation.id));
      expect(outbox!.status).toBe('pending');
      expect(outbox!.attempts).toBe(1);
      expect(outbox!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
      expect(outbox!.lastError).toContain('SMTP down');
      const failure = ctx.logs.records().find((r) => r.msg === 'mail delivery failed' && r.outboxId === outbox!.id);
      expect(failure).toBeDefined();
      expect(ctx.logs.text).not.toContain(result.rawConfirmationToken);
    } finally {
      ctx.mail.failWith = null;
    }
  });

  it('lets a confirmation link expire at the start at the latest, and says so in the email', async () => {
    const startsAt = new Date(Date.now() + 5 * 3_600_000);
    const { performance } = await aPerformance(ctx, { startsAt });
    const pending = await aPendingReservation(ctx, performance.id, 1);
    const [token] = await ctx.services.database.db
      .select()
      .from(reservationTokens)
      .where(eq(reservationTokens.reservationId, pending.reservation.id));
    expect(token!.expiresAt.toISOString()).toBe(startsAt.toISOString());
    await ctx.services.mailWorker.drain();
    const mail = ctx.mail.sent.find((m) => m.to === pending.reservation.email);
    expect(mail!.text).toContain(`Il link scade il ${formatDateTime(startsAt.toISOString(), 'it', ctx.env.TIME_ZONE)}`);
  });

  it('refuses a party larger than the seats left', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 3 });
    expect(await codeOf(aPendingReservation(ctx, performance.id, 4))).toBe('insufficient_seats');
  });

  it('refuses closed, past and unpublished performances', async () => {
    const closed = await aPerformance(ctx, { bookingOpen: false });
    const past = await aPerformance(ctx, { startsAt: new Date(Date.now() - 60_000) });
    const hidden = await aPerformance(ctx, { published: false });
    expect(await codeOf(aPendingReservation(ctx, closed.performance.id))).toBe('booking_closed');
    expect(await codeOf(aPendingReservation(ctx, past.performance.id))).toBe('booking_closed');
    expect(await codeOf(aPendingReservation(ctx, hidden.performance.id))).toBe('not_found');
  });

  it('refuses to confirm a booking written just after its performance was cancelled', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    // The straggler: booked while the performance was open, the cancellation committed since.
    const pending = await aPendingReservation(ctx, performance.id, 2);
    await ctx.services.database.db.update(performances).set({ cancelledAt: new Date(), bookingOpen: false }).where(eq(performances.id, performance.id));
    expect(await codeOf(ctx.services.bookings.confirm(pending.rawConfirmationToken))).toBe('booking_closed');
    const [row] = await ctx.services.database.db.select().from(reservations).where(eq(reservations.id, pending.reservation.id));
    expect(row!.status).toBe('pending');
    expect(await codeOf(aPendingReservation(ctx, performance.id))).toBe('booking_closed');
  });

  it('counts additional and manually occupied seats', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10, additionalSeats: 5, manuallyOccupiedSeats: 12 });
    expect(await codeOf(aPendingReservation(ctx, performance.id, 4))).toBe('insufficient_seats');
    const ok = await aPendingReservation(ctx, performance.id, 3);
    expect(ok.availableSeats).toBe(3);
  });
});

describe('confirming a reservation', () => {
  it('confirms, uses the token, creates a separate check-in token and returns a QR with only the check-in URL', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 3 });
    const pending = await aPendingReservation(ctx, performance.id, 2);
    const result = await ctx.services.bookings.confirm(pending.rawConfirmationToken);

    expect(result.reservation.status).toBe('confirmed');
    expect(result.availableSeats).toBe(1);
    expect(result.qrCodeUrl).toBe(checkInUrl(SITE, result.rawCheckInToken));
    expect(result.qrCodeUrl.startsWith(`${SITE}/api/check-ins/preview/?token=`)).toBe(true);
    expect(result.rawCheckInToken).not.toBe(pending.rawConfirmationToken);
    expect(result.qrCodeUrl).not.toContain(pending.rawConfirmationToken);
    expect(result.qrCodeImage.startsWith('data:image/png;base64,')).toBe(true);
    expect(decodeQr(result.qrCodeImage)).toBe(result.qrCodeUrl);

    const { db } = ctx.services.database;
    const tokens = await db.select().from(reservationTokens).where(eq(reservationTokens.reservationId, pending.reservation.id));
    const confirmation = tokens.find((t) => t.purpose === 'confirmation')!;
    const checkIn = tokens.find((t) => t.purpose === 'check_in')!;
    expect(confirmation.usedAt).not.toBeNull();
    expect(checkIn.tokenHash).toBe(hashToken(result.rawCheckInToken));
    expect(checkIn.expiresAt.getTime()).toBeGreaterThan(performance.startsAt.getTime());
  });

  it('queues a "your ticket" email carrying the QR', async () => {
    const { performance } = await aPerformance(ctx);
    const before = ctx.mail.sent.length;
    const confirmed = await aConfirmedReservation(ctx, performance.id, 1);
    await ctx.services.mailWorker.drain();
    const ticket = ctx.mail.sent.slice(before).find((m) => m.subject.startsWith('Il tuo biglietto') && m.to === confirmed.reservation.email);
    expect(ticket).toBeDefined();
    expect(ticket!.attachments?.[0]?.contentType).toBe('image/png');
    expect(ticket!.text).toContain(confirmed.rawCheckInToken);
    expect(ticket!.text).not.toContain(confirmed.rawConfirmationToken);
  });

  it('erases the raw tokens from the outbox once the email is delivered', async () => {
    const { performance } = await aPerformance(ctx);
    const pending = await aPendingReservation(ctx, performance.id, 1);
    await ctx.services.mailWorker.drain();
    const [row] = await ctx.services.database.db.select().from(mailOutbox).where(eq(mailOutbox.reservationId, pending.reservation.id));
    expect(row!.status).toBe('sent');
    expect(JSON.stringify(row!.payload)).not.toContain(pending.rawConfirmationToken);
  });

  it('answers already_confirmed to a second confirmation', async () => {
    const { performance } = await aPerformance(ctx);
    const confirmed = await aConfirmedReservation(ctx, performance.id);
    expect(await codeOf(ctx.services.bookings.confirm(confirmed.rawConfirmationToken))).toBe('already_confirmed');
  });

  it('leaves the reservation pending with insufficient_seats when capacity is exhausted', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 2 });
    const first = await aPendingReservation(ctx, performance.id, 2);
    const second = await aPendingReservation(ctx, performance.id, 1);
    await ctx.services.bookings.confirm(first.rawConfirmationToken);
    expect(await codeOf(ctx.services.bookings.confirm(second.rawConfirmationToken))).toBe('insufficient_seats');
    const [row] = await ctx.services.database.db.select().from(reservations).where(eq(reservations.id, second.reservation.id));
    expect(row!.status).toBe('pending');
    const [token] = await ctx.services.database.db
      .select()
      .from(reservationTokens)
      .where(eq(reservationTokens.tokenHash, hashToken(second.rawConfirmationToken)));
    expect(token!.usedAt).toBeNull();
  });

  it('refuses an expired confirmation token with expired_token', async () => {
    const { performance } = await aPerformance(ctx);
    const pending = await aPendingReservation(ctx, performance.id);
    await ctx.services.database.db
      .update(reservationTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(reservationTokens.tokenHash, hashToken(pending.rawConfirmationToken)));
    expect(await codeOf(ctx.services.bookings.confirm(pending.rawConfirmationToken))).toBe('expired_token');
  });

  it('refuses unknown tokens and check-in tokens', async () => {
    const { performance } = await aPerformance(ctx);
    const confirmed = await aConfirmedReservation(ctx, performance.id);
    expect(await codeOf(ctx.services.bookings.confirm('x'.repeat(43)))).toBe('invalid_token');
    expect(await codeOf(ctx.services.bookings.confirm('not a token'))).toBe('invalid_token');
    expect(await codeOf(ctx.services.bookings.confirm(confirmed.rawCheckInToken))).toBe('invalid_token');
  });
});

describe('retrieving the ticket QR', () => {
  it('accepts the check-in token', async () => {
    const { performance } = await aPerformance(ctx);
    const confirmed = await aConfirmedReservation(ctx, performance.id);
    const ticket = await ctx.services.bookings.ticketForGuest(confirmed.rawCheckInToken);
    expect(ticket).toMatchObject({ reservation_id: confirmed.reservation.id, code: confirmed.reservation.code, performance: { id: performance.id } });
    expect(ticket.qr_code_url).toBe(checkInUrl(SITE, confirmed.rawCheckInToken));
    expect(tokenFromUrl(decodeQr(ticket.qr_code_image))).toBe(confirmed.rawCheckInToken);
  });

  it('rejects the confirmation token', async () => {
    const { performance } = await aPerformance(ctx);
    const confirmed = await aConfirmedReservation(ctx, performance.id);
    expect(await codeOf(ctx.services.bookings.ticketForGuest(confirmed.rawConfirmationToken))).toBe('invalid_token');
  });
});
