import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGuest } from '../../../shared/src/guest-seal.js';
import { codePrefix, hashPrefix, parseManifest, sha256Hex, verifyManifestSignature, type FullManifest, type DeltaManifest, type PublicKeyJwk } from '../../../shared/src/manifest.js';
import { checkIns, performances, reservations, reservationTokens, scanEvents } from '../db/schema.js';
import { hashToken } from '../lib/tokens.js';
import { aPerformanceWithTickets } from '../test/bulk-tickets.js';
import { aConfirmedReservation, aPerformance, createTestContext, loggedIn, type TestContext } from '../test/harness.js';
import { aScanEvent } from '../test/scan-events.js';

let ctx: TestContext;
let door: Awaited<ReturnType<typeof loggedIn>>;
beforeAll(async () => {
  ctx = await createTestContext();
  door = await loggedIn(ctx, 'door');
});
afterAll(() => ctx.close());

const soon = () => new Date(Date.now() + 3_600_000); // doors are open: the show starts in an hour

async function keys(): Promise<PublicKeyJwk[]> {
  return (await ctx.client.get('/api/door/keys')).body.keys;
}

async function fetchManifest(performanceId: number, since?: number) {
  const response = await ctx.client.get(`/api/door/performances/${performanceId}/manifest${since ? `?since=${since}` : ''}`, { cookie: door.cookie });
  const bytes = new TextEncoder().encode(response.text);
  const valid = await verifyManifestSignature(bytes, response.headers.get('x-manifest-signature')!, response.headers.get('x-manifest-key-id')!, await keys());
  return { response, valid, manifest: parseManifest(response.text) };
}

async function registerDevice(name: string, cookie = door.cookie): Promise<string> {
  const response = await ctx.client.post('/api/door/devices', { name }, { cookie });
  expect(response.status).toBe(201);
  return response.body.id;
}

const scan = aScanEvent;

const sync = (deviceId: string, events: unknown[], cookie = door.cookie) => ctx.client.post('/api/door/sync', { device_id: deviceId, events }, { cookie });

describe('the signed manifest', () => {
  it('lists confirmed tickets by token hash, signed over the exact bytes, with sealed names', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 3);
    const { response, valid, manifest } = await fetchManifest(performance.id);
    expect(response.status).toBe(200);
    expect(valid).toBe(true);
    const full = manifest as FullManifest;
    expect(full.type).toBe('full');
    const entry = full.entries.find((e) => e.r === ticket.reservation.id)!;
    expect(entry).toMatchObject({ h: hashToken(ticket.rawCheckInToken), n: 3, c: null });
    expect(response.text).not.toContain(ticket.rawCheckInToken);
    expect(response.text).not.toContain('Maria');
    expect(await openGuest(ticket.rawCheckInToken, entry.g!)).toMatchObject({ name: 'Maria Rossi' });

    const tampered = new TextEncoder().encode(response.text.replace('"n":3', '"n":9'));
    expect(await verifyManifestSignature(tampered, response.headers.get('x-manifest-signature')!, response.headers.get('x-manifest-key-id')!, await keys())).toBe(false);
  });

  it('answers 304 to an unchanged manifest and a delta with confirmations, cancellations and check-ins', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const a = await aConfirmedReservation(ctx, performance.id, 1);
    const first = await fetchManifest(performance.id);
    const etag = first.response.headers.get('etag')!;
    const again = await ctx.client.get(`/api/door/performances/${performance.id}/manifest`, { cookie: door.cookie, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);

    const b = await aConfirmedReservation(ctx, performance.id, 2);
    await ctx.services.bookings.cancel(a.reservation.id, null);
    const delta = await fetchManifest(performance.id, (first.manifest as FullManifest).seq);
    expect(delta.valid).toBe(true);
    const d = delta.manifest as DeltaManifest;
    expect(d.type).toBe('delta');
    expect(d.upserts.map((e) => e.r)).toEqual([b.reservation.id]);
    expect(d.revoked).toEqual([a.reservation.id]);
    expect(d.seq).toBeGreaterThan(d.since);
  });

  it('is refused to anonymous and content users', async () => {
    const { performance } = await aPerformance(ctx);
    expect((await ctx.client.get(`/api/door/performances/${performance.id}/manifest`)).status).toBe(401);
    const editor = await loggedIn(ctx, 'content');
    expect((await ctx.client.get(`/api/door/performances/${performance.id}/manifest`, { cookie: editor.cookie })).status).toBe(403);
  });

  it('keeps verifying manifests signed before a key rotation', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const before = await ctx.client.get(`/api/door/performances/${performance.id}/manifest`, { cookie: door.cookie });
    const newKid = await ctx.services.signingKeys.rotate();
    const after = await ctx.client.get(`/api/door/performances/${performance.id}/manifest`, { cookie: door.cookie });
    expect(after.headers.get('x-manifest-key-id')).toBe(newKid);
    expect(before.headers.get('x-manifest-key-id')).not.toBe(newKid);
    const published = await keys();
    for (const response of [before, after]) {
      const ok = await verifyManifestSignature(new TextEncoder().encode(response.text), response.headers.get('x-manifest-signature')!, response.headers.get('x-manifest-key-id')!, published);
      expect(ok).toBe(true);
    }
  });
});

