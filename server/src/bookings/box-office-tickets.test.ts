import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, mailOutbox, reservations, reservationTokens, type UserRole } from '../db/schema.js';
import { ticketsOfPerformance } from '../door/door-repository.js';
import { testEnv } from '../env.js';
import { hashToken } from '../lib/tokens.js';
import { enqueueMail } from '../mail/mail-repository.js';
import { aConfirmedReservation, aPerformance, createTestContext, loggedIn, tokenFromUrl, type TestContext } from '../test/harness.js';
import { TicketKeys } from './ticket-keys.js';

let ctx: TestContext;
const cookies = {} as Record<UserRole, string>;
beforeAll(async () => {
  ctx = await createTestContext();
  for (const role of ['admin', 'content', 'box_office', 'door'] as const) cookies[role] = (await loggedIn(ctx, role)).cookie;
});
afterAll(() => ctx.close());

const issue = (body: Record<string, unknown>, cookie = cookies.box_office) => ctx.client.post('/api/admin/reservations', body, { cookie });
const deskTicket = (performanceId: number, extra: Record<string, unknown> = {}) =>
  issue({ performance_id: performanceId, name: 'Niccolò Ferri', phone: '+39 06 1234 5678', party_size: 2, issue: 'confirmed_now', ...extra });
const admitOnline = (token: string) => ctx.client.post('/api/check-ins/confirm', { token }, { cookie: cookies.door });
const liveTokens = (reservationId: number) =>
  ctx.services.database.db
    .select()
    .from(reservationTokens)
    .where(and(eq(reservationTokens.reservationId, reservationId), eq(reservationTokens.purpose, 'check_in')));

/** Every queued payload as text: no raw check-in token may be in it. */
async function outboxText(reservationId: number): Promise<string> {
  const rows = await ctx.services.database.db.select().from(mailOutbox).where(eq(mailOutbox.reservationId, reservationId));
  return JSON.stringify(rows.map((row) => row.payload));
}

describe('derived check-in tokens', () => {
  const keys = new TicketKeys(testEnv({ TICKET_KEYS: 'k2:' + 'b'.repeat(44) + ',k1:' + 'a'.repeat(44) }).TICKET_KEYS);

  it('are 43 base64url characters, the same every time, different per reservation, generation and key', () => {
    const token = keys.derive(7, 1)!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(keys.derive(7, 1, 'k2')).toBe(token);
    expect(new Set([token, keys.derive(7, 2), keys.derive(8, 1), keys.derive(7, 1, 'k1'), keys.derive(71, 1)]).size).toBe(5);
    expect(keys.activeId).toBe('k2');
    expect(keys.derive(7, 1, 'gone')).toBeUndefined();
  });

  it('refuses bad key lists at start-up, and the published development key in production', () => {
    expect(() => testEnv({ TICKET_KEYS: 'k1:short' })).toThrow(/32 bytes/);
    expect(() => testEnv({ TICKET_KEYS: 'change-me' })).toThrow(/placeholder/);
    expect(() => testEnv({ TICKET_KEYS: 'k1:' + 'a'.repeat(44) + ',k1:' + 'b'.repeat(44) })).toThrow(/twice/);
    expect(() => testEnv({ TICKET_KEYS: 'bad id:' + 'a'.repeat(44) })).toThrow(/id/);
    const production = {
      APP_ENV: 'production',
      SITE_BASE_URL: 'https://tickets.azionelab.it',
      SMTP_URL: 'smtp://mail.azionelab.it',
      MAIL_FROM: 'AzioneLab <biglietti@azionelab.it>',
    };
    expect(() => testEnv(production)).toThrow(/TICKET_KEYS/);
    expect(() => testEnv({ ...production, TICKET_KEYS: 'live-1:' + Buffer.alloc(32, 7).toString('base64') })).not.toThrow();
  });
});

