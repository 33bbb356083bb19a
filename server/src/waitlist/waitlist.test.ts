import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailOutbox, reservations, waitlistEntries } from '../db/schema.js';
import {
  aConfirmedReservation,
  aPendingReservation,
  aPerformance,
  createTestContext,
  loggedIn,
  tokenFromUrl,
  type TestContext,
} from '../test/harness.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

let sequence = 0;
const email = () => `waiting-${(sequence += 1)}@example.com`;

/** The newest link in the newest email to `to` whose subject matches (after delivering the outbox). */
async function linkTo(to: string, subject: RegExp): Promise<string> {
  await ctx.services.mailWorker.drain();
  const mail = ctx.mail.sent.filter((m) => m.to === to && subject.test(m.subject)).at(-1);
  if (!mail) throw new Error(`no mail to ${to} matching ${subject}: ${ctx.mail.sent.map((m) => `${m.to} ${m.subject}`).join(' | ')}`);
  const link = /https?:\/\/\S+#token=[\w-]+/.exec(mail.text)?.[0];
  if (!link) throw new Error('no link in the mail');
  return link;
}

/** A performance with `capacity` seats, all confirmed (sold out), and the confirmed reservations. */
async function soldOut(capacity: number, parties: number[]) {
  const { performance } = await aPerformance(ctx, { capacity });
  const booked = [];
  for (const size of parties) booked.push(await aConfirmedReservation(ctx, performance.id, size));
  return { performance, booked };
}

/** Joins and confirms the opt-in link; returns the entry's address. */
async function waiting(performanceId: number, partySize: number): Promise<string> {
  const to = email();
  const joined = await ctx.client.post(`/api/performances/${performanceId}/waitlist`, { name: 'Luca Bianchi', email: to, party_size: partySize });
  expect(joined.status).toBe(201);
  const link = await linkTo(to, /^Lista d’attesa, conferma:/);
  const confirmed = await ctx.client.post('/api/waitlist/confirm', { token: tokenFromUrl(link) });
  expect(confirmed.status).toBe(200);
  return to;
}

const entryOf = async (to: string) =>
  (await ctx.services.database.db.select().from(waitlistEntries).where(eq(waitlistEntries.email, to)))[0]!;

const seatsOf = async (performanceId: number) => (await ctx.client.get(`/api/performances/${performanceId}`)).body;

describe('joining the waiting list', () => {
  it('is refused while the party still fits (seats_available) and accepted once sold out, pending until the opt-in', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 3 });
    const early = await ctx.client.post(`/api/performances/${performance.id}/waitlist`, { name: 'Anna', email: email(), party_size: 3 });
    expect(early.status).toBe(409);
    expect(early.body.status).toBe('seats_available');

    await aConfirmedReservation(ctx, performance.id, 2);
    const to = email();
    const joined = await ctx.client.post(`/api/performances/${performance.id}/waitlist`, { name: 'Anna', email: to, party_size: 2 });
    expect(joined.status).toBe(201);
    expect(joined.body).toEqual({ entry_id: expect.any(Number), status: 'pending', party_size: 2 });
    expect((await entryOf(to)).status).toBe('pending');

    const link = await linkTo(to, /^Lista d’attesa, conferma:/);
    expect(link).toMatch(/\/waitlist\/confirm#token=/);
    const confirmed = await ctx.client.post('/api/waitlist/confirm', { token: tokenFromUrl(link) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'waiting', position: 1, party_size: 2 });
    // A second click shows the same place in line; it changes nothing.
    const again = await ctx.client.post('/api/waitlist/confirm', { token: tokenFromUrl(link) });
    expect(again.body).toMatchObject({ status: 'waiting', position: 1 });
  });

  it('validates the body, refuses unknown performances, closed booking and a bad token', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 1, bookingOpen: false });
    expect((await ctx.client.post(`/api/performances/${performance.id}/waitlist`, { name: '', email: 'x', party_size: 0 })).body.status).toBe('validation_error');
    expect((await ctx.client.post(`/api/performances/${performance.id}/waitlist`, { name: 'A', email: email(), party_size: 5 })).body.status).toBe('booking_closed');
    expect((await ctx.client.post('/api/performances/999999/waitlist', { name: 'A', email: email(), party_size: 1 })).status).toBe(404);
    const bad = await ctx.client.post('/api/waitlist/confirm', { token: 'x'.repeat(43) });
    expect(bad.status).toBe(404);
    expect(bad.body.status).toBe('invalid_token');
  });
});

