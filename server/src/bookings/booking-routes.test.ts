import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservations } from '../db/schema.js';
import {
  aConfirmedReservation,
  aPendingReservation,
  aPerformance,
  createTestContext,
  guest,
  tokenFromUrl,
  type TestContext,
} from '../test/harness.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const SITE = 'https://tickets.azionelab.example';
const reserve = (performanceId: number, body: unknown, ip?: string) =>
  ctx.client.post(`/api/performances/${performanceId}/reservations/`, body, ip ? { ip } : {});

describe('POST /api/performances/:id/reservations', () => {
  it('creates a pending reservation and emails the confirmation link', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 10 });
    const response = await reserve(performance.id, guest({ email: 'Maria@Example.com', phone: '+39 06 1234567', notes: 'Sedia a rotelle' }));

    expect(response.status).toBe(201);
    expect(response.body).toEqual({ reservation_id: expect.any(Number), status: 'pending', party_size: 2 });
    const [row] = await ctx.services.database.db.select().from(reservations).where(eq(reservations.id, response.body.reservation_id));
    expect(row).toMatchObject({ status: 'pending', source: 'public', email: 'maria@example.com', phone: '+39 06 1234567' });

    await ctx.services.mailWorker.drain();
    const mail = ctx.mail.sent.find((m) => m.to === 'maria@example.com' && m.subject.startsWith('Conferma la prenotazione'));
    expect(mail?.text).toContain(`${SITE}/confirm#token=`);
  });

  it('answers 409 insufficient_seats when the party does not fit', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 2 });
    const response = await reserve(performance.id, guest({ party_size: 3 }));
    expect(response.status).toBe(409);
    expect(response.body.status).toBe('insufficient_seats');
    expect(response.body.available_seats).toBe(2);
  });

  it('answers 409 booking_closed and 404 for unpublished performances', async () => {
    const closed = await aPerformance(ctx, { bookingOpen: false });
    const hidden = await aPerformance(ctx, { published: false });
    expect((await reserve(closed.performance.id, guest())).body.status).toBe('booking_closed');
    const notFound = await reserve(hidden.performance.id, guest());
    expect(notFound.status).toBe(404);
    expect(notFound.body.status).toBe('not_found');
  });

  it('rejects protected fields a client must never set', async () => {
    const { performance } = await aPerformance(ctx);
    const response = await reserve(performance.id, { ...guest(), status: 'confirmed' });
    expect(response.status).toBe(400);
    expect(response.body.status).toBe('validation_error');
    expect(response.body.errors).toEqual({ status: [{ code: 'unknown_field' }] });
  });

  it('is throttled per client address', async () => {
    const tight = ctx.withEnv({ THROTTLE_RESERVATION_CREATE: '1/minute' });
    const { performance } = await aPerformance(ctx);
    const path = `/api/performances/${performance.id}/reservations/`;
    const first = await tight.client.post(path, guest(), { ip: '198.51.100.7' });
    const second = await tight.client.post(path, guest(), { ip: '198.51.100.7' });
    const otherClient = await tight.client.post(path, guest(), { ip: '198.51.100.8' });

    expect(first.status).toBe(201);
    expect(second.status).toBe(429);
    expect(second.body.status).toBe('rate_limited');
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(otherClient.status).toBe(201);
  });
});

describe('GET|POST /api/reservations/confirm', () => {
  it('confirms by POST and returns the QR, never a token field', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 3 });
    const pending = await aPendingReservation(ctx, performance.id, 2);
    const response = await ctx.client.post('/api/reservations/confirm/', { token: pending.rawConfirmationToken });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      reservation_id: pending.reservation.id,
      status: 'confirmed',
      party_size: 2,
      available_seats: 1,
    });
    expect(response.body.qr_code_url.startsWith(`${SITE}/api/check-ins/preview/?token=`)).toBe(true);
    expect(response.body.qr_code_url).not.toContain(pending.rawConfirmationToken);
    expect(response.body.qr_code_image.startsWith('data:image/png;base64,')).toBe(true);
    expect(response.body).not.toHaveProperty('token');
  });

  it('confirms by GET with ?token= (links already sent by email)', async () => {
    const { performance } = await aPerformance(ctx);
    const pending = await aPendingReservation(ctx, performance.id, 1);
    const response = await ctx.client.get(`/api/reservations/confirm/?token=${pending.rawConfirmationToken}`);
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('confirmed');
  });

  it('ignores parameters a mail client appends to the link', async () => {
    const { performance } = await aPerformance(ctx);
    const pending = await aPendingReservation(ctx, performance.id, 1);
    const response = await ctx.client.get(`/api/reservations/confirm/?utm_source=newsletter&token=${pending.rawConfirmationToken}&utm_medium=email`);
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('confirmed');
  });

  it('answers 409 already_confirmed the second time', async () => {
    const { performance } = await aPerformance(ctx);
    const pending = await aPendingReservation(ctx, performance.id, 1);
    await ctx.client.post('/api/reservations/confirm', { token: pending.rawConfirmationToken });
    const second = await ctx.client.post('/api/reservations/confirm', { token: pending.rawConfirmationToken });
    expect(second.status).toBe(409);
    expect(second.body.status).toBe('already_confirmed');
  });

  it('answers 409 insufficient_seats and leaves the reservation pending', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 2 });
    const first = await aPendingReservation(ctx, performance.id, 2);
    const second = await aPendingReservation(ctx, performance.id, 2);
    await ctx.client.post('/api/reservations/confirm', { token: first.rawConfirmationToken });
    const response = await ctx.client.post('/api/reservations/confirm', { token: second.rawConfirmationToken });
    expect(response.status).toBe(409);
    expect(response.body.status).toBe('insufficient_seats');
    const [row] = await ctx.services.database.db.select().from(reservations).where(eq(reservations.id, second.reservation.id));
    expect(row!.status).toBe('pending');
  });

  it('answers 404 invalid_token for an unknown token', async () => {
    const response = await ctx.client.post('/api/reservations/confirm', { token: 'A'.repeat(43) });
    expect(response.status).toBe(404);
    expect(response.body.status).toBe('invalid_token');
  });

  it('is throttled per client address', async () => {
    const tight = ctx.withEnv({ THROTTLE_RESERVATION_CONFIRM: '1/minute' });
    const { performance } = await aPerformance(ctx);
    const a = await aPendingReservation(ctx, performance.id, 1);
    const b = await aPendingReservation(ctx, performance.id, 1);
    const first = await tight.client.post('/api/reservations/confirm', { token: a.rawConfirmationToken }, { ip: '203.0.113.9' });
    const second = await tight.client.post('/api/reservations/confirm', { token: b.rawConfirmationToken }, { ip: '203.0.113.9' });
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(second.body.status).toBe('rate_limited');
  });
});

