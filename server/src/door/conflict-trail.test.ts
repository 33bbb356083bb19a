import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  nextDeviceNameSchema,
  performanceConflictsSchema,
  readCheckInConflict,
  syncResponseSchema,
  type SyncResponse,
} from '../../../shared/src/door-contracts.js';
import { aConfirmedReservation, aPerformance, createTestContext, loggedIn, type TestContext } from '../test/harness.js';
import { aScanEvent } from '../test/scan-events.js';

/*
 * What a door conflict leaves behind: the reservation's history says who admitted the guest
 * first, who won and why; the phones and the admin see the guest's name and the seconds.
 */

let ctx: TestContext;
type Staff = Awaited<ReturnType<typeof loggedIn>>;
let giulia: Staff;
let marco: Staff;
let boxOffice: Staff;
beforeAll(async () => {
  ctx = await createTestContext();
  [giulia, marco, boxOffice] = [await loggedIn(ctx, 'door'), await loggedIn(ctx, 'door'), await loggedIn(ctx, 'box_office')];
});
afterAll(() => ctx.close());

const soon = () => new Date(Date.now() + 3_600_000);
const staffName = (staff: Staff) => staff.user.displayName || staff.user.email;

let devices = 0;
async function aDevice(staff: Staff): Promise<{ id: string; name: string }> {
  const response = await ctx.client.post('/api/door/devices', { name: `Phone ${++devices}` }, { cookie: staff.cookie });
  expect(response.status).toBe(201);
  return response.body;
}

const scan = aScanEvent;

/** A sync whose answer must match the contract the phones rely on. */
async function sync(staff: Staff, deviceId: string, events: unknown[]): Promise<SyncResponse> {
  const response = await ctx.client.post('/api/door/sync', { device_id: deviceId, events }, { cookie: staff.cookie });
  expect(response.status).toBe(200);
  return syncResponseSchema.parse(response.body);
}

async function historyOf(reservationId: number): Promise<{ action: string; actor: string | null; summary: string }[]> {
  const response = await ctx.client.get(`/api/admin/reservations/${reservationId}`, { cookie: boxOffice.cookie });
  expect(response.status).toBe(200);
  return response.body.history;
}
const checkInRows = async (reservationId: number) => (await historyOf(reservationId)).filter((h) => h.action.startsWith('check_in.'));

describe('the history of a door conflict', () => {
  it('an earlier scan arriving late takes the check-in over, and the history says from whom, to whom and why', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 2);
    const [first, second] = [await aDevice(giulia), await aDevice(marco)];
    const t = new Date(Math.floor(Date.now() / 1000) * 1000);
    // Marco's phone runs five minutes fast: its scan "at t+4min" happened at t−1min, first.
    const late = scan(performance.id, ticket.rawCheckInToken, t);
    const early = scan(performance.id, ticket.rawCheckInToken, new Date(t.getTime() + 4 * 60_000), -5 * 60_000);
    expect((await sync(giulia, first.id, [late])).results[0]!.result).toBe('accepted');
    expect((await sync(marco, second.id, [early])).results[0]!.result).toBe('accepted');

    const rows = await checkInRows(ticket.reservation.id);
    expect(rows.map((r) => [r.action, r.actor])).toEqual([
      ['check_in.create', giulia.user.email],
      ['check_in.reassign', marco.user.email],
    ]);
    expect(readCheckInConflict(rows[1]!.summary)).toEqual({
      won: { device: second.name, staff: staffName(marco), at: new Date(t.getTime() - 60_000).toISOString() },
      lost: { device: first.name, staff: staffName(giulia), at: t.toISOString() },
      rule: 'earliest_corrected_scan',
    });

    // A retried batch changes nothing, in the history either.
    await sync(marco, second.id, [early]);
    await sync(giulia, first.id, [late]);
    expect(await checkInRows(ticket.reservation.id)).toHaveLength(2);
  });

  it('a later scan on another phone is noted once as a duplicate', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 1);
    const [first, second] = [await aDevice(giulia), await aDevice(marco)];
    const t = new Date(Math.floor(Date.now() / 1000) * 1000);
    await sync(giulia, first.id, [scan(performance.id, ticket.rawCheckInToken, t)]);
    const again = scan(performance.id, ticket.rawCheckInToken, new Date(t.getTime() + 7_000));
    const answer = await sync(marco, second.id, [again]);
    expect(answer.results[0]).toMatchObject({ result: 'duplicate', winner: { device: first.name, staff: staffName(giulia) } });
    await sync(marco, second.id, [again]);

    const rows = await checkInRows(ticket.reservation.id);
    expect(rows.map((r) => r.action)).toEqual(['check_in.create', 'check_in.duplicate']);
    expect(readCheckInConflict(rows[1]!.summary)).toEqual({
      won: { device: first.name, staff: staffName(giulia), at: t.toISOString() },
      lost: { device: second.name, staff: staffName(marco), at: new Date(t.getTime() + 7_000).toISOString() },
      rule: 'earliest_corrected_scan',
    });
  });

  it('one phone, or one person online then offline, admitting the same guest again is not a conflict in the history', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 1);
    const phone = await aDevice(giulia);
    const now = Date.now();
    const answer = await sync(giulia, phone.id, [
      scan(performance.id, ticket.rawCheckInToken, new Date(now)),
      scan(performance.id, ticket.rawCheckInToken, new Date(now + 1_000)),
    ]);
    expect(answer.results.map((r) => r.result)).toEqual(['accepted', 'duplicate']);
    expect((await checkInRows(ticket.reservation.id)).map((r) => r.action)).toEqual(['check_in.create']);

    // Confirmed online; the same admission, queued by the phone whose answer was lost, arrives.
    const online = await aConfirmedReservation(ctx, performance.id, 1);
    const confirmed = await ctx.client.post('/api/check-ins/confirm', { token: online.rawCheckInToken }, { cookie: giulia.cookie });
    expect(confirmed.status).toBe(200);
    await sync(giulia, phone.id, [scan(performance.id, online.rawCheckInToken, new Date(Date.now() - 2_000))]);
    expect((await checkInRows(online.reservation.id)).map((r) => r.action)).toEqual(['check_in.create']);
  });
});