describe('offers', () => {
  it('offers freed seats to the next entry that fits, holds them, and taking the offer gives a ticket', async () => {
    const { performance, booked } = await soldOut(4, [2, 2]);
    const big = await waiting(performance.id, 3);
    const small = await waiting(performance.id, 2);
    expect((await seatsOf(performance.id)).sold_out).toBe(true);

    // A guest frees 2 seats: the 3-person party ahead does not fit, the 2-person party does.
    expect((await ctx.client.post('/api/reservations/cancel', { token: booked[0]!.rawCheckInToken })).status).toBe(200);
    expect((await entryOf(big)).status).toBe('waiting');
    const offered = await entryOf(small);
    expect(offered.status).toBe('offered');
    expect(offered.offerExpiresAt!.getTime() - offered.offeredAt!.getTime()).toBe(ctx.env.WAITLIST_OFFER_TTL);
    // Held: nobody else can book them meanwhile.
    const seats = await seatsOf(performance.id);
    expect(seats.available_seats).toBe(0);
    const blocked = await ctx.client.post(`/api/performances/${performance.id}/reservations`, { name: 'X', email: email(), party_size: 1 });
    expect(blocked.body.status).toBe('insufficient_seats');

    const link = await linkTo(small, /^Posti liberi per te:/);
    const details = await ctx.client.post('/api/waitlist/offer', { token: tokenFromUrl(link) });
    expect(details.body).toMatchObject({ status: 'offered', party_size: 2, performance: { id: performance.id } });
    const taken = await ctx.client.post('/api/waitlist/accept', { token: tokenFromUrl(link) });
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ status: 'confirmed', party_size: 2, qr_code_url: expect.stringContaining('/api/check-ins/preview/?token=') });

    const entry = await entryOf(small);
    expect(entry.status).toBe('accepted');
    const [reservation] = await ctx.services.database.db.select().from(reservations).where(eq(reservations.id, entry.reservationId!));
    expect(reservation).toMatchObject({ status: 'confirmed', partySize: 2, email: small });
    await linkTo(small, /^Il tuo biglietto:/);
    // Taking it twice is refused with a clear code; the seats are counted once.
    expect((await ctx.client.post('/api/waitlist/accept', { token: tokenFromUrl(link) })).body.status).toBe('already_confirmed');
    expect((await seatsOf(performance.id)).available_seats).toBe(0);
  });

  it('passes an expired offer to the next entry; the lapsed link says offer_expired', async () => {
    const { performance, booked } = await soldOut(2, [2]);
    const first = await waiting(performance.id, 2);
    const second = await waiting(performance.id, 2);
    await ctx.services.bookings.cancel(booked[0]!.reservation.id, null);
    expect((await entryOf(first)).status).toBe('offered');
    const firstLink = await linkTo(first, /^Posti liberi per te:/);

    // Twelve hours and a minute later, seen by services with the clock moved on.
    const { services } = later(ctx.env.WAITLIST_OFFER_TTL + 60_000);
    expect(await services.waitlist.expireOffers()).toBeGreaterThanOrEqual(1);
    expect((await entryOf(first)).status).toBe('expired');
    expect((await entryOf(second)).status).toBe('offered');
    expect((await ctx.client.post('/api/waitlist/accept', { token: tokenFromUrl(firstLink) })).body.status).toBe('offer_expired');
    await linkTo(second, /^Posti liberi per te:/);
  });

  it('a new offer to the same entry retires its older link', async () => {
    const { performance, booked } = await soldOut(1, [1]);
    const to = await waiting(performance.id, 1);
    await ctx.services.bookings.cancel(booked[0]!.reservation.id, null);
    const oldLink = await linkTo(to, /^Posti liberi per te:/);
    expect(await later(ctx.env.WAITLIST_OFFER_TTL + 60_000).services.waitlist.expireOffers()).toBeGreaterThanOrEqual(1);
    const { cookie } = await loggedIn(ctx, 'box_office');
    const again = await ctx.client.post(`/api/admin/waitlist/${(await entryOf(to)).id}/offer`, {}, { cookie });
    expect(again.body.status).toBe('offered');
    const newLink = await linkTo(to, /^Posti liberi per te:/);
    expect(newLink).not.toBe(oldLink);
    expect((await ctx.client.post('/api/waitlist/accept', { token: tokenFromUrl(oldLink) })).body.status).toBe('offer_closed');
    expect((await ctx.client.post('/api/waitlist/accept', { token: tokenFromUrl(newLink) })).status).toBe(200);
  });

  it('declining hands the seats to the next entry at once', async () => {
    const { performance, booked } = await soldOut(1, [1]);
    const first = await waiting(performance.id, 1);
    const second = await waiting(performance.id, 1);
    await ctx.services.bookings.cancel(booked[0]!.reservation.id, null);
    const link = await linkTo(first, /^Posti liberi per te:/);
    expect((await ctx.client.post('/api/waitlist/decline', { token: tokenFromUrl(link) })).body).toEqual({ status: 'removed' });
    expect((await entryOf(second)).status).toBe('offered');
  });

  it('offers seats an admin adds, and offers at once when seats are already free at opt-in', async () => {
    const { performance } = await soldOut(2, [2]);
    const to = await waiting(performance.id, 2);
    const { cookie } = await loggedIn(ctx, 'admin');
    const updated = await ctx.client.patch(`/api/admin/performances/${performance.id}`, { additional_seats: 2 }, { cookie });
    expect(updated.status).toBe(200);
    expect((await entryOf(to)).status).toBe('offered');
    expect(updated.body.available_seats).toBe(0);

    // Seats free when the opt-in link is clicked: the offer follows immediately.
    const other = await aPerformance(ctx, { capacity: 1 });
    const only = await aConfirmedReservation(ctx, other.performance.id, 1);
    const late = email();
    await ctx.client.post(`/api/performances/${other.performance.id}/waitlist`, { name: 'B', email: late, party_size: 1 });
    await ctx.services.bookings.cancel(only.reservation.id, null);
    const link = await linkTo(late, /^Lista d’attesa, conferma:/);
    const confirmed = await ctx.client.post('/api/waitlist/confirm', { token: tokenFromUrl(link) });
    expect(confirmed.body.status).toBe('offered');
  });
});

