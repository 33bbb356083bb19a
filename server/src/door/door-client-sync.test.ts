import 'fake-indexeddb/auto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIn, type CheckInServices } from '../../../pwa/src/door/check-in/door-check-in';
import { readTicketInput } from '../../../pwa/src/door/check-in/ticket-input';
import { DoorDb } from '../../../pwa/src/door/data/door-db';
import { pendingCount } from '../../../pwa/src/door/data/outbox-store';
import type { SyncResponse } from '../../../shared/src/door-contracts.js';
import { refreshManifest } from '../../../pwa/src/door/sync/manifest-refresh';
import { syncOutbox, type PostSync } from '../../../pwa/src/door/sync/outbox-sync';
import { SigningKeys } from '../../../pwa/src/door/sync/signing-keys';
import { sha256Hex } from '../../../shared/src/manifest.js';
import { checkIns } from '../db/schema.js';
import { aConfirmedReservation, aPerformance, createTestContext, loggedIn, type TestContext } from '../test/harness.js';

/*
 * The sync protocol end to end: the door app's own modules (IndexedDB through fake-indexeddb,
 * the local decision, the outbox, the signed manifest download) against the real server.
 */

let ctx: TestContext;
let cookie: string;
beforeAll(async () => {
  ctx = await createTestContext();
  cookie = (await loggedIn(ctx, 'door')).cookie;
});
afterAll(() => ctx.close());

let devices = 0;
/** A door phone: its own IndexedDB, registered with the server, holding a performance's list. */
async function aDoor(name: string, performanceId: number) {
  const db = new DoorDb(`client-sync-${++devices}-${Date.now()}`);
  const registered = await ctx.client.post('/api/door/devices', { name }, { cookie });
  const device = registered.body as { id: string; name: string; created_at: string };
  const keys = new SigningKeys(db, async () => (await ctx.client.get('/api/door/keys')).body.keys);
  // The browser's fetch, answered by the app in process (with the session cookie).
  const signedFetch = (async (url: string, init: RequestInit) => {
    const response = await ctx.client.get(url, { cookie, headers: init.headers as Record<string, string> });
    return new Response(response.status === 304 ? null : response.text, { status: response.status, headers: response.headers });
  }) as typeof globalThis.fetch;
  const refresh = () => refreshManifest(db, keys, performanceId, { fetch: signedFetch });
  await refresh();
  const post: PostSync = async (body) => {
    const response = await ctx.client.post('/api/door/sync', body, { cookie });
    if (response.status !== 200) throw new Error(`sync answered ${response.status}`);
    return response.body as SyncResponse;
  };
  const offline: CheckInServices = { confirm: async () => ({ kind: 'no_answer' }), refreshManifest: async () => {}, queued: () => {} };
  return {
    db,
    device,
    refresh,
    sync: (via: PostSync = post) => syncOutbox(db, device.id, via),
    post,
    /** A scan with no network; `clockOffsetMs` is what the device believes server − device is. */
    scan: async (token: string, clockOffsetMs = 0) => {
      const qr = `http://localhost:8080/api/check-ins/preview/?token=${token}`;
      return (await checkIn(readTicketInput(qr), { db, scanning: (await db.manifests.get(performanceId))!, device, staffName: 'Giulia', clockOffsetMs, online: false }, offline)).verdict;
    },
  };
}

const soon = () => new Date(Date.now() + 3_600_000);

