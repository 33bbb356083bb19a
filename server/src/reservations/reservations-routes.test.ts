import { randomBytes } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, mailOutbox, reservations, reservationTokens, type ReservationSource, type UserRole } from '../db/schema.js';
import type { OutgoingMail } from '../mail/mail-transport.js';
import {
  aConfirmedReservation,
  aPendingReservation,
  aPerformance,
  createTestContext,
  guest,
  loggedIn,
  tokenFromUrl,
  type TestContext,
  type TestResponse,
} from '../test/harness.js';

let ctx: TestContext;
const cookies = {} as Record<UserRole, string>;
const staff = {} as Record<UserRole, { id: number; email: string; displayName: string }>;
beforeAll(async () => {
  ctx = await createTestContext();
  for (const role of ['admin', 'content', 'box_office', 'door'] as const) {
    const { user, cookie } = await loggedIn(ctx, role);
    cookies[role] = cookie;
    staff[role] = user;
  }
});
afterAll(() => ctx.close());

const SITE = 'https://tickets.azionelab.example';
const TOKEN = /token=([A-Za-z0-9_-]{43})/;

const list = (query: string, cookie = cookies.box_office) => ctx.client.get(`/api/admin/reservations?${query}`, { cookie });
const detail = (id: number, cookie = cookies.box_office) => ctx.client.get(`/api/admin/reservations/${id}`, { cookie });
const cancel = (id: number, cookie = cookies.box_office) => ctx.client.post(`/api/admin/reservations/${id}/cancel`, undefined, { cookie });
const resend = (id: number, cookie = cookies.box_office) => ctx.client.post(`/api/admin/reservations/${id}/resend`, undefined, { cookie });
const preview = (token: string) => ctx.client.post('/api/check-ins/preview', { token }, { cookie: cookies.door });
const ticketPage = (token: string) => ctx.client.get(`/api/reservations/qr-code?token=${token}`);
const confirmLink = (token: string) => ctx.client.post('/api/reservations/confirm', { token });
const availableSeats = async (performanceId: number) => (await ctx.client.get(`/api/performances/${performanceId}`)).body.available_seats;