describe('staff', () => {
  it('lists the entries, offers out of turn and removes an entry (its held seats pass on)', async () => {
    const { performance, booked } = await soldOut(2, [2]);
    const first = await waiting(performance.id, 2);
    const second = await waiting(performance.id, 1);
    const { cookie } = await loggedIn(ctx, 'box_office');

    const list = await ctx.client.get(`/api/admin/performances/${performance.id}/waitlist`, { cookie });
    expect(list.status).toBe(200);
    expect(list.body.entries.map((e: { email: string; status: string }) => [e.email, e.status])).toEqual([
      [first, 'waiting'],
      [second, 'waiting'],
    ]);
    // No free seat yet: a manual offer is refused.
    const secondId = (await entryOf(second)).id;
    expect((await ctx.client.post(`/api/admin/waitlist/${secondId}/offer`, {}, { cookie })).body.status).toBe('insufficient_seats');

    await ctx.services.bookings.cancel(booked[0]!.reservation.id, null);
    expect((await entryOf(first)).status).toBe('offered');
    const removed = await ctx.client.request('DELETE', `/api/admin/waitlist/${(await entryOf(first)).id}`, undefined, { cookie });
    expect(removed.status).toBe(200);
    expect(removed.body.status).toBe('removed');
    expect((await entryOf(second)).status).toBe('offered');

    const door = await loggedIn(ctx, 'door');
    expect((await ctx.client.get(`/api/admin/performances/${performance.id}/waitlist`, { cookie: door.cookie })).status).toBe(403);
    expect((await ctx.client.get(`/api/admin/performances/${performance.id}/waitlist`)).status).toBe(401);
  });
});

