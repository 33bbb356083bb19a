import { and, eq, inArray, max } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  messagePreviewSchema,
  performanceCancelledSchema,
  performanceMessageAnswerSchema,
  performanceMessageListSchema,
} from '../../../shared/src/broadcast-contracts.js';
import { parseManifest, type DeltaManifest } from '../../../shared/src/manifest.js';
import { auditLog, checkIns, doorChanges, mailOutbox, performanceMessages, performances, reservations, reservationTokens, waitlistEntries } from '../db/schema.js';
import { aPerformance, createTestContext, loggedIn, type TestContext } from '../test/harness.js';

/*
 * Whole performances: the cancellation (everyone's reservation and place in line, one email
 * per address, the door told), the move (new time, new calendar event, tickets follow), and
 * messages to a part of the audience, paced through the outbox.
 */

let ctx: TestContext;
let boxOffice: string;
let admin: string;
let content: string;
let door: string;
beforeAll(async () => {
  ctx = await createTestContext();
  // Emails leave only when a test drains the outbox, so that it can look at the queued rows first.
  await ctx.services.mailWorker.stop();
  boxOffice = (await loggedIn(ctx, 'box_office')).cookie;
  admin = (await loggedIn(ctx, 'admin')).cookie;
  content = (await loggedIn(ctx, 'content')).cookie;
  door = (await loggedIn(ctx, 'door')).cookie;
});
afterAll(() => ctx.close());

const db = () => ctx.services.database.db;
let sequence = 0;
const address = (who: string) => `${who}-${(sequence += 1)}@example.com`;

/** A reservation booked through the service; confirmed (with its ticket) unless told otherwise. */
async function booking(performanceId: number, email: string, options: { partySize?: number; confirm?: boolean; name?: string } = {}) {
  const created = await ctx.services.bookings.create(performanceId, {
    name: options.name ?? 'Maria Rossi',
    email,
    phone: null,
    notes: null,
    party_size: options.partySize ?? 2,
  });
  if (options.confirm === false) return created.reservation;
  return (await ctx.services.bookings.confirm(created.rawConfirmationToken)).reservation;
}

/** A guest issued a ticket at the desk without an email address (only the row matters here). */
async function walkIn(performanceId: number) {
  const [row] = await db()
    .insert(reservations)
    .values({ performanceId, name: 'Walk-in', email: null, partySize: 1, status: 'confirmed', source: 'admin', code: `W${(sequence += 1)}`, confirmedAt: new Date() })
    .returning();
  return row!;
}

async function onWaitlist(performanceId: number, email: string, status: 'pending' | 'waiting' | 'offered' = 'waiting') {
  const [row] = await db()
    .insert(waitlistEntries)
    .values({ performanceId, name: 'Luca Bianchi', email, partySize: 2, status, joinedAt: status === 'pending' ? null : new Date() })
    .returning();
  return row!;
}

async function checkedIn(reservationId: number) {
  await db().insert(checkIns).values({ reservationId, method: 'online' });
}

/** Another app on the same database with another MESSAGE_PACE (its worker, too, only drains). */
function withPace(pace: string) {
  const other = ctx.withEnv({ MESSAGE_PACE: pace });
  void other.services.mailWorker.stop();
  return other;
}

const outboxOf = (messageId: number) => db().select().from(mailOutbox).where(eq(mailOutbox.performanceMessageId, messageId));

const lastSeq = async (performanceId: number) =>
  (await db().select({ seq: max(doorChanges.seq) }).from(doorChanges).where(eq(doorChanges.performanceId, performanceId)))[0]?.seq ?? 0;

const cancel = (performanceId: number, body: unknown = { message: 'La compagnia è malata. Vi rimborsiamo.' }, cookie = boxOffice) =>
  ctx.client.post(`/api/admin/performances/${performanceId}/cancel`, body, { cookie });

const write = (performanceId: number, body: unknown, cookie = boxOffice) =>
  ctx.client.post(`/api/admin/performances/${performanceId}/messages`, body, { cookie });

const preview = (performanceId: number, body: unknown, cookie = boxOffice) =>
  ctx.client.post(`/api/admin/performances/${performanceId}/messages/preview`, body, { cookie });

