import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shows, venues } from '../db/schema.js';
import { aConfirmedReservation, aPerformance, createTestContext, type TestContext } from '../test/harness.js';

/*
 * Stored XSS by email: a guest name, show title and venue name carrying markup reach the HTML
 * of every email the journey sends (confirmation, ticket, cancellation, waiting list) escaped.
 */

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const PAYLOAD = `<script>alert(1)</script><img src=x onerror=alert(2)>`;
/** Markup that got through unescaped: a real tag, or an attribute inside a real tag. */
const RAW_MARKUP = /<script|<img src=x|<[^>]*\bonerror=/i;

describe('email HTML', () => {
  it('escapes guest, show and venue text in every email of the journey', async () => {
    const { performance, show, venue } = await aPerformance(ctx, { capacity: 1 });
    const { db } = ctx.services.database;
    await db.update(shows).set({ title: `Amleto ${PAYLOAD}` }).where(eq(shows.id, show.id));
    await db.update(venues).set({ name: `Sala ${PAYLOAD}` }).where(eq(venues.id, venue.id));
    const sent = ctx.mail.sent.length;

    const guest = { name: `Eve ${PAYLOAD}`, email: 'eve@example.com', phone: null, notes: PAYLOAD, party_size: 1 };
    const booked = await ctx.services.bookings.create(performance.id, guest);
    await ctx.services.bookings.confirm(booked.rawConfirmationToken);
    // Sent before the cancellation below: a ticket email still queued then would be dropped.
    await ctx.services.mailWorker.drain();
    await ctx.services.waitlist.join(performance.id, { name: `Luca ${PAYLOAD}`, email: 'luca@example.com', party_size: 1 });
    await ctx.services.bookings.cancel(booked.reservation.id, null);
    await ctx.services.mailWorker.drain();
    // An unrelated ticket, to be sure the check is not passing on an empty list.
    await aConfirmedReservation(ctx, (await aPerformance(ctx)).performance.id);
    await ctx.services.mailWorker.drain();

    const mails = ctx.mail.sent.slice(sent).filter((m) => m.to === 'eve@example.com' || m.to === 'luca@example.com');
    expect(mails.length).toBeGreaterThanOrEqual(4);
    for (const mail of mails) {
      expect(mail.html, mail.subject).not.toMatch(RAW_MARKUP);
      expect(mail.html, mail.subject).toContain('&lt;script&gt;');
    }
  });
});