describe('box-office tickets (issue: confirmed_now)', () => {
  it('confirms at once without an email: 201 with the ticket, on the door list, audited as issued at the desk', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10, startsAt: new Date(Date.now() + 3_600_000) });
    const response = await deskTicket(performance.id);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ status: 'confirmed', name: 'Niccolò Ferri', party_size: 2, emailed: false });
    expect(response.body.code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    expect(response.body.qr_code_image).toMatch(/^data:image\/png;base64,/);
    const token = tokenFromUrl(response.body.qr_code_url);

    const id = response.body.reservation_id as number;
    const [row] = await ctx.services.database.db.select().from(reservations).where(eq(reservations.id, id));
    expect(row).toMatchObject({ status: 'confirmed', email: null, source: 'admin', code: response.body.code });
    const door = await ticketsOfPerformance(ctx.services.database.db, performance.id);
    expect(door.map((t) => t.tokenHash)).toEqual([hashToken(token)]);
    const [audit] = await ctx.services.database.db.select().from(auditLog).where(and(eq(auditLog.entityId, id), eq(auditLog.action, 'reservation.issue')));
    expect(audit!.summary).toMatch(/box office by box_office-\d+@azionelab\.test, no email/);
    expect(await ctx.services.database.db.select().from(mailOutbox).where(eq(mailOutbox.reservationId, id))).toEqual([]);
    expect((await admitOnline(token)).status).toBe(200);
  });

  it('emails the ticket when there is an address, and the outbox holds no raw token', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    const response = await deskTicket(performance.id, { email: 'Desk.Guest@Example.com' });
    expect(response.body.emailed).toBe(true);
    const token = tokenFromUrl(response.body.qr_code_url);
    expect(await outboxText(response.body.reservation_id)).not.toContain(token);
    await ctx.services.mailWorker.drain();
    const mail = ctx.mail.sent.find((m) => m.to === 'desk.guest@example.com');
    expect(mail?.text).toContain(`/ticket#token=${token}`);
    expect(mail?.text).toContain(response.body.code);
    // Once sent, nothing of it stays in the payload either.
    expect(await outboxText(response.body.reservation_id)).not.toContain(token);
  });

  it('checks seats under the lock: 409 insufficient_seats with the seats left, and never a half-written reservation', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 3 });
    expect((await deskTicket(performance.id)).status).toBe(201);
    const refused = await deskTicket(performance.id, { party_size: 2 });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ status: 'insufficient_seats', available_seats: 1 });
    const rows = await ctx.services.database.db.select().from(reservations).where(eq(reservations.performanceId, performance.id));
    expect(rows).toHaveLength(1);
  });

  it('keeps the seeds flow as the default, which needs an email', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    const missing = await issue({ performance_id: performance.id, name: 'Anna', party_size: 1 });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual({ email: [{ code: 'required' }] });
    const pending = await issue({ performance_id: performance.id, name: 'Anna', email: 'anna@example.com', party_size: 1 });
    expect(pending.status).toBe(201);
    expect(pending.body).toMatchObject({ status: 'pending', party_size: 1 });
    expect((await issue({ performance_id: performance.id, name: 'Anna', party_size: 1, issue: 'later' })).status).toBe(400);
  });

  it('is for box office and admins only, and closed for a performance that started', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    expect((await issue({ performance_id: performance.id, name: 'X', party_size: 1, issue: 'confirmed_now' }, cookies.door)).status).toBe(403);
    expect((await issue({ performance_id: performance.id, name: 'X', party_size: 1, issue: 'confirmed_now' }, cookies.content)).status).toBe(403);
    expect((await issue({ performance_id: performance.id, name: 'X', party_size: 1, issue: 'confirmed_now' }, cookies.admin)).status).toBe(201);
    const { performance: started } = await aPerformance(ctx, { startsAt: new Date(Date.now() - 60_000) });
    const closed = await deskTicket(started.id);
    expect(closed.status).toBe(409);
    expect(closed.body.status).toBe('booking_closed');
  });
});