describe('reminders', () => {
  it('queues the reminder with the ticket when confirming, due a day before, and drops it on cancellation', async () => {
    const startsAt = new Date(Date.now() + 3 * 86_400_000);
    const { performance } = await aPerformance(ctx, { capacity: 5, startsAt });
    const confirmed = await aConfirmedReservation(ctx, performance.id, 2);
    const { db } = ctx.services.database;
    const reminderOf = async (id: number) =>
      db.select().from(mailOutbox).where(and(eq(mailOutbox.reservationId, id), eq(mailOutbox.kind, 'reservation_reminder')));
    const [reminder] = await reminderOf(confirmed.reservation.id);
    expect(reminder!.nextAttemptAt.getTime()).toBe(startsAt.getTime() - ctx.env.REMINDER_BEFORE);
    await ctx.services.mailWorker.drain();
    expect((await reminderOf(confirmed.reservation.id))[0]!.status).toBe('pending');

    await ctx.services.bookings.cancel(confirmed.reservation.id, null);
    expect(await reminderOf(confirmed.reservation.id)).toEqual([]);
  });

  it('sends no reminder for a booking made inside the reminder window (the ticket email is enough)', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 5, startsAt: new Date(Date.now() + 3_600_000) });
    const confirmed = await aConfirmedReservation(ctx, performance.id, 1);
    const rows = await ctx.services.database.db
      .select()
      .from(mailOutbox)
      .where(and(eq(mailOutbox.reservationId, confirmed.reservation.id), eq(mailOutbox.kind, 'reservation_reminder')));
    expect(rows).toEqual([]);
  });

  it('delivers the reminder once when due, with ticket and cancel links and the .ics', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 5, startsAt: new Date(Date.now() + 3 * 86_400_000) });
    const confirmed = await aConfirmedReservation(ctx, performance.id, 2);
    const { services } = later(2 * 86_400_000 + 3_600_000);
    await services.mailWorker.drain();
    await services.mailWorker.drain();
    const reminders = ctx.mail.sent.filter((m) => m.to === confirmed.reservation.email && /^Promemoria:/.test(m.subject));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.text).toContain(`/ticket#token=${confirmed.rawCheckInToken}`);
    expect(reminders[0]!.text).toContain(`/ticket#token=${confirmed.rawCheckInToken}&cancel=1`);
    expect(reminders[0]!.attachments?.[0]?.filename).toBe('azionelab.ics');
    expect(reminders[0]!.attachments?.[0]?.content.toString()).toContain('BEGIN:VEVENT');
  });

  it('moves queued reminders with their performance', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 5, startsAt: new Date(Date.now() + 3 * 86_400_000) });
    const confirmed = await aConfirmedReservation(ctx, performance.id, 1);
    const { cookie } = await loggedIn(ctx, 'admin');
    const moved = new Date(Date.now() + 5 * 86_400_000);
    moved.setUTCSeconds(0, 0);
    expect((await ctx.client.patch(`/api/admin/performances/${performance.id}`, { starts_at: moved.toISOString() }, { cookie })).status).toBe(200);
    const [reminder] = await ctx.services.database.db
      .select()
      .from(mailOutbox)
      .where(and(eq(mailOutbox.reservationId, confirmed.reservation.id), eq(mailOutbox.kind, 'reservation_reminder')));
    expect(reminder!.nextAttemptAt.getTime()).toBe(moved.getTime() - ctx.env.REMINDER_BEFORE);
    expect(reminder!.payload.startsAt).toBe(moved.toISOString());
  });
});

describe('lapsed pending reservations', () => {
  it('are removed once their link expired, and the visitor can book again', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 2 });
    const pending = await aPendingReservation(ctx, performance.id, 2);
    expect(await ctx.services.bookings.deleteLapsedPending()).toBe(0);
    const { services } = later(ctx.env.CONFIRMATION_TOKEN_TTL + 60_000);
    expect(await services.bookings.deleteLapsedPending()).toBeGreaterThanOrEqual(1);
    const rows = await ctx.services.database.db.select().from(reservations).where(eq(reservations.id, pending.reservation.id));
    expect(rows).toEqual([]);
    const again = await ctx.client.post(`/api/performances/${performance.id}/reservations`, { name: 'Maria', email: 'again@example.com', party_size: 2 });
    expect(again.status).toBe(201);
  });
});

/** The same server seen `ms` from now (its jobs and checks use the moved clock). */
function later(ms: number) {
  return ctx.withEnv({}, { now: () => new Date(Date.now() + ms) });
}
