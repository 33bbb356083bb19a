import { and, asc, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGuest } from '../../../shared/src/guest-seal.js';
import { parseManifest, type DeltaManifest, type FullManifest } from '../../../shared/src/manifest.js';
import { reservationChangedSchema } from '../../../shared/src/reservation-change-contracts.js';
import { auditLog, mailOutbox, performances, reservations, reservationTokens, shows, waitlistEntries, type UserRole } from '../db/schema.js';
import { hashToken } from '../lib/tokens.js';
import { enqueueMail } from '../mail/mail-repository.js';
import {
  aConfirmedReservation,
  aPendingReservation,
  aPerformance,
  createTestContext,
  loggedIn,
  tokenFromUrl,
  type TestContext,
} from '../test/harness.js';

/*
 * PATCH /api/admin/reservations/:id: the box office changes seats, names and dates. Seats are
 * checked under the lock, freed seats go to the waiting list, a moved reservation keeps its
 * ticket, and every change is in the audit log with what it was and what it became.
 */

let ctx: TestContext;
const cookies = {} as Record<UserRole, string>;
beforeAll(async () => {
  ctx = await createTestContext();
  for (const role of ['admin', 'content', 'box_office', 'door'] as const) cookies[role] = (await loggedIn(ctx, role)).cookie;
});
afterAll(() => ctx.close());

const db = () => ctx.services.database.db;
const patch = (id: number | string, body: unknown, cookie: string | null = cookies.box_office) =>
  ctx.client.patch(`/api/admin/reservations/${id}`, body, cookie ? { cookie } : {});
const row = async (id: number) => (await db().select().from(reservations).where(eq(reservations.id, id)))[0]!;
const liveTokens = (id: number) =>
  db()
    .select()
    .from(reservationTokens)
    .where(and(eq(reservationTokens.reservationId, id), eq(reservationTokens.purpose, 'check_in'), isNull(reservationTokens.revokedAt)));
const updates = async (id: number) =>
  (
    await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'reservation'), eq(auditLog.entityId, id), eq(auditLog.action, 'reservation.update')))
      .orderBy(asc(auditLog.id))
  ).map((a) => a.summary);
const availableSeats = async (performanceId: number) => (await ctx.client.get(`/api/performances/${performanceId}`)).body.available_seats as number;

/** Another date of the same show, in the same hall, `days` days from now. */
async function anotherDate(of: { showId: number; venueId: number }, values: Partial<typeof performances.$inferInsert> = {}) {
  const [performance] = await db()
    .insert(performances)
    .values({ showId: of.showId, venueId: of.venueId, startsAt: new Date(Date.now() + 5 * 86_400_000), ...values })
    .returning();
  return performance!;
}

async function mailsTo(email: string, subject: RegExp) {
  await ctx.services.mailWorker.drain();
  return ctx.mail.sent.filter((m) => m.to === email && subject.test(m.subject));
}

async function manifest(performanceId: number, since?: number) {
  const response = await ctx.client.get(`/api/door/performances/${performanceId}/manifest${since ? `?since=${since}` : ''}`, { cookie: cookies.door });
  expect(response.status).toBe(200);
  return parseManifest(response.text);
}