describe('cancelling a whole performance', () => {
  it('cancels every reservation and place in line, tells each address once, and the door learns it', async () => {
    const { performance, show } = await aPerformance(ctx, { capacity: 40 });
    const anna = address('anna');
    const family = address('family');
    const pendingGuest = address('pending');
    const waiting = address('waiting');
    const a = await booking(performance.id, anna);
    const f1 = await booking(performance.id, family, { partySize: 3 });
    const f2 = await booking(performance.id, family.toUpperCase(), { partySize: 1 });
    const p = await booking(performance.id, pendingGuest, { confirm: false });
    const desk = await walkIn(performance.id);
    await onWaitlist(performance.id, waiting, 'waiting');
    await onWaitlist(performance.id, anna, 'offered');
    const optin = address('optin');
    await onWaitlist(performance.id, optin, 'pending');
    const before = await lastSeq(performance.id);

    const response = await cancel(performance.id);
    expect(response.status, response.text).toBe(200);
    const answer = performanceCancelledSchema.parse(response.body);
    expect(answer).toMatchObject({ performance_id: performance.id, reservations_cancelled: 5, waitlist_removed: 3 });
    expect(answer.message).toMatchObject({ kind: 'cancellation', audience: null, body: 'La compagnia è malata. Vi rimborsiamo.' });

    // The performance: closed and cancelled.
    const [row] = await db().select().from(performances).where(eq(performances.id, performance.id));
    expect(row!.cancelledAt).not.toBeNull();
    expect(row!.bookingOpen).toBe(false);

    // Every reservation cancelled, every token revoked.
    const ids = [a.id, f1.id, f2.id, p.id, desk.id];
    const rows = await db().select().from(reservations).where(inArray(reservations.id, ids));
    expect(rows.map((r) => r.status)).toEqual(ids.map(() => 'cancelled'));
    const live = await db()
      .select()
      .from(reservationTokens)
      .where(and(inArray(reservationTokens.reservationId, ids)));
    expect(live.length).toBeGreaterThan(0);
    expect(live.every((t) => t.revokedAt !== null)).toBe(true);

    // Nobody left on the list.
    const entries = await db().select().from(waitlistEntries).where(eq(waitlistEntries.performanceId, performance.id));
    expect(entries.map((e) => e.status)).toEqual(['removed', 'removed', 'removed']);

    // One email per distinct address (the family's two bookings share one, Anna's booking and
    // her offer share one); the walk-in has none. Nothing else about these guests is still queued.
    const mails = await outboxOf(answer.message.id);
    const expected = [anna, family, pendingGuest, waiting, optin].sort();
    expect(mails.map((m) => m.recipient).sort()).toEqual(expected);
    expect(mails.every((m) => m.kind === 'performance_cancelled')).toBe(true);
    expect(answer.message.recipients).toBe(5);
    expect(mails.find((m) => m.recipient === family)!.reservationId).toBeNull();
    expect(mails.find((m) => m.recipient === pendingGuest)!.reservationId).toBe(p.id);
    expect(mails.every((m) => m.payload.ticketLinks === undefined)).toBe(true);
    const others = await db()
      .select()
      .from(mailOutbox)
      .where(and(inArray(mailOutbox.reservationId, ids), eq(mailOutbox.status, 'pending')));
    expect(others.filter((m) => m.performanceMessageId === null)).toEqual([]);

    // The door: a delta with every cancelled ticket, refused as cancelled.
    const manifest = await ctx.client.get(`/api/door/performances/${performance.id}/manifest?since=${before}`, { cookie: door });
    expect(manifest.status).toBe(200);
    const delta = parseManifest(manifest.text) as DeltaManifest;
    expect(delta.type).toBe('delta');
    expect([...delta.revoked].sort()).toEqual([a.id, f1.id, f2.id, desk.id].sort());
    expect(delta.upserts).toEqual([]);
    for (const id of [a.id, f1.id, f2.id]) expect(delta.refused?.find(([, reservationId]) => reservationId === id)?.[2]).toBe('cancelled');

    // The emails leave, each with the staff's words.
    await ctx.services.mailWorker.drain();
    const delivered = ctx.mail.sent.filter((m) => expected.includes(m.to) && /^Replica annullata: /.test(m.subject));
    expect(delivered.map((m) => m.to).sort()).toEqual(expected);
    expect(delivered.every((m) => m.text.includes('La compagnia è malata. Vi rimborsiamo.'))).toBe(true);
    expect(delivered.find((m) => m.to === family)!.text).toContain('4 posti');

    // Audited, with the before and after.
    const audits = await db().select().from(auditLog).where(and(eq(auditLog.action, 'performance.cancel'), eq(auditLog.entityId, performance.id)));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.summary).toMatch(/booking_open=true → false.*5 reservations cancelled.*3 waiting-list entries removed.*5 guests emailed/);

    // A second cancellation is refused and writes nothing.
    const outboxBefore = (await db().select({ id: mailOutbox.id }).from(mailOutbox)).length;
    const again = await cancel(performance.id);
    expect(again.status).toBe(409);
    expect(again.body.status).toBe('performance_cancelled');
    expect((await db().select({ id: mailOutbox.id }).from(mailOutbox)).length).toBe(outboxBefore);
    expect(await db().select().from(performanceMessages).where(eq(performanceMessages.performanceId, performance.id))).toHaveLength(1);

    // The history shows the emails delivered.
    const history = await ctx.client.get(`/api/admin/performances/${performance.id}/messages`, { cookie: boxOffice });
    expect(history.status).toBe(200);
    expect(performanceMessageListSchema.parse(history.body)[0]).toMatchObject({ kind: 'cancellation', recipients: 5, progress: { queued: 0, sent: 5, failed: 0, dropped: 0 } });

    // The public programme keeps the date, as cancelled; nobody can book it or join its list.
    const page = await ctx.client.get(`/api/shows/${show.slug}`);
    expect(page.body.performances.find((x: { id: number }) => x.id === performance.id)).toMatchObject({
      cancelled: true,
      booking_open: false,
      sold_out: false,
      available_seats: 0,
    });
    expect((await ctx.client.get(`/api/performances/${performance.id}`)).body).toMatchObject({ cancelled: true, booking_open: false });
    const late = await ctx.client.post(`/api/performances/${performance.id}/reservations`, { name: 'Late', email: address('late'), party_size: 1 });
    expect(late.status).toBe(409);
    expect(late.body.status).toBe('booking_closed');
    const queue = await ctx.client.post(`/api/performances/${performance.id}/waitlist`, { name: 'Late', email: address('late'), party_size: 1 });
    expect(queue.status).toBe(409);
    expect(queue.body.status).toBe('booking_closed');

    // The admin sees it cancelled, and it no longer changes.
    const adminView = await ctx.client.get(`/api/admin/performances/${performance.id}`, { cookie: boxOffice });
    expect(adminView.body.cancelled_at).toBe(answer.cancelled_at);
    expect(adminView.body.booking_open).toBe(false);
    const reopen = await ctx.client.patch(`/api/admin/performances/${performance.id}`, { booking_open: true }, { cookie: content });
    expect(reopen.status).toBe(409);
    expect(reopen.body.status).toBe('performance_cancelled');
  });

  it('drops emails of earlier messages still waiting to go out', async () => {
    const { performance } = await aPerformance(ctx);
    await booking(performance.id, address('slow'));
    const paced = withPace('1/hour');
    await booking(performance.id, address('slow'));
    const sent = await paced.client.post(
      `/api/admin/performances/${performance.id}/messages`,
      { subject: 'Parcheggio', body: 'Il parcheggio è chiuso.', audience: 'confirmed' },
      { cookie: boxOffice },
    );
    expect(sent.status).toBe(201);
    expect((await cancel(performance.id)).status).toBe(200);
    const rows = await outboxOf(sent.body.id);
    expect(rows.map((r) => r.status)).toEqual(['dropped', 'dropped']);
  });

  it('works for a performance nobody booked (no emails) and refuses a missing one', async () => {
    const { performance } = await aPerformance(ctx);
    const response = await cancel(performance.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ reservations_cancelled: 0, waitlist_removed: 0, message: { recipients: 0 } });
    expect((await cancel(2_147_483_000)).status).toBe(404);
  });

  it('is for box office and admins only, and refuses bad input with a 4xx', async () => {
    const { performance } = await aPerformance(ctx);
    for (const cookie of [door, content]) {
      const refused = await cancel(performance.id, undefined, cookie);
      expect(refused.status).toBe(403);
      expect(refused.body.status).toBe('forbidden');
    }
    expect((await ctx.client.post(`/api/admin/performances/${performance.id}/cancel`, { message: 'x' })).status).toBe(401);
    for (const body of [{}, { message: '' }, { message: '   ' }, { message: 'x'.repeat(5001) }, { message: 'a\u0000b' }, { message: 'ok', extra: 1 }, { message: 42 }]) {
      const bad = await cancel(performance.id, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.status).toBe('validation_error');
    }
    expect((await ctx.client.post(`/api/admin/performances/${performance.id}/cancel`, undefined, { cookie: boxOffice, raw: '{"message":' })).body.status).toBe('invalid_json');
    const [row] = await db().select().from(performances).where(eq(performances.id, performance.id));
    expect(row!.cancelledAt).toBeNull();
    // An admin may.
    expect((await cancel(performance.id, undefined, admin)).status).toBe(200);
  });
});

