import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, checkIns, mailOutbox, performances, reservations, reservationTokens } from '../db/schema.js';
import { aConfirmedReservation, aPerformance, createTestContext, loggedIn, type TestContext } from '../test/harness.js';
import { RetentionService } from './retention-service.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('personal data retention', () => {
  it('erases guests of performances older than the retention period and keeps the counts', async () => {
    const { db } = ctx.services.database;
    // Admitted at its door (open now), then its date is moved into the past below.
    const old = await aPerformance(ctx, { capacity: 10, startsAt: new Date(Date.now() + 3_600_000) });
    const recent = await aPerformance(ctx, { capacity: 10 });
    const gone = await aConfirmedReservation(ctx, old.performance.id, 3);
    const kept = await aConfirmedReservation(ctx, recent.performance.id, 2);
    const door = await loggedIn(ctx, 'door');
    await ctx.client.post('/api/check-ins/confirm', { token: gone.rawCheckInToken }, { cookie: door.cookie });
    const boxOffice = await loggedIn(ctx, 'box_office');
    const renamed = await ctx.client.patch(`/api/admin/reservations/${gone.reservation.id}`, { name: 'Maria Rossi Bianchi', phone: '+39 333 765 4321' }, { cookie: boxOffice.cookie });
    expect(renamed.status).toBe(200);
    await ctx.services.mailWorker.drain();
    // The old performance took place 200 days ago, the recent one 10 days ago.
    await db.update(performances).set({ startsAt: new Date(Date.now() - 200 * 86_400_000) }).where(eq(performances.id, old.performance.id));
    await db.update(performances).set({ startsAt: new Date(Date.now() - 10 * 86_400_000) }).where(eq(performances.id, recent.performance.id));

    const retention = new RetentionService(db, 180);
    expect(await retention.anonymizeExpired()).toBe(1);
    expect(await retention.anonymizeExpired()).toBe(0);

    const [erased] = await db.select().from(reservations).where(eq(reservations.id, gone.reservation.id));
    expect(erased).toMatchObject({ name: 'Anonymized guest', email: `anonymized-${gone.reservation.id}@invalid`, phone: null, notes: null, partySize: 3, status: 'confirmed' });
    expect(erased!.anonymizedAt).not.toBeNull();
    expect(await db.select().from(checkIns).where(eq(checkIns.reservationId, gone.reservation.id))).toHaveLength(1);
    const mails = await db.select().from(mailOutbox).where(eq(mailOutbox.reservationId, gone.reservation.id));
    expect(mails.length).toBeGreaterThan(0);
    expect(mails.every((m) => m.recipient.endsWith('@invalid') && JSON.stringify(m.payload) === '{}')).toBe(true);
    const tokens = await db.select().from(reservationTokens).where(eq(reservationTokens.reservationId, gone.reservation.id));
    expect(tokens.every((t) => t.sealedGuest === null)).toBe(true);
    // Nothing of the guest is left to search, nor quoted by the audit of the change.
    expect(erased!.searchText).toBe(gone.reservation.code!.replace('-', '').toLowerCase());
    const history = await db.select().from(auditLog).where(and(eq(auditLog.entityType, 'reservation'), eq(auditLog.entityId, gone.reservation.id)));
    expect(history.map((h) => h.summary).join(' ')).not.toMatch(/Maria|Bianchi|765/);
    // … nor by its details: the change keeps which fields changed, not their values.
    expect(JSON.stringify(history.map((h) => h.details))).not.toMatch(/Maria|Bianchi|765/);
    const change = history.find((h) => h.action === 'reservation.update')!;
    expect(change.details).toMatchObject({
      changes: [
        { field: 'name', before: null, after: null },
        { field: 'phone', before: null, after: null },
      ],
      erased: ['name', 'phone'],
    });

    const [untouched] = await db.select().from(reservations).where(eq(reservations.id, kept.reservation.id));
    expect(untouched!.name).toBe('Maria Rossi');
    expect(untouched!.anonymizedAt).toBeNull();
  });
});