describe('PATCH /api/admin/reservations/:id: seats', () => {
  it('gives a confirmed reservation more seats when they are free, and tells the guest and the door', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    const before = (await manifest(performance.id)) as FullManifest;

    const response = await patch(ticket.reservation.id, { party_size: 4 });
    expect(response.status).toBe(200);
    expect(reservationChangedSchema.parse(response.body)).toMatchObject({
      reservation_id: ticket.reservation.id,
      status: 'confirmed',
      party_size: 4,
      performance_id: performance.id,
      changed: ['party_size'],
      emailed: true,
    });
    expect((await row(ticket.reservation.id)).partySize).toBe(4);
    expect(await availableSeats(performance.id)).toBe(6);
    expect(await updates(ticket.reservation.id)).toEqual(['party_size 2 → 4']);

    const delta = (await manifest(performance.id, before.seq)) as DeltaManifest;
    expect(delta.upserts.find((e) => e.r === ticket.reservation.id)).toMatchObject({ n: 4, h: hashToken(ticket.rawCheckInToken) });

    const [mail] = await mailsTo(ticket.reservation.email!, /^Prenotazione modificata: /);
    expect(mail!.text).toContain('Posti: 2 → 4');
    // The same ticket: the link in the email is the guest's existing one.
    expect(tokenFromUrl(/https?:\/\/\S*ticket\S*/.exec(mail!.text)![0])).toBe(ticket.rawCheckInToken);
  });

  it('refuses more seats than are free with insufficient_seats and changes nothing', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 5 });
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    await aConfirmedReservation(ctx, performance.id, 2);

    const response = await patch(ticket.reservation.id, { party_size: 4, notes: 'with grandparents' });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ status: 'insufficient_seats', available_seats: 1 });
    expect(await row(ticket.reservation.id)).toMatchObject({ partySize: 2, notes: null });
    expect(await updates(ticket.reservation.id)).toEqual([]);
    // Exactly what is left still fits.
    expect((await patch(ticket.reservation.id, { party_size: 3 })).status).toBe(200);
    expect(await availableSeats(performance.id)).toBe(0);
  });

  it('lets a pending reservation (which holds no seats) change its party up to the limit', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 3 });
    const pending = await aPendingReservation(ctx, performance.id, 1);
    await aConfirmedReservation(ctx, performance.id, 3);
    const response = await patch(pending.reservation.id, { party_size: 6 });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'pending', party_size: 6, emailed: true });
    const tooMany = await patch(pending.reservation.id, { party_size: ctx.env.MAX_PARTY_SIZE + 1 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toEqual({ party_size: [{ code: 'party_too_large', max: ctx.env.MAX_PARTY_SIZE }] });
    // Its guest hears of the new number, without ticket links (there is no ticket yet).
    const [mail] = await mailsTo(pending.reservation.email!, /^Prenotazione modificata: /);
    expect(mail!.text).toContain('resta in attesa');
    expect(mail!.text).not.toMatch(/token=/);
  });

  it('frees seats when the party shrinks, and the waiting list gets its offer in the same change', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 4 });
    const ticket = await aConfirmedReservation(ctx, performance.id, 4);
    const to = `waiting-${ticket.reservation.id}@example.com`;
    expect((await ctx.client.post(`/api/performances/${performance.id}/waitlist`, { name: 'Luca Bianchi', email: to, party_size: 2 })).status).toBe(201);
    const [optIn] = await mailsTo(to, /^Lista d’attesa, conferma: /);
    const link = /https?:\/\/\S+#token=[\w-]+/.exec(optIn!.text)![0];
    expect((await ctx.client.post('/api/waitlist/confirm', { token: tokenFromUrl(link) })).status).toBe(200);

    const response = await patch(ticket.reservation.id, { party_size: 2 });
    expect(response.status).toBe(200);
    const [entry] = await db().select().from(waitlistEntries).where(eq(waitlistEntries.email, to));
    expect(entry!.status).toBe('offered');
    expect(await mailsTo(to, /./)).toHaveLength(2);
    expect(await availableSeats(performance.id)).toBe(0);
    expect(await updates(ticket.reservation.id)).toEqual(['party_size 4 → 2']);
  });
});