describe('moving a performance', () => {
  it('emails every guest the old and new time with a new calendar event; tickets follow and the door learns it', async () => {
    const { performance } = await aPerformance(ctx);
    const old = performance.startsAt;
    const anna = address('anna');
    const pendingGuest = address('pending');
    const waiting = address('waiting');
    const confirmed = await booking(performance.id, anna);
    const pending = await booking(performance.id, pendingGuest, { confirm: false });
    await walkIn(performance.id);
    await onWaitlist(performance.id, waiting);
    await onWaitlist(performance.id, address('optin'), 'pending');
    const before = await lastSeq(performance.id);

    const to = new Date(old.getTime() + 3 * 86_400_000 + 30 * 60_000);
    const response = await ctx.client.patch(`/api/admin/performances/${performance.id}`, { starts_at: to.toISOString() }, { cookie: content });
    expect(response.status, response.text).toBe(200);
    expect(response.body.starts_at).toBe(to.toISOString());

    const [message] = await db().select().from(performanceMessages).where(eq(performanceMessages.performanceId, performance.id));
    expect(message).toMatchObject({ kind: 'move', audience: null, recipients: 3 });
    const mails = await outboxOf(message!.id);
    expect(mails.map((m) => m.recipient).sort()).toEqual([anna, pendingGuest, waiting].sort());
    expect(mails.every((m) => m.kind === 'performance_moved')).toBe(true);
    const annaMail = mails.find((m) => m.recipient === anna)!;
    expect(annaMail).toMatchObject({ reservationId: confirmed.id });
    expect(annaMail.payload).toMatchObject({ previousStartsAt: old.toISOString(), startsAt: to.toISOString(), ticketLinks: true, reservationId: confirmed.id });
    // A pending reservation has no ticket to link to; a waiting guest no reservation.
    expect(mails.find((m) => m.recipient === pendingGuest)!.payload).toMatchObject({ reservationId: pending.id });
    expect(mails.find((m) => m.recipient === pendingGuest)!.payload.ticketLinks).toBeUndefined();
    expect(mails.find((m) => m.recipient === waiting)!.reservationId).toBeNull();

    // The live ticket admits until CHECK_IN_GRACE after the new start; the door hears of it.
    const [token] = await db()
      .select()
      .from(reservationTokens)
      .where(and(eq(reservationTokens.reservationId, confirmed.id), eq(reservationTokens.purpose, 'check_in')));
    expect(token!.expiresAt.getTime()).toBe(to.getTime() + ctx.env.CHECK_IN_GRACE);
    const changes = await db().select().from(doorChanges).where(eq(doorChanges.performanceId, performance.id));
    expect(changes.filter((c) => c.seq > before).map((c) => c.reservationId)).toContain(confirmed.id);

    // Delivered with the new time, the old one, and an .ics at the new time.
    await ctx.services.mailWorker.drain();
    const sent = ctx.mail.sent.find((m) => m.to === anna && /^Nuovo orario: /.test(m.subject))!;
    expect(sent).toBeDefined();
    const ics = sent.attachments?.find((a) => a.filename.endsWith('.ics'));
    expect(ics?.contentType).toMatch(/^text\/calendar/);
    const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    expect(ics!.content.toString()).toContain(`DTSTART:${stamp(to)}`);
    expect(ics!.content.toString()).toContain(`UID:reservation-${confirmed.id}@`);
    expect(sent.text).toContain('prima:');
    expect(sent.text).toContain(`${ctx.env.SITE_BASE_URL}/ticket#token=`);
    expect(ctx.mail.sent.find((m) => m.to === waiting && /^Nuovo orario: /.test(m.subject))!.text).not.toContain('/ticket#token=');

    // Audited with before → after.
    const [audit] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'performance.update'), eq(auditLog.entityId, performance.id)));
    expect(audit!.summary).toContain(`starts_at: ${old.toISOString()} → ${to.toISOString()}`);
    expect(audit!.summary).toContain('3 emails');

    // The history lists the move.
    const history = await ctx.client.get(`/api/admin/performances/${performance.id}/messages`, { cookie: boxOffice });
    expect(history.body[0]).toMatchObject({ kind: 'move', recipients: 3, progress: { sent: 3 } });
  });

  it('tells nobody when nothing moved or nobody is booked', async () => {
    const { performance } = await aPerformance(ctx);
    await booking(performance.id, address('anna'));
    const same = await ctx.client.patch(
      `/api/admin/performances/${performance.id}`,
      { starts_at: performance.startsAt.toISOString(), additional_seats: 3 },
      { cookie: content },
    );
    expect(same.status).toBe(200);
    const empty = await aPerformance(ctx);
    const moved = await ctx.client.patch(
      `/api/admin/performances/${empty.performance.id}`,
      { starts_at: new Date(Date.now() + 9 * 86_400_000).toISOString() },
      { cookie: content },
    );
    expect(moved.status).toBe(200);
    const messages = await db()
      .select()
      .from(performanceMessages)
      .where(inArray(performanceMessages.performanceId, [performance.id, empty.performance.id]));
    expect(messages).toEqual([]);
    const [audit] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'performance.update'), eq(auditLog.entityId, performance.id)));
    expect(audit!.summary).toBe('additional_seats: 0 → 3');
  });
});