describe('resend and reissue', () => {
  const resend = (id: number) => ctx.client.post(`/api/admin/reservations/${id}/resend`, undefined, { cookie: cookies.box_office });
  const reissue = (id: number) => ctx.client.post(`/api/admin/reservations/${id}/reissue`, undefined, { cookie: cookies.box_office });

  it('resend sends the same ticket: the old QR keeps admitting and the new email carries the same link', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10, startsAt: new Date(Date.now() + 3_600_000) });
    const booked = await aConfirmedReservation(ctx, performance.id, 2);
    const id = booked.reservation.id;
    // The first ticket email goes out before the resend (a resend drops one still queued).
    await ctx.services.mailWorker.drain();
    const response = await resend(id);
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ kind: 'reservation_ticket', ticket: 'same', emailed: true });
    const tokens = await liveTokens(id);
    expect(tokens.filter((t) => t.revokedAt === null).map((t) => t.tokenHash)).toEqual([hashToken(booked.rawCheckInToken)]);
    await ctx.services.mailWorker.drain();
    const tickets = ctx.mail.sent.filter((m) => m.to === booked.reservation.email && /biglietto/i.test(m.subject));
    expect(tickets).toHaveLength(2);
    for (const mail of tickets) expect(mail.text).toContain(`/ticket#token=${booked.rawCheckInToken}`);
    expect((await admitOnline(booked.rawCheckInToken)).status).toBe(200);
  });

  it('reissue replaces the ticket: the old QR is refused, the new one admits, the door learns it, audited', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10, startsAt: new Date(Date.now() + 3_600_000) });
    const booked = await aConfirmedReservation(ctx, performance.id, 2);
    const id = booked.reservation.id;
    const response = await reissue(id);
    expect(response.status).toBe(200);
    const newToken = tokenFromUrl(response.body.qr_code_url);
    expect(newToken).not.toBe(booked.rawCheckInToken);
    expect(response.body).toMatchObject({ reservation_id: id, code: booked.reservation.code, status: 'confirmed' });
    const old = await admitOnline(booked.rawCheckInToken);
    expect(old.status).toBe(404);
    expect(old.body.status).toBe('invalid_token');
    const door = await ticketsOfPerformance(ctx.services.database.db, performance.id);
    expect(door.map((t) => t.tokenHash)).toEqual([hashToken(newToken)]);
    const tokens = await liveTokens(id);
    expect(tokens.map((t) => t.generation).sort()).toEqual([1, 2]);
    expect((await admitOnline(newToken)).status).toBe(200);
    const actions = (await ctx.services.database.db.select().from(auditLog).where(eq(auditLog.entityId, id))).map((a) => a.action);
    expect(actions).toContain('reservation.reissue');
  });

  it('a resend to a guest without email is refused with no_email; a pending reservation cannot be reissued', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    const desk = await deskTicket(performance.id);
    const response = await resend(desk.body.reservation_id);
    expect(response.status).toBe(409);
    expect(response.body.status).toBe('no_email');
    const pending = await issue({ performance_id: performance.id, name: 'P', email: 'p@example.com', party_size: 1 });
    const refused = await reissue(pending.body.reservation_id);
    expect(refused.status).toBe(409);
    expect(refused.body.status).toBe('reservation_not_confirmed');
  });

  it('a ticket email still queued when its reservation is cancelled is dropped, not sent', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    const desk = await deskTicket(performance.id, { email: 'dropped@example.com' });
    const id = desk.body.reservation_id as number;
    await ctx.services.mailWorker.drain();
    expect((await ctx.client.post(`/api/admin/reservations/${id}/cancel`, undefined, { cookie: cookies.box_office })).status).toBe(200);
    await ctx.services.mailWorker.drain(); // the cancellation email
    // A ticket email that was still waiting (a retry, a slow queue) when the cancellation came.
    const queuedId = (await enqueueMail(
      ctx.services.database.db,
      'reservation_ticket',
      { locale: 'it', name: 'N', showTitle: 'S', venueName: 'V', startsAt: performance.startsAt.toISOString(), partySize: 2, ticketLinks: true },
      { recipient: 'dropped@example.com', reservationId: id },
    ))!;
    const sentBefore = ctx.mail.sent.length;
    await ctx.services.mailWorker.drain();
    expect(ctx.mail.sent.slice(sentBefore).filter((m) => m.to === 'dropped@example.com' && /biglietto/i.test(m.subject))).toEqual([]);
    // Another pass (the poll) may hold the row's lease for a moment: wait for its outcome.
    const statusOf = async () => {
      await ctx.services.mailWorker.drain();
      return (await ctx.services.database.db.select().from(mailOutbox).where(eq(mailOutbox.id, queuedId)))[0]!;
    };
    await expect.poll(async () => (await statusOf()).status, { timeout: 10_000 }).toBe('dropped');
    expect((await statusOf()).payload).toEqual({});
  });

  it('the printable ticket is the current one, derived again', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    const desk = await deskTicket(performance.id);
    const printable = await ctx.client.get(`/api/admin/reservations/${desk.body.reservation_id}/ticket`, { cookie: cookies.box_office });
    expect(printable.status).toBe(200);
    expect(printable.body.qr_code_url).toBe(desk.body.qr_code_url);
    expect(printable.body.performance.id).toBe(performance.id);
    expect((await ctx.client.get(`/api/admin/reservations/${desk.body.reservation_id}/ticket`, { cookie: cookies.door })).status).toBe(403);
  });
});

