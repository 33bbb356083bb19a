import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservations } from './db/schema.js';
import { hashToken } from './lib/tokens.js';
import { aConfirmedReservation, aPerformance, aUser, createTestContext, guest, PASSWORD, tokenFromUrl, type TestContext } from './test/harness.js';

/** Secrets never reach logs: every line written during a whole booking-to-check-in journey. */

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ LOG_LEVEL: 'trace' });
});
afterAll(() => ctx.close());

describe('logs', () => {
  it('hold no raw token, password or cookie from the full journey, yet record each request', async () => {
    const { performance } = await aPerformance(ctx);
    const booking = await ctx.client.post(`/api/performances/${performance.id}/reservations`, guest({ notes: 'allergia alle arachidi' }));
    await ctx.services.mailWorker.drain();
    const mail = ctx.mail.sent.at(-1)!;
    const confirmationToken = tokenFromUrl(/https:\S+/.exec(mail.text)![0]);

    // The ticket email fails once, with an SMTP server that echoes the ticket link back.
    const echo = { message: '' };
    ctx.mail.failWith = Object.defineProperty(new Error(), 'message', { get: () => echo.message });
    const confirmed = await ctx.client.get(`/api/reservations/confirm/?token=${confirmationToken}`);
    const checkInToken = tokenFromUrl(confirmed.body.qr_code_url);
    echo.message = `550 rejected ${confirmed.body.qr_code_url}`;
    await ctx.services.mailWorker.drain();
    ctx.mail.failWith = null;
    await ctx.client.get(`/api/reservations/qr-code/?token=${checkInToken}`);

    const door = await aUser(ctx, 'door');
    const login = await ctx.client.post('/api/auth/login', { email: door.email, password: PASSWORD });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    await ctx.client.post('/api/check-ins/preview', { token: checkInToken }, { cookie });
    await ctx.client.post('/api/check-ins/confirm', { token: checkInToken }, { cookie });
    await ctx.client.post('/api/auth/login', { email: door.email, password: 'wrong password typed' });

    const logs = ctx.logs.text;
    expect(booking.status).toBe(201);
    expect(ctx.logs.records().filter((r) => r.msg === 'request').length).toBeGreaterThanOrEqual(7);
    expect(logs).toContain('mail delivery failed');
    for (const secret of [confirmationToken, checkInToken, PASSWORD, 'wrong password typed', cookie.split('=')[1]!, 'allergia']) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).not.toMatch(/token=(?!\[redacted\])/);
  });

  it('hold no secret from the offline door path, guest self-service and account changes either', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: new Date(Date.now() + 3_600_000) });
    const admitted = await aConfirmedReservation(ctx, performance.id);
    const leaving = await aConfirmedReservation(ctx, performance.id);
    const [row] = await ctx.services.database.db.select().from(reservations).where(eq(reservations.id, admitted.reservation.id));
    const code = row!.code!;
    const before = ctx.logs.lines.length;

    const door = await aUser(ctx, 'door');
    const doorCookie = await ctx.client.login(door.email, PASSWORD);
    const device = await ctx.client.post('/api/door/devices', { name: 'Porta 1' }, { cookie: doorCookie });
    const manifest = await ctx.client.get(`/api/door/performances/${performance.id}/manifest`, { cookie: doorCookie });
    const event = { id: randomUUID(), performance_id: performance.id, token_hash: hashToken(admitted.rawCheckInToken), scanned_at: new Date().toISOString(), clock_offset_ms: 0 };
    const sync = await ctx.client.post('/api/door/sync', { device_id: device.body.id, events: [event] }, { cookie: doorCookie });
    await ctx.client.get(`/api/reservations/calendar.ics?token=${leaving.rawCheckInToken}`);
    const cancelled = await ctx.client.post('/api/reservations/cancel', { token: leaving.rawCheckInToken });

    const admin = await aUser(ctx, 'admin');
    const adminCookie = await ctx.client.login(admin.email, PASSWORD);
    const newPassword = 'a brand new secret passphrase';
    const changed = await ctx.client.post(`/api/admin/users/${door.id}/password`, { password: newPassword }, { cookie: adminCookie });
    await ctx.client.post('/api/auth/login', { email: door.email, password: newPassword });
    await ctx.services.mailWorker.drain();

    expect([manifest.status, sync.status, cancelled.status, changed.status]).toEqual([200, 200, 200, 204]);
    const logs = ctx.logs.lines.slice(before).join('\n');
    expect(logs).toContain('/api/door/sync');
    const cookieValue = (cookie: string) => cookie.split('=')[1]!;
    for (const secret of [admitted.rawCheckInToken, leaving.rawCheckInToken, admitted.rawConfirmationToken, code, newPassword, PASSWORD, cookieValue(doorCookie), cookieValue(adminCookie)]) {
      expect(logs).not.toContain(secret);
    }
  });
});