describe('the box office moving a performance', () => {
  const move = (performanceId: number, body: unknown, cookie = boxOffice) =>
    ctx.client.post(`/api/admin/performances/${performanceId}/move`, body, { cookie });

  it('moves it to a new time, its guests are emailed and the audit names the box office', async () => {
    const { performance } = await aPerformance(ctx);
    await booking(performance.id, address('moved'));
    const startsAt = new Date(Date.now() + 12 * 86_400_000).toISOString();
    const response = await move(performance.id, { starts_at: startsAt });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: performance.id, starts_at: startsAt, cancelled_at: null, confirmed_seats: 2 });
    const [message] = await db().select().from(performanceMessages).where(eq(performanceMessages.performanceId, performance.id));
    expect(message).toMatchObject({ kind: 'move', recipients: 1 });
    const [audit] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'performance.update'), eq(auditLog.entityId, performance.id)));
    expect(audit!.summary).toContain('starts_at');
  });

  it('changes nothing but the time, refuses the past without allow_past, and is not for content or door staff', async () => {
    const { performance } = await aPerformance(ctx);
    const other = await move(performance.id, { starts_at: new Date(Date.now() + 5 * 86_400_000).toISOString(), booking_open: false });
    expect(other.status).toBe(400);
    expect(other.body.status).toBe('validation_error');
    const past = await move(performance.id, { starts_at: new Date(Date.now() - 86_400_000).toISOString() });
    expect(past.status).toBe(422);
    expect(past.body.status).toBe('starts_in_past');
    expect((await move(performance.id, { starts_at: 'tomorrow' })).status).toBe(400);
    for (const cookie of [content, door]) {
      expect((await move(performance.id, { starts_at: new Date(Date.now() + 5 * 86_400_000).toISOString() }, cookie)).status).toBe(403);
    }
    expect((await move(performance.id, { starts_at: new Date(Date.now() + 5 * 86_400_000).toISOString() }, admin)).status).toBe(200);
    const cancelled = await aPerformance(ctx);
    await cancel(cancelled.performance.id);
    const refused = await move(cancelled.performance.id, { starts_at: new Date(Date.now() + 5 * 86_400_000).toISOString() });
    expect(refused.status).toBe(409);
    expect(refused.body.status).toBe('performance_cancelled');
  });
});