describe('offline sync', () => {
  it('accepts a scan once, and a retried batch gets the same answer and creates nothing', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    const device = await registerDevice('Door 1');
    const events = [scan(performance.id, ticket.rawCheckInToken, new Date())];
    const first = await sync(device, events);
    expect(first.status).toBe(200);
    expect(first.body.results).toEqual([{ id: events[0]!.id, result: 'accepted', reservation_id: ticket.reservation.id, party_size: 2, winner: null }]);
    const retry = await sync(device, events);
    expect(retry.body.results).toEqual(first.body.results);
    const { db } = ctx.services.database;
    expect(await db.select().from(checkIns).where(eq(checkIns.reservationId, ticket.reservation.id))).toHaveLength(1);
    expect(await db.select().from(scanEvents).where(eq(scanEvents.reservationId, ticket.reservation.id))).toHaveLength(1);
  });

  it('two devices admitting one ticket offline: the earliest corrected scan wins, the other is a conflict both see', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 1);
    const door1 = await registerDevice('Door 1');
    const door2 = await registerDevice('Door 2');
    const t = Date.now();
    // Door 2's clock is 5 minutes fast: its scan at "t+4min" really happened at t-1min, first.
    const late = scan(performance.id, ticket.rawCheckInToken, new Date(t));
    const early = scan(performance.id, ticket.rawCheckInToken, new Date(t + 4 * 60_000), -5 * 60_000);
    const r1 = await sync(door1, [late]);
    expect(r1.body.results[0].result).toBe('accepted');
    const r2 = await sync(door2, [early]);
    expect(r2.body.results[0].result).toBe('accepted');

    const [checkIn] = await ctx.services.database.db.select().from(checkIns).where(eq(checkIns.reservationId, ticket.reservation.id));
    expect(checkIn!.eventId).toBe(early.id);
    expect(checkIn!.checkedInAt.toISOString()).toBe(new Date(t - 60_000).toISOString());

    const again1 = await sync(door1, []);
    expect(again1.body.conflicts).toEqual([
      expect.objectContaining({ event_id: late.id, device: 'Door 1', winner: expect.objectContaining({ event_id: early.id, device: 'Door 2' }) }),
    ]);
    const again2 = await sync(door2, []);
    expect(again2.body.conflicts.map((c: { event_id: string }) => c.event_id)).toEqual([late.id]);
    const boxOffice = await loggedIn(ctx, 'box_office');
    const forAdmin = await ctx.client.get(`/api/door/performances/${performance.id}/conflicts`, { cookie: boxOffice.cookie });
    expect(forAdmin.body).toEqual([expect.objectContaining({ event_id: late.id, reservation_id: ticket.reservation.id, device: 'Door 1' })]);
    const history = await ctx.client.get(`/api/admin/reservations/${ticket.reservation.id}`, { cookie: boxOffice.cookie });
    expect(history.body.check_in).toMatchObject({ method: 'offline' });
    expect(history.body.history.map((h: { action: string }) => h.action)).toContain('check_in.create');
    // Retrying door 1's old batch now reports the duplicate with the winner.
    const retried = await sync(door1, [late]);
    expect(retried.body.results[0]).toMatchObject({ result: 'duplicate', winner: { event_id: early.id, device: 'Door 2' } });
  });

  it('reports cancelled, unknown, other-performance and too-early tickets', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const other = await aPerformance(ctx, { startsAt: soon() });
    const later = await aPerformance(ctx, { startsAt: new Date(Date.now() + 2 * 86_400_000) });
    const cancelled = await aConfirmedReservation(ctx, performance.id, 1);
    await ctx.services.bookings.cancel(cancelled.reservation.id, null);
    const elsewhere = await aConfirmedReservation(ctx, other.performance.id, 1);
    const early = await aConfirmedReservation(ctx, later.performance.id, 1);
    const device = await registerDevice('Door 3');
    const now = new Date();
    const events = [
      scan(performance.id, cancelled.rawCheckInToken, now),
      scan(performance.id, 'Z'.repeat(43), now),
      scan(performance.id, elsewhere.rawCheckInToken, now),
      scan(later.performance.id, early.rawCheckInToken, now),
    ];
    const response = await sync(device, events);
    expect(response.body.results.map((r: { result: string }) => r.result)).toEqual(['revoked', 'unknown', 'wrong_performance', 'too_early']);
  });

  it('admits by reservation code when the guest has no phone', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    const { manifest } = await fetchManifest(performance.id);
    const entry = (manifest as FullManifest).entries.find((e) => e.r === ticket.reservation.id)!;
    const [row] = await ctx.services.database.db.select({ code: checkIns.id }).from(checkIns).where(eq(checkIns.reservationId, ticket.reservation.id));
    expect(row).toBeUndefined();
    const guest = await openGuest(ticket.rawCheckInToken, entry.g!);
    expect(entry.k).toBe(await sha256Hex(guest!.code));
    const device = await registerDevice('Door 4');
    const response = await sync(device, [
      { id: randomUUID(), performance_id: performance.id, code_hash: entry.k, scanned_at: new Date().toISOString(), clock_offset_ms: 0 },
    ]);
    expect(response.body.results[0]).toMatchObject({ result: 'accepted', reservation_id: ticket.reservation.id });
  });

  it('reports a cancellation that reached the server before an earlier offline admission as revoked, and keeps the scan', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    const device = await registerDevice('Door 6');
    // Admitted offline ten minutes ago; the guest cancelled since, and the device syncs now.
    const admitted = scan(performance.id, ticket.rawCheckInToken, new Date(Date.now() - 10 * 60_000));
    await ctx.services.bookings.cancel(ticket.reservation.id, null);
    const response = await sync(device, [admitted]);
    expect(response.body.results[0]).toMatchObject({ result: 'revoked', reservation_id: ticket.reservation.id });
    const { db } = ctx.services.database;
    expect(await db.select().from(checkIns).where(eq(checkIns.reservationId, ticket.reservation.id))).toHaveLength(0);
    const [stored] = await db.select().from(scanEvents).where(eq(scanEvents.id, admitted.id));
    expect(stored).toMatchObject({ result: 'revoked', reservationId: ticket.reservation.id });
    // The device learns it from the next delta too: the reservation leaves its manifest.
    const { manifest } = await fetchManifest(performance.id);
    expect((manifest as FullManifest).entries.map((e) => e.r)).not.toContain(ticket.reservation.id);
  });

  it('finds confirmed guests by name for admission without phone, for door staff only', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    const found = await ctx.client.get(`/api/door/performances/${performance.id}/guests?q=ross`, { cookie: door.cookie });
    expect(found.status).toBe(200);
    expect(found.body).toEqual([{ reservation_id: ticket.reservation.id, name: 'Maria Rossi', code: ticket.reservation.code, party_size: 2, checked_in_at: null }]);
    expect(Object.keys(found.body[0])).not.toContain('email');
    const literal = await ctx.client.get(`/api/door/performances/${performance.id}/guests?q=%25%25`, { cookie: door.cookie });
    expect(literal.body).toEqual([]);
    for (const q of ['r', 'a%00b', 'x'.repeat(200)]) {
      const bad = await ctx.client.get(`/api/door/performances/${performance.id}/guests?q=${q}`, { cookie: door.cookie });
      expect(bad.status).toBe(400);
      expect(bad.body.status).toBe('validation_error');
    }
    const editor = await loggedIn(ctx, 'content');
    expect((await ctx.client.get(`/api/door/performances/${performance.id}/guests?q=ross`, { cookie: editor.cookie })).status).toBe(403);
  });

  it('tells a revoked device to wipe its data', async () => {
    const device = await registerDevice('Lost phone');
    const admin = await loggedIn(ctx, 'admin');
    expect((await ctx.client.post(`/api/door/devices/${device}/revoke`, undefined, { cookie: door.cookie })).status).toBe(403);
    expect((await ctx.client.post(`/api/door/devices/${device}/revoke`, undefined, { cookie: admin.cookie })).status).toBe(204);
    const response = await sync(device, []);
    expect(response.status).toBe(410);
    expect(response.body.status).toBe('device_revoked');
    const list = await ctx.client.get('/api/door/devices', { cookie: admin.cookie });
    expect(list.body.find((d: { id: string }) => d.id === device).revoked_at).not.toBeNull();
  });

  // Two thousand scans in one transaction: seconds, not milliseconds, on a busy 2-core machine.
  it('handles a batch of 2,000 events', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon(), capacity: 2000 });
    const tickets: Awaited<ReturnType<typeof aConfirmedReservation>>[] = [];
    for (let i = 0; i < 40; i += 1) tickets.push(await aConfirmedReservation(ctx, performance.id, 1));
    const device = await registerDevice('Door 5');
    const base = Date.now() - 3_600_000 / 2;
    const events = Array.from({ length: 2000 }, (_, i) => scan(performance.id, tickets[i % 40]!.rawCheckInToken, new Date(base + i * 100)));
    const response = await sync(device, events);
    expect(response.status).toBe(200);
    const results = response.body.results as { result: string }[];
    expect(results.filter((r) => r.result === 'accepted')).toHaveLength(40);
    expect(results.filter((r) => r.result === 'duplicate')).toHaveLength(1960);
  }, 60_000);
});