describe('GET /api/reservations/qr-code', () => {
  it('returns the QR for the check-in token with the name and code printed on a ticket, never the email', async () => {
    const { performance } = await aPerformance(ctx);
    const pending = await aPendingReservation(ctx, performance.id, 1);
    const confirmation = await ctx.client.post('/api/reservations/confirm', { token: pending.rawConfirmationToken });
    const checkInToken = tokenFromUrl(confirmation.body.qr_code_url);

    const response = await ctx.client.get(`/api/reservations/qr-code/?token=${checkInToken}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      reservation_id: pending.reservation.id,
      qr_code_url: `${SITE}/api/check-ins/preview/?token=${checkInToken}`,
      qr_code_image: expect.stringMatching(/^data:image\/png;base64,/),
      printable: true,
      party_size: 1,
      name: 'Maria Rossi',
      code: confirmation.body.code,
      performance: { id: performance.id, show_title: expect.any(String), venue_name: expect.any(String), starts_at: performance.startsAt.toISOString() },
    });
    expect(confirmation.body.code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(response.text).not.toContain('@example.com');
  });

  it('rejects the confirmation token with 404 invalid_token', async () => {
    const { performance } = await aPerformance(ctx);
    const confirmed = await aConfirmedReservation(ctx, performance.id);
    const response = await ctx.client.get(`/api/reservations/qr-code/?token=${confirmed.rawConfirmationToken}`);
    expect(response.status).toBe(404);
    expect(response.body.status).toBe('invalid_token');
  });

  it('rejects a pending reservation’s token and an invalid token with 404 invalid_token', async () => {
    const { performance } = await aPerformance(ctx);
    const pending = await aPendingReservation(ctx, performance.id);
    for (const token of [pending.rawConfirmationToken, 'invalid-token']) {
      const response = await ctx.client.get(`/api/reservations/qr-code/?token=${token}`);
      expect(response.status).toBe(404);
      expect(response.body.status).toBe('invalid_token');
    }
  });
});

describe('public catalogue', () => {
  it('lists published shows with upcoming performances and live seat counts', async () => {
    const { performance, show } = await aPerformance(ctx, { capacity: 5, additionalSeats: 2, manuallyOccupiedSeats: 1 });
    const hidden = await aPerformance(ctx, { published: false });
    await aConfirmedReservation(ctx, performance.id, 3);
    await aPendingReservation(ctx, performance.id, 1);

    const list = await ctx.client.get('/api/shows/');
    expect(list.status).toBe(200);
    const entry = list.body.find((s: { id: number }) => s.id === show.id);
    expect(entry.performances[0]).toMatchObject({ id: performance.id, available_seats: 3, booking_open: true, few_seats_left: true });
    expect(list.body.some((s: { id: number }) => s.id === hidden.show.id)).toBe(false);

    const bySlug = await ctx.client.get(`/api/shows/${show.slug}`);
    expect(bySlug.body.id).toBe(show.id);
    const detail = await ctx.client.get(`/api/performances/${performance.id}`);
    expect(detail.body).toMatchObject({ id: performance.id, available_seats: 3, booking_open: true, show: { id: show.id } });
    expect((await ctx.client.get(`/api/performances/${hidden.performance.id}`)).status).toBe(404);
    expect((await ctx.client.get(`/api/shows/${hidden.show.id}`)).status).toBe(404);
  });

  it('shows sold out and closed performances as such', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 2 });
    await aConfirmedReservation(ctx, performance.id, 2);
    const detail = await ctx.client.get(`/api/performances/${performance.id}`);
    expect(detail.body).toMatchObject({ available_seats: 0, sold_out: true });
  });
});
