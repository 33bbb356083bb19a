import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aPerformance, aUser, createTestContext, guest, PASSWORD, tokenFromUrl, type TestContext } from './test/harness.js';

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
});