describe('why a ticket is refused, offline too', () => {
  const DAY = 86_400_000;

  /** Another night of the same show, in the same venue. */
  async function anotherNight(of: { showId: number; venueId: number }, startsAt: Date) {
    const [night] = await ctx.services.database.db.insert(performances).values({ showId: of.showId, venueId: of.venueId, startsAt }).returning();
    return night!;
  }

  it('lists the tickets of cancelled reservations as cancelled, and not as guests', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const kept = await aConfirmedReservation(ctx, performance.id, 1);
    const cancelled = await aConfirmedReservation(ctx, performance.id, 2);
    await ctx.services.bookings.cancel(cancelled.reservation.id, null);
    const full = (await fetchManifest(performance.id)).manifest as FullManifest;
    expect(full.entries.map((e) => e.r)).toEqual([kept.reservation.id]);
    expect(full.refused).toEqual([[hashPrefix(hashToken(cancelled.rawCheckInToken)), cancelled.reservation.id, 'cancelled']]);
    expect(full.others).toEqual([]);
  });

  it('lists a replaced ticket as replaced, and the last one of a cancelled reservation as cancelled', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    const boxOffice = await loggedIn(ctx, 'box_office');
    await ctx.services.bookings.reissue(ticket.reservation.id, boxOffice.user);
    const before = (await fetchManifest(performance.id)).manifest as FullManifest;
    const current = before.entries.find((e) => e.r === ticket.reservation.id)!;
    expect(current.h).not.toBe(hashToken(ticket.rawCheckInToken));
    expect(before.refused).toEqual([[hashPrefix(hashToken(ticket.rawCheckInToken)), ticket.reservation.id, 'replaced']]);

    await ctx.services.bookings.cancel(ticket.reservation.id, null);
    const after = (await fetchManifest(performance.id)).manifest as FullManifest;
    expect(after.entries).toEqual([]);
    expect(after.refused).toEqual([
      [hashPrefix(hashToken(ticket.rawCheckInToken)), ticket.reservation.id, 'replaced'],
      [hashPrefix(current.h), ticket.reservation.id, 'cancelled'],
    ]);
  });

  it('carries the live tickets of the same show\'s other nights within seven days, with their start', async () => {
    const tonight = await aPerformance(ctx, { startsAt: soon() });
    const mine = await aConfirmedReservation(ctx, tonight.performance.id, 1);
    const tomorrow = await anotherNight(tonight.performance, new Date(tonight.performance.startsAt.getTime() + DAY));
    const lastWeek = await anotherNight(tonight.performance, new Date(tonight.performance.startsAt.getTime() - 7 * DAY));
    const tooFar = await anotherNight(tonight.performance, new Date(tonight.performance.startsAt.getTime() + 8 * DAY));
    const otherShow = await aPerformance(ctx, { startsAt: new Date(tonight.performance.startsAt.getTime() + DAY) });
    const a = await aConfirmedReservation(ctx, tomorrow.id, 2);
    const b = await aConfirmedReservation(ctx, tomorrow.id, 1);
    const gone = await aConfirmedReservation(ctx, tomorrow.id, 1);
    await ctx.services.bookings.cancel(gone.reservation.id, null);
    await aConfirmedReservation(ctx, tooFar.id, 1);
    await aConfirmedReservation(ctx, otherShow.performance.id, 1);

    const full = (await fetchManifest(tonight.performance.id)).manifest as FullManifest;
    const codeOf = async (code: string | null) => codePrefix(await sha256Hex(code!));
    expect(full.others).toEqual([
      { id: lastWeek.id, starts_at: lastWeek.startsAt.toISOString(), tickets: [], codes: [] },
      {
        id: tomorrow.id,
        starts_at: tomorrow.startsAt.toISOString(),
        tickets: [
          [hashPrefix(hashToken(a.rawCheckInToken)), a.reservation.id],
          [hashPrefix(hashToken(b.rawCheckInToken)), b.reservation.id],
        ],
        // The typed codes of the same tickets, in the same order: "other performance" for a code too.
        codes: [await codeOf(a.reservation.code), await codeOf(b.reservation.code)],
      },
    ]);
    // Seen from tomorrow, tonight's guest is the one on the wrong night.
    const fromTomorrow = (await fetchManifest(tomorrow.id)).manifest as FullManifest;
    expect(fromTomorrow.others?.find((o) => o.id === tonight.performance.id)?.tickets).toEqual([[hashPrefix(hashToken(mine.rawCheckInToken)), mine.reservation.id]]);
  });

  it('sends a cancellation in the delta as revoked with its ticket, and a new ticket\'s old hash as replaced', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const cancelled = await aConfirmedReservation(ctx, performance.id, 1);
    const resent = await aConfirmedReservation(ctx, performance.id, 1);
    const first = (await fetchManifest(performance.id)).manifest as FullManifest;
    await ctx.services.bookings.cancel(cancelled.reservation.id, null);
    await ctx.services.bookings.reissue(resent.reservation.id, (await loggedIn(ctx, 'box_office')).user);

    const { manifest, valid } = await fetchManifest(performance.id, first.seq);
    expect(valid).toBe(true);
    const delta = manifest as DeltaManifest;
    expect(delta.revoked).toEqual([cancelled.reservation.id]);
    expect(delta.upserts.map((e) => e.r)).toEqual([resent.reservation.id]);
    expect(delta.refused).toEqual([
      [hashPrefix(hashToken(cancelled.rawCheckInToken)), cancelled.reservation.id, 'cancelled'],
      [hashPrefix(hashToken(resent.rawCheckInToken)), resent.reservation.id, 'replaced'],
    ]);
  });

  // The measure behind the format: what the new sets add to a 2,000-seat house's manifest.
  it('keeps the refused and other-night sets small for 2,000 seats', async () => {
    const { db } = ctx.services.database;
    const house = await aPerformanceWithTickets(db, { tickets: 2000, startsAt: soon() });
    const [tonight] = await db.select().from(performances).where(eq(performances.id, house.performanceId));
    const tomorrow = await anotherNight(tonight!, new Date(tonight!.startsAt.getTime() + DAY));
    // A tenth of the house cancelled.
    const cancelledIds = house.tickets.slice(0, 200).map((t) => t.reservationId);
    const at = new Date();
    await db.update(reservations).set({ status: 'cancelled', cancelledAt: at }).where(inArray(reservations.id, cancelledIds));
    await db.update(reservationTokens).set({ revokedAt: at }).where(inArray(reservationTokens.reservationId, cancelledIds));

    const own = (await fetchManifest(house.performanceId)).manifest as FullManifest;
    expect(own.refused).toHaveLength(200);
    const next = (await fetchManifest(tomorrow.id)).manifest as FullManifest;
    expect(next.others?.[0]?.tickets).toHaveLength(1800);
    const gzipped = (value: unknown) => gzipSync(JSON.stringify(value)).byteLength;
    // About 12 bytes a ticket gzipped: 8 of them are the hash prefix, which does not compress.
    expect(gzipped(own.refused)).toBeLessThan(200 * 16);
    // The codes' prefixes add about 5 bytes a ticket (4 of entropy).
    const codes = next.others![0]!.codes!;
    expect(codes).toHaveLength(1800);
    expect(gzipped(codes)).toBeLessThan(1800 * 6);
    expect(gzipped(next.others)).toBeLessThan(1800 * (14 + 6));
  }, 60_000);
});