const uniqueEmail = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}@example.com`;

/** Delivers the outbox and returns what this recipient received, oldest first. */
async function mailsTo(email: string): Promise<OutgoingMail[]> {
  await ctx.services.mailWorker.drain();
  return ctx.mail.sent.filter((m) => m.to === email);
}

function decodeQr(png: Buffer): string {
  const image = PNG.sync.read(png);
  const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  if (!code) throw new Error('QR not decodable');
  return code.data;
}

async function book(performanceId: number, spec: { name: string; email?: string; party_size?: number; source?: ReservationSource }) {
  return ctx.services.bookings.create(
    performanceId,
    { name: spec.name, email: spec.email ?? uniqueEmail('guest'), phone: null, notes: null, party_size: spec.party_size ?? 1 },
    { source: spec.source ?? 'public', createdByUserId: spec.source === 'admin' ? staff.box_office.id : null },
  );
}

const outboxOf = (reservationId: number) =>
  ctx.services.database.db.select().from(mailOutbox).where(eq(mailOutbox.reservationId, reservationId)).orderBy(asc(mailOutbox.id));
const tokensOf = (reservationId: number) =>
  ctx.services.database.db.select().from(reservationTokens).where(eq(reservationTokens.reservationId, reservationId)).orderBy(asc(reservationTokens.id));
const reservationRow = async (id: number) => (await ctx.services.database.db.select().from(reservations).where(eq(reservations.id, id)))[0]!;
const auditActions = async (reservationId: number) =>
  (
    await ctx.services.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'reservation'), eq(auditLog.entityId, reservationId)))
      .orderBy(asc(auditLog.id))
  ).map((a) => [a.action, a.actorUserId]);

type Role = UserRole | 'anonymous';
type Call = (options: { cookie?: string }) => Promise<TestResponse>;

interface RouteCase {
  name: string;
  success: number;
  call: () => Promise<Call>;
}

const ROUTES: RouteCase[] = [
  { name: 'GET /api/admin/reservations', success: 200, call: async () => (o) => ctx.client.get('/api/admin/reservations', o) },
  {
    name: 'GET /api/admin/reservations/:id',
    success: 200,
    call: async () => {
      const { performance } = await aPerformance(ctx);
      const { reservation } = await aPendingReservation(ctx, performance.id);
      return (o) => ctx.client.get(`/api/admin/reservations/${reservation.id}`, o);
    },
  },
  {
    name: 'POST /api/admin/reservations',
    success: 201,
    call: async () => {
      const { performance } = await aPerformance(ctx);
      return (o) => ctx.client.post('/api/admin/reservations', { ...guest({ party_size: 1 }), performance_id: performance.id }, o);
    },
  },
  {
    name: 'POST /api/admin/reservations/:id/cancel',
    success: 200,
    call: async () => {
      const { performance } = await aPerformance(ctx);
      const { reservation } = await aConfirmedReservation(ctx, performance.id);
      return (o) => ctx.client.post(`/api/admin/reservations/${reservation.id}/cancel`, undefined, o);
    },
  },
  {
    name: 'POST /api/admin/reservations/:id/resend',
    success: 202,
    call: async () => {
      const { performance } = await aPerformance(ctx);
      const { reservation } = await aPendingReservation(ctx, performance.id);
      return (o) => ctx.client.post(`/api/admin/reservations/${reservation.id}/resend`, undefined, o);
    },
  },
];

const ROLES: Role[] = ['anonymous', 'admin', 'content', 'box_office', 'door'];

describe('reservation route permissions', () => {
  it.each(ROUTES.flatMap((route) => ROLES.map((role) => [route.name, role, route] as const)))('%s as %s', async (_name, role, route) => {
    const request = await route.call();
    const response = await request(role === 'anonymous' ? {} : { cookie: cookies[role] });
    if (role === 'anonymous') {
      expect(response.status).toBe(401);
      expect(response.body.status).toBe('not_authenticated');
    } else if (role === 'admin' || role === 'box_office') {
      expect(response.status).toBe(route.success);
    } else {
      expect(response.status).toBe(403);
      expect(response.body.status).toBe('forbidden');
      expect(response.text).not.toContain('@example.com');
    }
  });

  it('a refused cancel or resend changes nothing and sends nothing', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    const ticket = await aConfirmedReservation(ctx, performance.id, 3);
    const before = await outboxOf(ticket.reservation.id);
    for (const cookie of [cookies.content, cookies.door, undefined]) {
      const options = cookie ? { cookie } : {};
      expect((await ctx.client.post(`/api/admin/reservations/${ticket.reservation.id}/cancel`, undefined, options)).status).toBeGreaterThanOrEqual(401);
      expect((await ctx.client.post(`/api/admin/reservations/${ticket.reservation.id}/resend`, undefined, options)).status).toBeGreaterThanOrEqual(401);
    }
    expect((await reservationRow(ticket.reservation.id)).status).toBe('confirmed');
    expect(await outboxOf(ticket.reservation.id)).toHaveLength(before.length);
    expect((await tokensOf(ticket.reservation.id)).every((t) => t.revokedAt === null)).toBe(true);
    expect(await availableSeats(performance.id)).toBe(7);
    expect((await preview(ticket.rawCheckInToken)).status).toBe(200);
  });
});

describe('GET /api/admin/reservations', () => {
  /**
   * One performance, five guests, sorted by name: Anna (confirmed, checked in), Bruno (pending),
   * Carla (box office, confirmed), Dario (cancelled), Elena (box office, pending).
   */
  async function fiveGuests() {
    const { performance } = await aPerformance(ctx, { capacity: 30, startsAt: new Date(Date.now() + 3_600_000) });
    const anna = await book(performance.id, { name: 'Anna Bianchi', email: 'anna.bianchi@example.com', party_size: 2 });
    const bruno = await book(performance.id, { name: 'Bruno Verdi', email: 'bruno_v@example.com' });
    const carla = await book(performance.id, { name: 'Carla 50% Neri', email: 'carla@example.com', party_size: 3, source: 'admin' });
    const dario = await book(performance.id, { name: 'Dario Rossi', email: 'brunoxv@example.com' });
    const elena = await book(performance.id, { name: 'Elena Bianchini', email: 'elena@example.com', source: 'admin' });
    const annaTicket = await ctx.services.bookings.confirm(anna.rawConfirmationToken);
    const carlaTicket = await ctx.services.bookings.confirm(carla.rawConfirmationToken);
    await ctx.services.bookings.cancel(dario.reservation.id, null);
    const checkIn = await ctx.client.post('/api/check-ins/confirm', { token: annaTicket.rawCheckInToken }, { cookie: cookies.door });
    expect(checkIn.status).toBe(200);
    const ids = { anna: anna.reservation.id, bruno: bruno.reservation.id, carla: carla.reservation.id, dario: dario.reservation.id, elena: elena.reservation.id };
    const rawTokens = [anna, bruno, carla, dario, elena].map((r) => r.rawConfirmationToken).concat(annaTicket.rawCheckInToken, carlaTicket.rawCheckInToken);
    return { performance, ids, rawTokens };
  }

  let guests: Awaited<ReturnType<typeof fiveGuests>>;
  beforeAll(async () => {
    guests = await fiveGuests();
  });
  const idsOf = async (query: string) => {
    const response = await list(`performance_id=${guests.performance.id}&sort=name&${query}`);
    expect(response.status, query).toBe(200);
    expect(response.body.total, query).toBe(response.body.items.length);
    return response.body.items.map((r: { id: number }) => r.id);
  };

  it('lists the reservations, newest first or sorted by name, with their state', async () => {
    const { ids, performance } = guests;
    const newest = await list(`performance_id=${performance.id}`);
    expect(newest.body.items.map((r: { id: number }) => r.id)).toEqual([ids.elena, ids.dario, ids.carla, ids.bruno, ids.anna]);
    const response = await list(`performance_id=${performance.id}&sort=name`);
    expect(response.body).toMatchObject({ total: 5, page: 1, page_size: 25 });
    expect(response.body.items.map((r: { id: number }) => r.id)).toEqual([ids.anna, ids.bruno, ids.carla, ids.dario, ids.elena]);
    const [anna, bruno, carla, dario] = response.body.items;
    expect(anna).toMatchObject({ status: 'confirmed', source: 'public', party_size: 2, checked_in_at: expect.any(String), confirmed_at: expect.any(String) });
    expect(bruno).toMatchObject({ status: 'pending', checked_in_at: null, confirmed_at: null, cancelled_at: null });
    expect(carla).toMatchObject({ status: 'confirmed', source: 'admin', checked_in_at: null });
    expect(dario).toMatchObject({ status: 'cancelled', cancelled_at: expect.any(String) });
  });

  it('searches q in names and emails, case-insensitively', async () => {
    const { ids } = guests;
    expect(await idsOf('q=BIANCHI')).toEqual([ids.anna, ids.elena]);
    expect(await idsOf('q=bianchini')).toEqual([ids.elena]);
    expect(await idsOf('q=ANNA.BIANCHI%40EXAMPLE')).toEqual([ids.anna]);
    expect(await idsOf('q=%20%20verdi%20')).toEqual([ids.bruno]);
    expect(await idsOf('q=nobody-like-this')).toEqual([]);
  });

  it('treats % and _ in q as literal characters', async () => {
    const { ids } = guests;
    expect(await idsOf('q=50%25')).toEqual([ids.carla]);
    expect(await idsOf('q=%25')).toEqual([ids.carla]);
    expect(await idsOf('q=%25%25%25')).toEqual([]);
    // As a wildcard, `_` would also match Dario's brunoxv@.
    expect(await idsOf('q=bruno_v')).toEqual([ids.bruno]);
    expect(await idsOf('q=_')).toEqual([ids.bruno]);
    expect(await idsOf('q=%5C')).toEqual([]);
  });

  it('filters by status, source and checked_in, and combines them', async () => {
    const { ids } = guests;
    expect(await idsOf('status=pending')).toEqual([ids.bruno, ids.elena]);
    expect(await idsOf('status=confirmed')).toEqual([ids.anna, ids.carla]);
    expect(await idsOf('status=cancelled')).toEqual([ids.dario]);
    expect(await idsOf('source=admin')).toEqual([ids.carla, ids.elena]);
    expect(await idsOf('source=public')).toEqual([ids.anna, ids.bruno, ids.dario]);
    expect(await idsOf('checked_in=true')).toEqual([ids.anna]);
    expect(await idsOf('checked_in=false')).toEqual([ids.bruno, ids.carla, ids.dario, ids.elena]);
    expect(await idsOf('status=confirmed&checked_in=false')).toEqual([ids.carla]);
    expect(await idsOf('q=bianchi&source=admin&status=pending')).toEqual([ids.elena]);
  });

  it('paginates with page and page_size and keeps the total', async () => {
    const { ids, performance } = guests;
    const second = await list(`performance_id=${performance.id}&sort=name&page_size=2&page=2`);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ total: 5, page: 2, page_size: 2 });
    expect(second.body.items.map((r: { id: number }) => r.id)).toEqual([ids.carla, ids.dario]);
    const third = await list(`performance_id=${performance.id}&sort=name&page_size=2&page=3`);
    expect(third.body.items.map((r: { id: number }) => r.id)).toEqual([ids.elena]);
    expect(third.body.total).toBe(5);
    const filtered = await list(`performance_id=${performance.id}&sort=name&checked_in=false&page_size=2&page=2`);
    expect(filtered.body).toMatchObject({ total: 4 });
    expect(filtered.body.items.map((r: { id: number }) => r.id)).toEqual([ids.dario, ids.elena]);
  });

  it('searches across performances without performance_id', async () => {
    const surname = `Zyx${randomBytes(3).toString('hex')}`;
    const { performance: one } = await aPerformance(ctx);
    const { performance: two } = await aPerformance(ctx);
    const a = await book(one.id, { name: `Ada ${surname}` });
    const b = await book(two.id, { name: `Bea ${surname}` });
    const response = await list(`q=${surname.toLowerCase()}&sort=name`);
    expect(response.body.total).toBe(2);
    expect(response.body.items.map((r: { id: number; performance_id: number }) => [r.id, r.performance_id])).toEqual([
      [a.reservation.id, one.id],
      [b.reservation.id, two.id],
    ]);
  });

  it('answers 400 to a bad query', async () => {
    for (const query of ['status=paid', 'source=web', 'checked_in=yes', 'page=0', 'page_size=501', 'performance_id=abc', `q=${'x'.repeat(121)}`, 'sort=price']) {
      const response = await list(query);
      expect(response.status, query).toBe(400);
      expect(response.body.status).toBe('validation_error');
    }
  });

  it('never shows a token or a token hash, in lists or details', async () => {
    // Its own guests: this test resends and cancels.
    const { ids, performance, rawTokens } = await fiveGuests();
    const rows = await ctx.services.database.db
      .select({ hash: reservationTokens.tokenHash })
      .from(reservationTokens)
      .where(inArray(reservationTokens.reservationId, Object.values(ids)));
    expect(rows.length).toBe(7);
    const secrets = [...rows.map((r) => r.hash), ...rows.map((r) => r.hash.slice(0, 16)), ...rawTokens];

    const responses = [
      await list(`performance_id=${performance.id}`),
      await list(`performance_id=${performance.id}`, cookies.admin),
      await list(`performance_id=${performance.id}&checked_in=true`),
      await list('q=bianchi'),
      ...(await Promise.all(Object.values(ids).map((id) => detail(id)))),
      await resend(ids.bruno),
      await cancel(ids.elena),
    ];
    await ctx.services.mailWorker.drain();
    responses.push(await detail(ids.bruno), await detail(ids.elena));
    for (const response of responses) {
      expect(response.status).toBeLessThan(300);
      for (const secret of secrets) expect(response.text).not.toContain(secret);
      expect(response.text).not.toMatch(/token|hash/i);
    }
    // The resend made a new token: it must not show either.
    const fresh = await ctx.services.database.db
      .select({ hash: reservationTokens.tokenHash })
      .from(reservationTokens)
      .where(eq(reservationTokens.reservationId, ids.bruno));
    for (const response of responses.slice(-2)) for (const { hash } of fresh) expect(response.text).not.toContain(hash);
  });
});

describe('GET /api/admin/reservations/:id', () => {
  it('tells the whole story of a manual reservation: creator, emails, check-in, history', async () => {
    const { performance, show, venue } = await aPerformance(ctx, { capacity: 10, startsAt: new Date(Date.now() + 3_600_000) });
    const email = uniqueEmail('giulia');
    const created = await ctx.client.post(
      '/api/admin/reservations',
      { performance_id: performance.id, name: 'Giulia Dettagli', email, phone: '+39 06 1234567', notes: 'Sedia a rotelle', party_size: 2 },
      { cookie: cookies.box_office },
    );
    expect(created.status).toBe(201);
    const id = created.body.reservation_id as number;

    const fresh = await detail(id);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({
      id,
      performance_id: performance.id,
      name: 'Giulia Dettagli',
      email,
      phone: '+39 06 1234567',
      notes: 'Sedia a rotelle',
      party_size: 2,
      status: 'pending',
      source: 'admin',
      created_by: staff.box_office.email,
      check_in: null,
      checked_in_at: null,
      performance: { id: performance.id, show_title: show.title, venue_name: venue.name, starts_at: performance.startsAt.toISOString() },
    });
    expect(fresh.body.history.map((h: { action: string }) => h.action)).toEqual(['reservation.create']);

    const [confirmationMail] = await mailsTo(email);
    const confirmed = await confirmLink(TOKEN.exec(confirmationMail!.text)![1]!);
    expect(confirmed.status).toBe(200);
    const checkIn = await ctx.client.post('/api/check-ins/confirm', { token: tokenFromUrl(confirmed.body.qr_code_url) }, { cookie: cookies.door });
    expect(checkIn.status).toBe(200);

    const arrived = await detail(id);
    expect(arrived.body.status).toBe('confirmed');
    expect(arrived.body.check_in).toEqual({ checked_in_at: expect.any(String), checked_in_by: staff.door.displayName, method: 'online' });
    expect(arrived.body.checked_in_at).toBe(arrived.body.check_in.checked_in_at);
    expect(Date.parse(arrived.body.check_in.checked_in_at)).toBeGreaterThanOrEqual(Date.parse(arrived.body.confirmed_at));

    expect((await cancel(id, cookies.admin)).status).toBe(200);
    await ctx.services.mailWorker.drain();
    const full = await detail(id);
    expect(full.body).toMatchObject({ status: 'cancelled', cancelled_at: expect.any(String), confirmed_at: expect.any(String) });
    expect(full.body.emails).toEqual([
      expect.objectContaining({ kind: 'reservation_confirmation', status: 'sent', attempts: 1, sent_at: expect.any(String), last_error: null }),
      expect.objectContaining({ kind: 'reservation_ticket', status: 'sent', attempts: 1, sent_at: expect.any(String) }),
      expect.objectContaining({ kind: 'reservation_cancelled', status: 'sent', attempts: 1, sent_at: expect.any(String) }),
    ]);
    expect(full.body.history.map((h: { action: string; actor: string | null }) => [h.action, h.actor])).toEqual([
      ['reservation.create', staff.box_office.email],
      ['reservation.confirm', null],
      ['check_in.create', staff.door.email],
      ['reservation.cancel', staff.admin.email],
    ]);
    const times = full.body.history.map((h: { at: string }) => Date.parse(h.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('shows a failed delivery with its error', async () => {
    const { performance } = await aPerformance(ctx);
    await ctx.services.mailWorker.drain();
    // Failing before the booking: the pass kicked by its commit must fail too.
    ctx.mail.failWith = new Error('421 mailbox busy');
    let reservationId: number;
    try {
      reservationId = (await aPendingReservation(ctx, performance.id)).reservation.id;
      await ctx.services.mailWorker.drain();
    } finally {
      ctx.mail.failWith = null;
    }
    const response = await detail(reservationId);
    expect(response.body.emails).toEqual([
      expect.objectContaining({ kind: 'reservation_confirmation', status: 'pending', attempts: 1, sent_at: null, last_error: expect.stringContaining('421') }),
    ]);
  });

  it('has no creator for a public reservation', async () => {
    const { performance } = await aPerformance(ctx);
    const { reservation } = await aPendingReservation(ctx, performance.id);
    const response = await detail(reservation.id, cookies.admin);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ source: 'public', created_by: null, check_in: null });
    expect(response.body.history).toEqual([{ at: expect.any(String), action: 'reservation.create', actor: null, summary: '2 seats, public', details: expect.objectContaining({ seats: 2, source: 'public' }) }]);
  });

  it('answers 404 for unknown or malformed ids', async () => {
    for (const id of ['2147483647', '0', 'abc', '99999999999']) {
      const response = await detail(id as unknown as number);
      expect(response.status).toBe(404);
      expect(response.body.status).toBe('not_found');
    }
  });
});

describe('POST /api/admin/reservations/:id/cancel', () => {
  it('frees a confirmed reservation’s seats at once, voids its ticket and tells the guest', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    const ticket = await aConfirmedReservation(ctx, performance.id, 3);
    await aConfirmedReservation(ctx, performance.id, 2);
    expect(await availableSeats(performance.id)).toBe(5);
    expect((await preview(ticket.rawCheckInToken)).status).toBe(200);
    expect((await ticketPage(ticket.rawCheckInToken)).status).toBe(200);

    const response = await cancel(ticket.reservation.id);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ reservation_id: ticket.reservation.id, status: 'cancelled' });
    expect(await availableSeats(performance.id)).toBe(8);
    expect((await ctx.client.get(`/api/admin/performances/${performance.id}`, { cookie: cookies.box_office })).body).toMatchObject({
      confirmed_seats: 2,
      available_seats: 8,
    });

    const row = await reservationRow(ticket.reservation.id);
    expect(row.status).toBe('cancelled');
    expect(row.cancelledAt).toBeInstanceOf(Date);
    const tokens = await tokensOf(ticket.reservation.id);
    expect(tokens.map((t) => t.purpose).sort()).toEqual(['check_in', 'confirmation']);
    expect(tokens.every((t) => t.revokedAt !== null)).toBe(true);

    // The door hears "cancelled" (as it does offline), not "unknown ticket"; nothing admits.
    const door = await preview(ticket.rawCheckInToken);
    expect(door.status).toBe(409);
    expect(door.body.status).toBe('reservation_not_confirmed');
    const scan = await ctx.client.post('/api/check-ins/confirm', { token: ticket.rawCheckInToken }, { cookie: cookies.door });
    expect(scan.status).toBe(409);
    expect(scan.body.status).toBe('reservation_not_confirmed');
    const page = await ticketPage(ticket.rawCheckInToken);
    expect(page.status).toBe(404);
    expect(page.body.status).toBe('invalid_token');

    const mails = await mailsTo(ticket.reservation.email!);
    const cancelled = mails.filter((m) => m.subject.startsWith('Prenotazione cancellata'));
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]!.text).toContain('3 posti');
    expect(cancelled[0]!.text).toContain('è stata cancellata');
    expect(cancelled[0]!.text).toContain('Il codice QR non è più valido.');
    expect((await outboxOf(ticket.reservation.id)).map((m) => m.kind)).toEqual([
      'reservation_confirmation',
      'reservation_ticket',
      'reservation_cancelled',
    ]);
    expect(await auditActions(ticket.reservation.id)).toEqual([
      ['reservation.create', null],
      ['reservation.confirm', null],
      ['reservation.cancel', staff.box_office.id],
    ]);
  });

  it('voids a pending reservation’s confirmation link', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 4 });
    const pending = await aPendingReservation(ctx, performance.id, 4);
    expect((await cancel(pending.reservation.id, cookies.admin)).status).toBe(200);
    const late = await confirmLink(pending.rawConfirmationToken);
    expect(late.status).toBe(404);
    expect(late.body.status).toBe('invalid_token');
    expect((await reservationRow(pending.reservation.id)).status).toBe('cancelled');
    expect(await availableSeats(performance.id)).toBe(4);
    // Delivery order is not guaranteed (drain and a kicked pass may send side by side).
    const subjects = (await mailsTo(pending.reservation.email!)).map((m) => m.subject);
    expect(subjects).toHaveLength(2);
    expect(subjects.filter((s) => s.startsWith('Conferma la prenotazione'))).toHaveLength(1);
    expect(subjects.filter((s) => s.startsWith('Prenotazione cancellata'))).toHaveLength(1);
    // Never confirmed, it never had a QR code to void; and nobody reads replies to a no-reply address.
    const cancelled = (await mailsTo(pending.reservation.email!)).find((m) => m.subject.startsWith('Prenotazione cancellata'))!;
    expect(cancelled.text).not.toMatch(/QR/);
    expect(cancelled.text).not.toMatch(/rispondi|reply to/i);
  });

  it('answers 409 reservation_cancelled the second time, and 404 for an unknown id', async () => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id);
    expect((await cancel(ticket.reservation.id)).status).toBe(200);
    const again = await cancel(ticket.reservation.id);
    expect(again.status).toBe(409);
    expect(again.body.status).toBe('reservation_cancelled');
    expect((await outboxOf(ticket.reservation.id)).filter((m) => m.kind === 'reservation_cancelled')).toHaveLength(1);
    expect((await auditActions(ticket.reservation.id)).filter(([action]) => action === 'reservation.cancel')).toHaveLength(1);

    for (const id of ['2147483647', 'abc']) {
      const unknown = await ctx.client.post(`/api/admin/reservations/${id}/cancel`, undefined, { cookie: cookies.box_office });
      expect(unknown.status).toBe(404);
      expect(unknown.body.status).toBe('not_found');
    }
  });
});

describe('POST /api/admin/reservations/:id/resend', () => {
  it('sends a pending guest a new confirmation link; the old one stops working', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    const pending = await aPendingReservation(ctx, performance.id, 2);
    const email = pending.reservation.email!;
    expect(await mailsTo(email)).toHaveLength(1);

    const response = await resend(pending.reservation.id);
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ kind: 'reservation_confirmation', ticket: null, emailed: true });

    const mails = await mailsTo(email);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toMatch(/^Conferma la prenotazione: /);
    expect(mails[1]!.text).toContain(`${SITE}/confirm#token=`);
    const newToken = TOKEN.exec(mails[1]!.text)![1]!;
    expect(newToken).not.toBe(pending.rawConfirmationToken);

    const old = await confirmLink(pending.rawConfirmationToken);
    expect(old.status).toBe(404);
    expect(old.body.status).toBe('invalid_token');
    expect((await reservationRow(pending.reservation.id)).status).toBe('pending');

    const confirmed = await confirmLink(newToken);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ reservation_id: pending.reservation.id, status: 'confirmed', available_seats: 8 });
    expect(await auditActions(pending.reservation.id)).toEqual([
      ['reservation.create', null],
      ['reservation.resend', staff.box_office.id],
      ['reservation.confirm', null],
    ]);
  });

  it('sends a confirmed guest the same ticket again: the QR they saved keeps opening the door', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10, startsAt: new Date(Date.now() + 3_600_000) });
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    const email = ticket.reservation.email!;
    expect(await mailsTo(email)).toHaveLength(2);

    const response = await resend(ticket.reservation.id, cookies.admin);
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ kind: 'reservation_ticket', ticket: 'same', emailed: true });

    const mails = await mailsTo(email);
    expect(mails).toHaveLength(3);
    const [first, again] = [mails[1]!, mails[2]!];
    expect(again.subject).toMatch(/^Il tuo biglietto: /);
    // The same QR code as in the first ticket email, and the same ticket link.
    expect(decodeQr(again.attachments![0]!.content)).toBe(decodeQr(first.attachments![0]!.content));
    expect(decodeQr(again.attachments![0]!.content)).toBe(`${SITE}/api/check-ins/preview/?token=${ticket.rawCheckInToken}`);
    expect(again.text).toContain(`${SITE}/ticket#token=${ticket.rawCheckInToken}`);

    expect((await preview(ticket.rawCheckInToken)).status).toBe(200);
    expect((await ticketPage(ticket.rawCheckInToken)).status).toBe(200);
    const live = (await tokensOf(ticket.reservation.id)).filter((t) => t.purpose === 'check_in' && t.revokedAt === null);
    expect(live).toHaveLength(1);
    // Still confirmed, seats unchanged: a resend is not a second booking.
    expect((await reservationRow(ticket.reservation.id)).status).toBe('confirmed');
    expect(await availableSeats(performance.id)).toBe(8);
    const checkIn = await ctx.client.post('/api/check-ins/confirm', { token: ticket.rawCheckInToken }, { cookie: cookies.door });
    expect(checkIn.status).toBe(200);
  });

  it('answers 409 reservation_cancelled for a cancelled reservation and sends nothing', async () => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id);
    expect((await cancel(ticket.reservation.id)).status).toBe(200);
    const before = await outboxOf(ticket.reservation.id);
    const tokensBefore = await tokensOf(ticket.reservation.id);

    const response = await resend(ticket.reservation.id);
    expect(response.status).toBe(409);
    expect(response.body.status).toBe('reservation_cancelled');
    expect(await outboxOf(ticket.reservation.id)).toHaveLength(before.length);
    expect(await tokensOf(ticket.reservation.id)).toHaveLength(tokensBefore.length);
    expect((await preview(ticket.rawCheckInToken)).body.status).toBe('reservation_not_confirmed');

    const unknown = await resend(2_147_483_647);
    expect(unknown.status).toBe(404);
    expect(unknown.body.status).toBe('not_found');
  });
});