describe('dates in the past', () => {
  const past = () => new Date(Date.now() - 86_400_000).toISOString();

  it('refuses creating a performance in the past unless it is an archived record', async () => {
    const { show, venue } = await aPerformance(ctx);
    const refused = await ctx.client.post('/api/admin/performances', { show_id: show.id, venue_id: venue.id, starts_at: past() }, { cookie: content });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ status: 'starts_in_past', errors: { starts_at: [{ code: 'in_past' }] } });
    const archived = await ctx.client.post(
      '/api/admin/performances',
      { show_id: show.id, venue_id: venue.id, starts_at: past(), allow_past: true },
      { cookie: content },
    );
    expect(archived.status).toBe(201);
    expect((await ctx.client.post('/api/admin/performances', { show_id: show.id, venue_id: venue.id, starts_at: past(), allow_past: 'yes' }, { cookie: content })).status).toBe(400);
    // Booking it is closed by itself: it has started.
    const booked = await ctx.client.post(`/api/performances/${archived.body.id}/reservations`, { name: 'Maria', email: address('maria'), party_size: 1 });
    expect(booked.body.status).toBe('booking_closed');
  });

  it('refuses moving a performance into the past unless it is an archived record; editing an old one is fine', async () => {
    const { performance } = await aPerformance(ctx);
    const refused = await ctx.client.patch(`/api/admin/performances/${performance.id}`, { starts_at: past() }, { cookie: content });
    expect(refused.status).toBe(422);
    expect(refused.body.status).toBe('starts_in_past');
    const moved = await ctx.client.patch(`/api/admin/performances/${performance.id}`, { starts_at: past(), allow_past: true }, { cookie: content });
    expect(moved.status).toBe(200);
    const edited = await ctx.client.patch(`/api/admin/performances/${performance.id}`, { starts_at: moved.body.starts_at, additional_seats: 1 }, { cookie: content });
    expect(edited.status).toBe(200);
  });
});