describe('PATCH /api/admin/reservations/:id: another date of the same show', () => {
  it('moves a confirmed reservation, keeps its ticket, and tells both doors and the guest', async () => {
    const { performance: first, show, venue } = await aPerformance(ctx, { capacity: 10 });
    const second = await anotherDate({ showId: show.id, venueId: venue.id });
    const ticket = await aConfirmedReservation(ctx, first.id, 3);
    await aConfirmedReservation(ctx, second.id, 1); // so that the second door has a cursor past 0
    const [token] = await liveTokens(ticket.reservation.id);
    const firstSeq = ((await manifest(first.id)) as FullManifest).seq;
    const secondSeq = ((await manifest(second.id)) as FullManifest).seq;

    const response = await patch(ticket.reservation.id, { performance_id: second.id });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ performance_id: second.id, changed: ['performance_id'], emailed: true });
    expect(await availableSeats(first.id)).toBe(10);
    expect(await availableSeats(second.id)).toBe(6);

    // The same ticket: one live token, the same hash, now valid until the new date's door closes.
    const live = await liveTokens(ticket.reservation.id);
    expect(live).toHaveLength(1);
    expect(live[0]!.tokenHash).toBe(token!.tokenHash);
    expect(live[0]!.tokenHash).toBe(hashToken(ticket.rawCheckInToken));
    expect(live[0]!.expiresAt.getTime()).toBe(second.startsAt.getTime() + ctx.env.CHECK_IN_GRACE);

    // The door it left drops it; the door it joined admits the same QR code.
    const left = (await manifest(first.id, firstSeq)) as DeltaManifest;
    expect(left.revoked).toContain(ticket.reservation.id);
    const joined = (await manifest(second.id, secondSeq)) as DeltaManifest;
    expect(joined.upserts.find((e) => e.r === ticket.reservation.id)).toMatchObject({ h: token!.tokenHash, n: 3 });

    // The guest's ticket page shows the new date.
    const page = await ctx.client.get(`/api/reservations/qr-code?token=${ticket.rawCheckInToken}`);
    expect(page.status).toBe(200);
    expect(page.body.performance.id).toBe(second.id);

    const [mail] = await mailsTo(ticket.reservation.email!, /^Prenotazione modificata: /);
    expect(mail!.text).toMatch(/Data: .+ → .+/);
    expect(mail!.text).toContain(ticket.rawCheckInToken);
    expect(mail!.attachments?.some((a) => a.filename.endsWith('.ics'))).toBe(true);
    expect(await updates(ticket.reservation.id)).toEqual([`performance_id ${first.id} → ${second.id}`]);
  });

  it('moves and resizes at once, checking the whole party against the target under both locks', async () => {
    const { performance: first, show, venue } = await aPerformance(ctx, { capacity: 10 });
    const second = await anotherDate({ showId: show.id, venueId: venue.id }, { manuallyOccupiedSeats: 6 });
    const ticket = await aConfirmedReservation(ctx, first.id, 2);

    const refused = await patch(ticket.reservation.id, { performance_id: second.id, party_size: 5 });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ status: 'insufficient_seats', available_seats: 4 });
    expect(await row(ticket.reservation.id)).toMatchObject({ performanceId: first.id, partySize: 2 });

    const moved = await patch(ticket.reservation.id, { performance_id: second.id, party_size: 4 });
    expect(moved.status).toBe(200);
    expect(await availableSeats(second.id)).toBe(0);
    expect(await updates(ticket.reservation.id)).toEqual([`party_size 2 → 4, performance_id ${first.id} → ${second.id}`]);
  });

  it('refuses another show, an unknown, cancelled or started performance, and a guest already admitted', async () => {
    const { performance: first, show, venue } = await aPerformance(ctx, { capacity: 10, startsAt: new Date(Date.now() + 3_600_000) });
    const { performance: otherShow } = await aPerformance(ctx);
    const cancelled = await anotherDate({ showId: show.id, venueId: venue.id }, { cancelledAt: new Date() });
    const started = await anotherDate({ showId: show.id, venueId: venue.id }, { startsAt: new Date(Date.now() - 60_000) });
    const later = await anotherDate({ showId: show.id, venueId: venue.id });
    const ticket = await aConfirmedReservation(ctx, first.id, 2);

    const cases: [unknown, number, string][] = [
      [{ performance_id: otherShow.id }, 409, 'different_show'],
      [{ performance_id: 2_000_000_000 }, 400, 'validation_error'],
      [{ performance_id: cancelled.id }, 409, 'booking_closed'],
      [{ performance_id: started.id }, 409, 'booking_closed'],
    ];
    for (const [body, status, code] of cases) {
      const response = await patch(ticket.reservation.id, body);
      expect([response.status, response.body.status], JSON.stringify(body)).toEqual([status, code]);
    }
    const unknown = await patch(ticket.reservation.id, { performance_id: 2_000_000_000 });
    expect(unknown.body.errors).toEqual({ performance_id: [{ code: 'unknown_performance' }] });

    const checkIn = await ctx.client.post('/api/check-ins/confirm', { token: ticket.rawCheckInToken }, { cookie: cookies.door });
    expect(checkIn.status, checkIn.text).toBe(200);
    const admitted = await patch(ticket.reservation.id, { performance_id: later.id });
    expect(admitted.status).toBe(409);
    expect(admitted.body.status).toBe('already_checked_in');
    expect((await row(ticket.reservation.id)).performanceId).toBe(first.id);
    expect(await updates(ticket.reservation.id)).toEqual([]);
    // A latecomer joining the admitted party is still a seat change at the desk.
    expect((await patch(ticket.reservation.id, { party_size: 3 })).status).toBe(200);
  });

  it('moves a pending reservation without counting seats (it holds none yet)', async () => {
    const { performance: first, show, venue } = await aPerformance(ctx, { capacity: 2 });
    const second = await anotherDate({ showId: show.id, venueId: venue.id }, { manuallyOccupiedSeats: 2 });
    const pending = await aPendingReservation(ctx, first.id, 2);
    const response = await patch(pending.reservation.id, { performance_id: second.id });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'pending', performance_id: second.id });
    // Its confirmation link now confirms the new date, where there is no room.
    const confirm = await ctx.client.post('/api/reservations/confirm', { token: pending.rawConfirmationToken });
    expect(confirm.body.status).toBe('insufficient_seats');
  });
});