describe('key rotation', () => {
  const k1 = 'k1:' + Buffer.alloc(32, 1).toString('base64');
  const k2 = 'k2:' + Buffer.alloc(32, 2).toString('base64url');

  it('tickets signed with an older key keep working and are resent unchanged; new tickets use the new key', async () => {
    const before = ctx.withEnv({ TICKET_KEYS: k1 });
    const { performance } = await aPerformance(ctx, { capacity: 10, startsAt: new Date(Date.now() + 3_600_000) });
    const pending = await before.services.bookings.create(performance.id, { name: 'Old', email: 'old-key@example.com', phone: null, notes: null, party_size: 1 });
    const old = await before.services.bookings.confirm(pending.rawConfirmationToken);
    expect((await liveTokens(old.reservation.id))[0]).toMatchObject({ keyId: 'k1', generation: 1 });

    const after = ctx.withEnv({ TICKET_KEYS: `${k2},${k1}` });
    const user = (await loggedIn(ctx, 'box_office')).user;
    const answer = await after.services.bookings.resend(old.reservation.id, { ...user, role: 'box_office' } as never);
    expect(answer.ticket).toBe('same');
    expect((await liveTokens(old.reservation.id)).filter((t) => !t.revokedAt).map((t) => t.tokenHash)).toEqual([hashToken(old.rawCheckInToken)]);
    expect((await after.client.post('/api/check-ins/confirm', { token: old.rawCheckInToken }, { cookie: cookies.door })).status).toBe(200);

    const pendingNew = await after.services.bookings.create(performance.id, { name: 'New', email: 'new-key@example.com', phone: null, notes: null, party_size: 1 });
    const fresh = await after.services.bookings.confirm(pendingNew.rawConfirmationToken);
    expect((await liveTokens(fresh.reservation.id))[0]).toMatchObject({ keyId: 'k2', generation: 1 });

    // Once k1 is removed, its tickets cannot be derived again: a resend replaces them.
    const retired = ctx.withEnv({ TICKET_KEYS: k2 });
    const replaced = await retired.services.bookings.resend(old.reservation.id, { ...user, role: 'box_office' } as never);
    expect(replaced.ticket).toBe('reissued');
    const live = (await liveTokens(old.reservation.id)).filter((t) => !t.revokedAt);
    expect(live).toMatchObject([{ keyId: 'k2', generation: 2 }]);
  });
});

describe('a guest opening their own QR code', () => {
  it('is sent to their ticket page with the note, not to JSON; no session needed', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    const booked = await aConfirmedReservation(ctx, performance.id, 2);
    const response = await ctx.client.get(`/api/check-ins/preview/?token=${booked.rawCheckInToken}`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${ctx.env.SITE_BASE_URL}/ticket#token=${booked.rawCheckInToken}&scanned=1`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const junk = await ctx.client.get('/api/check-ins/preview/?token=%3Cscript%3E');
    expect(junk.status).toBe(303);
    expect(junk.headers.get('location')).toBe(`${ctx.env.SITE_BASE_URL}/ticket`);
  });

  it('the ticket page answer carries the name and the code', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    const booked = await aConfirmedReservation(ctx, performance.id, 2);
    const page = await ctx.client.get(`/api/reservations/qr-code?token=${booked.rawCheckInToken}`);
    expect(page.body).toMatchObject({ name: 'Maria Rossi', code: booked.reservation.code });
  });
});