describe('door app ↔ server sync', () => {
  it('two devices admit one ticket offline; the earliest corrected scan wins and both devices learn of the conflict', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    const door1 = await aDoor('Door 1', performance.id);
    const door2 = await aDoor('Door 2', performance.id);

    expect((await door1.scan(ticket.rawCheckInToken)).kind).toBe('admit');
    // Door 2 scans a moment later by the wall clock, but its clock is known to run a minute
    // fast: corrected, its scan came first.
    expect((await door2.scan(ticket.rawCheckInToken, -60_000)).kind).toBe('admit');

    const first = await door1.sync();
    expect(first).toMatchObject({ sent: 1, rejected: [], conflicts: [] });
    const second = await door2.sync();
    expect(second.sent).toBe(1);
    const [row] = await ctx.services.database.db.select().from(checkIns).where(eq(checkIns.reservationId, ticket.reservation.id));
    expect(row!.method).toBe('offline');
    expect(await pendingCount(door1.db)).toBe(0);
    expect(await pendingCount(door2.db)).toBe(0);

    for (const door of [door1, door2]) {
      const report = await door.sync();
      expect(report.conflicts).toEqual([
        expect.objectContaining({ reservation_id: ticket.reservation.id, device: 'Door 1', winner: expect.objectContaining({ device: 'Door 2' }) }),
      ]);
      expect(await door.db.getMeta('conflicts')).toEqual(report.conflicts);
    }
    // The next delta tells door 1 who admitted the guest.
    await door1.refresh();
    expect((await door1.db.entries.get(ticket.reservation.id))?.c).toMatchObject({ device: 'Door 2' });
  });

  it('keeps a scan whose answer was lost and sends it again: the server admits it once', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 1);
    const door = await aDoor('Door 3', performance.id);
    await door.scan(ticket.rawCheckInToken);

    // The server gets the batch, but the answer never reaches the phone.
    const lost: PostSync = async (body) => {
      await door.post(body);
      throw new Error('connection reset');
    };
    await expect(door.sync(lost)).rejects.toThrow('connection reset');
    expect(await pendingCount(door.db)).toBe(1);

    const retry = await door.sync();
    expect(retry).toMatchObject({ sent: 1, rejected: [] });
    expect(await pendingCount(door.db)).toBe(0);
    expect(await ctx.services.database.db.select().from(checkIns).where(eq(checkIns.reservationId, ticket.reservation.id))).toHaveLength(1);
  });

  it('a cancellation that reached the server first: the offline admission is refused, kept for staff to see, and the ticket says cancelled', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    const door = await aDoor('Door 4', performance.id);
    expect((await door.scan(ticket.rawCheckInToken)).kind).toBe('admit');
    await ctx.services.bookings.cancel(ticket.reservation.id, null);

    const report = await door.sync();
    expect(report.rejected).toEqual([expect.objectContaining({ reservation_id: ticket.reservation.id, result: 'revoked' })]);
    expect(await door.db.getMeta('rejected')).toEqual(report.rejected);
    await door.refresh();
    // No longer expected, but still known: the screen says CANCELLED, not UNKNOWN TICKET.
    expect(await door.db.entries.get(ticket.reservation.id)).toMatchObject({ x: true, why: 'cancelled' });
    expect(await door.scan(ticket.rawCheckInToken)).toMatchObject({ kind: 'revoked', revokedWhy: 'cancelled' });
  });

  it('a check-in undone by the box office: the phone learns it from the delta and admits the guest again, recorded again', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    const staff = (await loggedIn(ctx, 'box_office')).user;
    const door = await aDoor('Door 6', performance.id);
    expect((await door.scan(ticket.rawCheckInToken)).kind).toBe('admit');
    expect((await door.sync()).sent).toBe(1);
    await ctx.services.checkIns.undo(ticket.reservation.id, 'Admitted the wrong party', staff);

    // A list made more than the clock margin after the server had the scan: nobody is in.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await door.refresh();
    expect(await door.db.entries.get(ticket.reservation.id)).toMatchObject({ c: null });
    expect((await door.db.entries.get(ticket.reservation.id))?.lc).toBeUndefined();
    expect((await door.scan(ticket.rawCheckInToken)).kind).toBe('admit');
    expect(await door.sync()).toMatchObject({ sent: 1, rejected: [], conflicts: [] });
    expect(await ctx.services.database.db.select().from(checkIns).where(eq(checkIns.reservationId, ticket.reservation.id))).toMatchObject([{ method: 'offline' }]);

    // Undone again after the phone had seen the check-in in its list: the same.
    await door.refresh();
    await ctx.services.checkIns.undo(ticket.reservation.id, 'Left to fetch a coat', staff);
    await door.refresh();
    expect((await door.scan(ticket.rawCheckInToken)).kind).toBe('admit');
  });

  it('sends 1,200 queued scans in batches of 500', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 1);
    const door = await aDoor('Door 5', performance.id);
    const tokenHash = await sha256Hex(ticket.rawCheckInToken);
    const now = Date.now();
    await door.db.outbox.bulkPut(
      Array.from({ length: 1_200 }, (_, i) => ({
        id: crypto.randomUUID(),
        performance_id: performance.id,
        token_hash: tokenHash,
        scanned_at: new Date(now - 60_000 + i).toISOString(),
        clock_offset_ms: 0,
        queued_at: now + i,
        hold_until: 0,
      })),
    );
    const batches: number[] = [];
    const report = await door.sync(async (body) => {
      batches.push(body.events.length);
      return door.post(body);
    });
    expect(batches).toEqual([500, 500, 200]);
    expect(report.sent).toBe(1_200);
    expect(await pendingCount(door.db)).toBe(0);
    const [checkIn] = await ctx.services.database.db.select().from(checkIns).where(eq(checkIns.reservationId, ticket.reservation.id));
    // The oldest scan is the check-in; the other 1,199 are duplicates, not refusals.
    expect(checkIn!.checkedInAt.toISOString()).toBe(new Date(now - 60_000).toISOString());
    expect(report.rejected).toEqual([]);
  }, 60_000);
});