describe('PATCH /api/admin/reservations/:id: the guest', () => {
  it('changes name, phone and email: the search and the door follow, the audit says before and after', async () => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    const seq = ((await manifest(performance.id)) as FullManifest).seq;
    const oldEmail = ticket.reservation.email!;

    const response = await patch(ticket.reservation.id, { name: 'Niccolò Bellini', phone: '+39 06 1234 5678', email: 'Niccolo@Example.com', notes: 'wheelchair' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ name: 'Niccolò Bellini', changed: ['name', 'email', 'phone', 'notes'], emailed: false });
    const changed = await row(ticket.reservation.id);
    expect(changed).toMatchObject({ name: 'Niccolò Bellini', email: 'niccolo@example.com', phone: '+39 06 1234 5678', notes: 'wheelchair' });

    const found = await ctx.client.get(`/api/admin/reservations?performance_id=${performance.id}&q=niccolo`, { cookie: cookies.box_office });
    expect(found.body.items.map((r: { id: number }) => r.id)).toEqual([ticket.reservation.id]);
    const byPhone = await ctx.client.get(`/api/admin/reservations?performance_id=${performance.id}&q=${encodeURIComponent('06 1234')}`, { cookie: cookies.box_office });
    expect(byPhone.body.total).toBe(1);
    const byOldName = await ctx.client.get(`/api/admin/reservations?performance_id=${performance.id}&q=maria`, { cookie: cookies.box_office });
    expect(byOldName.body.total).toBe(0);

    // The door's sealed name is the new one, on the same ticket.
    const delta = (await manifest(performance.id, seq)) as DeltaManifest;
    const entry = delta.upserts.find((e) => e.r === ticket.reservation.id)!;
    expect(entry.h).toBe(hashToken(ticket.rawCheckInToken));
    expect(await openGuest(ticket.rawCheckInToken, entry.g!)).toMatchObject({ name: 'Niccolò Bellini' });

    // The reminder goes to the new address.
    const reminders = await db().select().from(mailOutbox).where(and(eq(mailOutbox.reservationId, ticket.reservation.id), eq(mailOutbox.kind, 'reservation_reminder')));
    expect(reminders.filter((m) => m.status === 'pending').map((m) => m.recipient)).toEqual(['niccolo@example.com']);
    expect(await mailsTo(oldEmail, /^Prenotazione modificata: /)).toEqual([]);

    expect(await updates(ticket.reservation.id)).toEqual([
      `name "Maria Rossi" → "Niccolò Bellini", email "${oldEmail}" → "niccolo@example.com", phone — → "+39 06 1234 5678", notes — → "wheelchair"`,
    ]);
    const history = (await ctx.client.get(`/api/admin/reservations/${ticket.reservation.id}`, { cookie: cookies.box_office })).body.history;
    expect(history.at(-1)).toMatchObject({ action: 'reservation.update', summary: expect.stringContaining('Niccolò Bellini') });
  });

  it('removes an email (a guest who prefers the phone) and changes nothing when nothing differs', async () => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    expect((await patch(ticket.reservation.id, { email: null, phone: '333 123 4567' })).status).toBe(200);
    expect(await row(ticket.reservation.id)).toMatchObject({ email: null, phone: '333 123 4567' });
    const same = await patch(ticket.reservation.id, { name: 'Maria Rossi', party_size: 2, email: '' });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ changed: [], emailed: false });
    expect(await updates(ticket.reservation.id)).toHaveLength(1);
    // Without an address a seat change is still made; nobody to email.
    expect((await patch(ticket.reservation.id, { party_size: 1 })).body).toMatchObject({ party_size: 1, emailed: false });
  });

  it('sends emails still waiting to a corrected address, and drops them when the address goes', async () => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    const old = ticket.reservation.email!;
    // An email still waiting (SMTP retrying it), besides the reminder due the day before.
    const terms = { venueName: 'Sala', startsAt: performance.startsAt.toISOString(), partySize: 2 };
    const waiting = (await enqueueMail(
      db(),
      'reservation_changed',
      { locale: 'it', name: 'Maria Rossi', showTitle: 'Amleto', ...terms, before: terms, status: 'confirmed', reservationId: ticket.reservation.id },
      { recipient: old, reservationId: ticket.reservation.id, notBefore: new Date(Date.now() + 3_600_000) },
    ))!;
    const queued = async () => (await db().select().from(mailOutbox).where(eq(mailOutbox.id, waiting)))[0]!;
    const pendingTo = async (address: string) =>
      (await db().select().from(mailOutbox).where(and(eq(mailOutbox.reservationId, ticket.reservation.id), eq(mailOutbox.status, 'pending')))).filter(
        (m) => m.recipient === address,
      );

    expect((await patch(ticket.reservation.id, { email: 'Corrected@Example.com' })).status).toBe(200);
    expect(await queued()).toMatchObject({ status: 'pending', recipient: 'corrected@example.com' });
    expect(await pendingTo(old)).toEqual([]);
    expect((await pendingTo('corrected@example.com')).map((m) => m.kind).sort()).toEqual(['reservation_changed', 'reservation_reminder']);

    expect((await patch(ticket.reservation.id, { email: null })).status).toBe(200);
    expect(await queued()).toMatchObject({ status: 'dropped', payload: {} });
    expect(await pendingTo('corrected@example.com')).toEqual([]);
  });

  it('escapes the guest and show text in the change email', async () => {
    const markup = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const { performance, show } = await aPerformance(ctx);
    await db().update(shows).set({ title: `Amleto ${markup}` }).where(eq(shows.id, show.id));
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    expect((await patch(ticket.reservation.id, { name: `Eve ${markup}`, party_size: 1 })).status).toBe(200);
    const [mail] = await mailsTo(ticket.reservation.email!, /^Prenotazione modificata: /);
    expect(mail!.html).not.toMatch(/<script|<img src=x|<[^>]*\bonerror=/i);
    expect(mail!.html).toContain('Eve &lt;script&gt;');
    expect(mail!.text).toContain('Posti: 2 → 1');
  });

  it('refuses a cancelled reservation with reservation_cancelled', async () => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    await ctx.services.bookings.cancel(ticket.reservation.id, null);
    const response = await patch(ticket.reservation.id, { party_size: 1 });
    expect(response.status).toBe(409);
    expect(response.body.status).toBe('reservation_cancelled');
    expect(await updates(ticket.reservation.id)).toEqual([]);
  });
});