describe('conflicts as the phones and the admin see them', () => {
  it('carry the guest name and the times to the second, and match the contract', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 1);
    const [first, second] = [await aDevice(giulia), await aDevice(marco)];
    const t = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000 + 123);
    const winner = scan(performance.id, ticket.rawCheckInToken, t);
    const loser = scan(performance.id, ticket.rawCheckInToken, new Date(t.getTime() + 8_000));
    await sync(giulia, first.id, [winner]);
    const expected = {
      event_id: loser.id,
      reservation_id: ticket.reservation.id,
      guest_name: 'Maria Rossi',
      scanned_at: loser.scanned_at,
      device: second.name,
      winner: { event_id: winner.id, at: winner.scanned_at, device: first.name },
    };
    expect((await sync(marco, second.id, [loser])).conflicts).toEqual([expected]);
    expect((await sync(giulia, first.id, [])).conflicts).toEqual([expected]);

    const forAdmin = await ctx.client.get(`/api/door/performances/${performance.id}/conflicts`, { cookie: boxOffice.cookie });
    expect(performanceConflictsSchema.parse(forAdmin.body)).toEqual([expected]);
  });
});

describe('the name offered to a new phone', () => {
  it('is the first "Door N" or "Porta N" no active device has', async () => {
    // A database of its own: the answer depends on every device registered.
    const own = await createTestContext();
    try {
      const door = await loggedIn(own, 'door');
      const next = async () => {
        const response = await own.client.get('/api/door/devices/next-name', { cookie: door.cookie });
        expect(response.status).toBe(200);
        return nextDeviceNameSchema.parse(response.body).number;
      };
      expect(await next()).toBe(1);
      const register = async (name: string) => (await own.client.post('/api/door/devices', { name }, { cookie: door.cookie })).body.id as string;
      await register('Door 1');
      await register('Foyer');
      const lost = await register('Porta 2');
      expect(await next()).toBe(3);

      const admin = await loggedIn(own, 'admin');
      expect((await own.client.post(`/api/door/devices/${lost}/revoke`, undefined, { cookie: admin.cookie })).status).toBe(204);
      expect(await next()).toBe(2);
      expect((await own.client.get('/api/door/devices/next-name')).status).toBe(401);
      const editor = await loggedIn(own, 'content');
      expect((await own.client.get('/api/door/devices/next-name', { cookie: editor.cookie })).status).toBe(403);
    } finally {
      await own.close();
    }
  });
});
