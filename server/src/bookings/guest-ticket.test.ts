import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performances, reservations } from '../db/schema.js';
import { aConfirmedReservation, aPerformance, createTestContext, loggedIn, type TestContext } from '../test/harness.js';
import { fold, icsEvent } from './calendar.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('guest self-service cancellation', () => {
  it('frees the seats at once, revokes the ticket and emails the guest', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 4 });
    const ticket = await aConfirmedReservation(ctx, performance.id, 3);
    expect((await ctx.client.get(`/api/performances/${performance.id}`)).body.available_seats).toBe(1);

    const response = await ctx.client.post('/api/reservations/cancel', { token: ticket.rawCheckInToken });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ reservation_id: ticket.reservation.id, status: 'cancelled' });
    expect((await ctx.client.get(`/api/performances/${performance.id}`)).body.available_seats).toBe(4);
    const [row] = await ctx.services.database.db.select().from(reservations).where(eq(reservations.id, ticket.reservation.id));
    expect(row!.status).toBe('cancelled');

    const again = await ctx.client.post('/api/reservations/cancel', { token: ticket.rawCheckInToken });
    expect(again.status).toBe(404);
    expect(again.body.status).toBe('invalid_token');
    const door = await loggedIn(ctx, 'door');
    // The door hears "cancelled" (as offline), not "unknown ticket".
    const scan = await ctx.client.post('/api/check-ins/preview', { token: ticket.rawCheckInToken }, { cookie: door.cookie });
    expect(scan.status).toBe(409);
    expect(scan.body.status).toBe('reservation_not_confirmed');

    await ctx.services.mailWorker.drain();
    expect(ctx.mail.sent.some((m) => m.to === ticket.reservation.email && m.subject.startsWith('Prenotazione cancellata'))).toBe(true);
  });

  it('is refused once the performance has started, and with a confirmation token', async () => {
    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id, 1);
    const byConfirmationToken = await ctx.client.post('/api/reservations/cancel', { token: ticket.rawConfirmationToken });
    expect(byConfirmationToken.body.status).toBe('invalid_token');

    await ctx.services.database.db
      .update(performances)
      .set({ startsAt: new Date(Date.now() - 60_000) })
      .where(eq(performances.id, performance.id));
    const late = await ctx.client.post('/api/reservations/cancel', { token: ticket.rawCheckInToken });
    expect(late.status).toBe(409);
    expect(late.body.status).toBe('cancellation_closed');
  });
});

describe('add to calendar', () => {
  it('serves an iCalendar event with no token or personal data', async () => {
    const { performance, show } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    const response = await ctx.client.get(`/api/reservations/calendar.ics?token=${ticket.rawCheckInToken}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/calendar');
    const start = performance.startsAt.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    expect(response.text).toContain(`DTSTART:${start}`);
    expect(response.text).toContain(`SUMMARY:${show.title}`);
    expect(response.text).toContain('2 posti / seats');
    expect(response.text).not.toContain(ticket.rawCheckInToken);
    expect(response.text).not.toContain('Maria');
    expect(response.text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
  });

  it('escapes and folds long lines without splitting characters', () => {
    const ics = icsEvent({
      uid: 'u@x',
      title: 'Arlecchino, servitore; di due padroni — una commedia di Goldoni in tre atti, con musica dal vivo',
      location: 'Sala',
      startsAt: new Date('2026-12-05T20:00:00Z'),
      durationMinutes: 120,
      description: 'x',
      now: new Date('2026-11-23T10:00:00Z'),
    });
    expect(ics).toContain('SUMMARY:Arlecchino\\, servitore\\; di due padroni');
    expect(ics).toContain('DTEND:20261205T220000Z');
    expect(fold('é'.repeat(60)).split('\r\n ').every((part) => Buffer.byteLength(part) <= 75 && !part.includes('\uFFFD'))).toBe(true);
  });
});