describe('PATCH /api/admin/reservations/:id: who and what', () => {
  it('is for the box office and admins', async () => {
    const { performance } = await aPerformance(ctx);
    const { reservation } = await aPendingReservation(ctx, performance.id, 1);
    expect((await patch(reservation.id, { notes: 'x' }, null)).status).toBe(401);
    for (const role of ['content', 'door'] as const) {
      const response = await patch(reservation.id, { notes: role }, cookies[role]);
      expect([response.status, response.body.status]).toEqual([403, 'forbidden']);
    }
    for (const role of ['box_office', 'admin'] as const) expect((await patch(reservation.id, { notes: role }, cookies[role])).status).toBe(200);
    expect((await row(reservation.id)).notes).toBe('admin');
  });

  it('answers bad input with a 4xx and a stable code, never a 500', async () => {
    const { performance } = await aPerformance(ctx);
    const { reservation } = await aPendingReservation(ctx, performance.id, 1);
    const bad: [unknown, string][] = [
      [{}, 'non_field_errors'],
      [{ status: 'confirmed' }, 'status'],
      [{ code: 'ABCD-EFGH' }, 'code'],
      [{ party_size: 0 }, 'party_size'],
      [{ party_size: 2.5 }, 'party_size'],
      [{ party_size: '3' }, 'party_size'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(121) }, 'name'],
      [{ name: 'a\u0000b' }, 'name'],
      [{ email: 'not-an-email' }, 'email'],
      [{ phone: 'call me' }, 'phone'],
      [{ performance_id: 'abc' }, 'performance_id'],
      [{ performance_id: 2_147_483_648 }, 'performance_id'],
      [{ notes: 'x'.repeat(1001) }, 'notes'],
      [[], 'non_field_errors'],
    ];
    for (const [body, field] of bad) {
      const response = await patch(reservation.id, body);
      expect([response.status, response.body.status], JSON.stringify(body)).toEqual([400, 'validation_error']);
      expect(Object.keys(response.body.errors), JSON.stringify(body)).toContain(field);
    }
    expect((await ctx.client.request('PATCH', `/api/admin/reservations/${reservation.id}`, undefined, { cookie: cookies.box_office, raw: '{"party_size":' })).body.status).toBe('invalid_json');
    expect(
      (await ctx.client.request('PATCH', `/api/admin/reservations/${reservation.id}`, undefined, { cookie: cookies.box_office, raw: 'x', headers: { 'content-type': 'text/plain' } })).status,
    ).toBe(415);
    for (const id of ['abc', '0', '2147483648', '2147483647']) expect((await patch(id, { notes: 'x' })).status, id).toBe(404);
    expect(await row(reservation.id)).toMatchObject({ partySize: 1, notes: null });
  });
});