describe('writing to guests', () => {
  /** Confirmed and checked in, confirmed and not yet arrived, pending, waiting, not opted in. */
  async function audience() {
    const { performance } = await aPerformance(ctx);
    const who = { arrived: address('arrived'), absent: address('absent'), pending: address('pending'), waiting: address('waiting'), optin: address('optin') };
    const arrived = await booking(performance.id, who.arrived);
    await checkedIn(arrived.id);
    await booking(performance.id, who.absent);
    await walkIn(performance.id);
    await booking(performance.id, who.pending, { confirm: false });
    await onWaitlist(performance.id, who.waiting, 'waiting');
    await onWaitlist(performance.id, who.optin, 'pending');
    return { performance, who };
  }

  it('reaches exactly the chosen audience, one email per address, with the ticket links where there is one ticket', async () => {
    const { performance, who } = await audience();
    const expected = {
      confirmed: [who.arrived, who.absent],
      checked_in: [who.arrived],
      not_checked_in: [who.absent],
      pending: [who.pending],
      waitlist: [who.waiting],
    } as const;
    for (const [audienceName, recipients] of Object.entries(expected)) {
      const draft = { subject: `Avviso ${audienceName}`, body: 'Il foyer apre alle 20:00.\n\n<b>Grazie</b>', audience: audienceName };
      const seen = await preview(performance.id, draft);
      expect(seen.status).toBe(200);
      const shown = messagePreviewSchema.parse(seen.body);
      expect(shown.recipients, audienceName).toBe(recipients.length);
      expect(shown.sample?.subject).toContain(`Avviso ${audienceName}`);
      expect(shown.sample?.text).toContain('Il foyer apre alle 20:00.');
      if (audienceName === 'confirmed' || audienceName === 'not_checked_in') expect(shown.without_email).toBe(1);

      const sent = await write(performance.id, draft);
      expect(sent.status, sent.text).toBe(201);
      const message = performanceMessageAnswerSchema.parse(sent.body);
      expect(message).toMatchObject({ kind: 'message', audience: audienceName, recipients: recipients.length, progress: { queued: recipients.length } });
      const rows = await outboxOf(message.id);
      expect(rows.map((r) => r.recipient).sort(), audienceName).toEqual([...recipients].sort());
      expect(rows.every((r) => r.kind === 'performance_message')).toBe(true);
      const ticketed = audienceName === 'confirmed' || audienceName === 'checked_in' || audienceName === 'not_checked_in';
      expect(rows.every((r) => (r.payload.ticketLinks === true) === ticketed)).toBe(true);
    }
    // Preview writes nothing; every send is audited.
    const audits = await db().select().from(auditLog).where(and(eq(auditLog.action, 'performance.message'), eq(auditLog.entityId, performance.id)));
    expect(audits).toHaveLength(5);

    await ctx.services.mailWorker.drain();
    const got = ctx.mail.sent.filter((m) => m.subject.startsWith('Avviso checked_in'));
    expect(got.map((m) => m.to)).toEqual([who.arrived]);
    expect(got[0]!.html).toContain('&lt;b&gt;Grazie&lt;/b&gt;');
    expect(got[0]!.html).not.toContain('<b>Grazie</b>');
    expect(got[0]!.text).toContain(`${ctx.env.SITE_BASE_URL}/ticket#token=`);

    const history = performanceMessageListSchema.parse((await ctx.client.get(`/api/admin/performances/${performance.id}/messages`, { cookie: boxOffice })).body);
    expect(history.map((m) => m.audience)).toEqual(['waitlist', 'pending', 'not_checked_in', 'checked_in', 'confirmed']);
    expect(history.every((m) => m.progress.sent === m.recipients && m.progress.queued === 0)).toBe(true);
  });

  it('sends one email to an address with two bookings, without ticket links', async () => {
    const { performance } = await aPerformance(ctx);
    const family = address('family');
    await booking(performance.id, family);
    await booking(performance.id, family);
    const sent = await write(performance.id, { subject: 'Info', body: 'Testo', audience: 'confirmed' });
    expect(sent.body.recipients).toBe(1);
    const [row] = await outboxOf(sent.body.id);
    expect(row).toMatchObject({ recipient: family, reservationId: null });
    expect(row!.payload.ticketLinks).toBeUndefined();
    expect(row!.payload.partySize).toBe(4);
  });

  it('paces the emails at MESSAGE_PACE', async () => {
    const { performance } = await aPerformance(ctx);
    for (let i = 0; i < 5; i += 1) await booking(performance.id, address('paced'), { partySize: 1 });
    const paced = withPace('2/minute');
    const sent = await paced.client.post(`/api/admin/performances/${performance.id}/messages`, { subject: 'Info', body: 'Testo', audience: 'confirmed' }, { cookie: boxOffice });
    expect(sent.status).toBe(201);
    const rows = (await outboxOf(sent.body.id)).sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime());
    const start = Date.parse(sent.body.created_at);
    expect(rows.map((r) => (r.nextAttemptAt.getTime() - start) / 60_000)).toEqual([0, 0, 1, 1, 2]);
    // Only what is due leaves now; the rest waits in the queue, shown as queued.
    await paced.services.mailWorker.drain();
    const history = await ctx.client.get(`/api/admin/performances/${performance.id}/messages`, { cookie: boxOffice });
    expect(history.body[0].progress).toEqual({ queued: 3, sent: 2, failed: 0, dropped: 0 });
  });

  it('refuses an audience nobody in it can be written to, bad input, and other roles', async () => {
    const { performance } = await aPerformance(ctx);
    await walkIn(performance.id);
    const nobody = await write(performance.id, { subject: 'Info', body: 'Testo', audience: 'confirmed' });
    expect(nobody.status).toBe(409);
    expect(nobody.body.status).toBe('no_recipients');
    expect((await preview(performance.id, { subject: 'Info', body: 'Testo', audience: 'confirmed' })).body).toMatchObject({ recipients: 0, without_email: 1, sample: null });
    const bad = [
      {},
      { subject: 'Info', body: 'Testo' },
      { subject: 'Info', body: 'Testo', audience: 'everyone' },
      { subject: '', body: 'Testo', audience: 'confirmed' },
      { subject: 'Two\nlines', body: 'Testo', audience: 'confirmed' },
      { subject: 'x'.repeat(201), body: 'Testo', audience: 'confirmed' },
      { subject: 'Info', body: 'x'.repeat(5001), audience: 'confirmed' },
      { subject: 'Info', body: 'Testo', audience: 'confirmed', status: 'sent' },
    ];
    for (const body of bad) {
      for (const call of [write, preview]) {
        const response = await call(performance.id, body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.body.status).toBe('validation_error');
      }
    }
    const draft = { subject: 'Info', body: 'Testo', audience: 'confirmed' };
    for (const cookie of [door, content]) {
      expect((await write(performance.id, draft, cookie)).status).toBe(403);
      expect((await preview(performance.id, draft, cookie)).status).toBe(403);
      expect((await ctx.client.get(`/api/admin/performances/${performance.id}/messages`, { cookie })).status).toBe(403);
    }
    expect((await write(2_147_483_000, draft)).status).toBe(404);
    expect((await preview(2_147_483_000, draft)).status).toBe(404);
    expect((await ctx.client.get('/api/admin/performances/2147483000/messages', { cookie: boxOffice })).status).toBe(404);
    expect((await ctx.client.get('/api/admin/performances/abc/messages', { cookie: boxOffice })).status).toBe(404);
    expect(await db().select().from(performanceMessages).where(eq(performanceMessages.performanceId, performance.id))).toEqual([]);
  });
});
