import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailOutbox, performanceMessages, reservations } from '../db/schema.js';
import {
  aConfirmedReservation,
  aPendingReservation,
  aPerformance,
  createTestContext,
  databaseKind,
  loggedIn,
  type TestContext,
} from '../test/harness.js';

/*
 * A whole-performance change meets everything else that touches the performance at the same
 * moment: guests cancelling from their ticket, guests confirming, a second cancellation, a
 * move. On PostgreSQL these really run at once over the pool; whatever the order, nothing
 * deadlocks (no 500), nothing live is left behind, and each address hears once.
 */

let ctx: TestContext;
let boxOffice: string;
let content: string;
beforeAll(async () => {
  ctx = await createTestContext();
  boxOffice = (await loggedIn(ctx, 'box_office')).cookie;
  content = (await loggedIn(ctx, 'content')).cookie;
});
afterAll(() => ctx.close());

describe(`a cancellation among other writes (${databaseKind()})`, () => {
  it('leaves no live reservation, one message, one email per address, and no 500', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 100 });
    const confirmed = [];
    for (let i = 0; i < 12; i += 1) confirmed.push(await aConfirmedReservation(ctx, performance.id, 1));
    const pending = [];
    for (let i = 0; i < 12; i += 1) pending.push(await aPendingReservation(ctx, performance.id, 1));
    const cancelBody = { message: 'Annullata per maltempo.' };
    const later = new Date(performance.startsAt.getTime() + 86_400_000).toISOString();

    const responses = await Promise.all([
      ctx.client.post(`/api/admin/performances/${performance.id}/cancel`, cancelBody, { cookie: boxOffice }),
      ...confirmed.slice(0, 6).map((c) => ctx.client.post('/api/reservations/cancel', { token: c.rawCheckInToken })),
      ...pending.map((p) => ctx.client.post('/api/reservations/confirm', { token: p.rawConfirmationToken })),
      ctx.client.patch(`/api/admin/performances/${performance.id}`, { starts_at: later }, { cookie: content }),
      ctx.client.post(`/api/admin/performances/${performance.id}/cancel`, cancelBody, { cookie: boxOffice }),
      ctx.client.post(
        `/api/admin/performances/${performance.id}/messages`,
        { subject: 'Info', body: 'Testo', audience: 'confirmed' },
        { cookie: boxOffice },
      ),
    ]);
    for (const response of responses) expect(response.status, response.text).toBeLessThan(500);
    const cancels = [responses[0]!, responses.at(-2)!];
    expect(cancels.map((r) => r.status).sort()).toEqual([200, 409]);

    const { db } = ctx.services.database;
    const rows = await db.select().from(reservations).where(eq(reservations.performanceId, performance.id));
    expect(rows.filter((r) => r.status !== 'cancelled')).toEqual([]);
    const messages = await db.select().from(performanceMessages).where(eq(performanceMessages.performanceId, performance.id));
    expect(messages.filter((m) => m.kind === 'cancellation')).toHaveLength(1);
    for (const message of messages) {
      const mails = await db.select().from(mailOutbox).where(eq(mailOutbox.performanceMessageId, message.id));
      expect(new Set(mails.map((m) => m.recipient)).size).toBe(mails.length);
      expect(mails).toHaveLength(message.recipients);
    }
  });
});
