import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIns, scanEvents } from '../db/schema.js';
import { aPerformanceWithTickets, type BulkTicket } from '../test/bulk-tickets.js';
import { seededUuid, SimulatedDevice, type ScanEvent } from './door-devices.js';
import { call, reportSeedOnFailure, Rng, seedsFor, sleep, staffLogin, startStack, type Stack } from './reliability-kit.js';

/*
 * Three door devices, 2,000 tickets, a hostile network (offline windows, lost answers,
 * duplicated, reordered and replayed batches) and the server killed with SIGKILL and restarted
 * twice in the middle of the sync. At the end: every scan is stored and acknowledged exactly
 * once, each ticket has at most one check-in and it is its earliest scan, every other scan of
 * it is a duplicate pointing at that check-in, and every duplicate is reported, to the staff
 * and to each device involved.
 */

const [SEED] = seedsFor(process.env.RELIABILITY_SEED, 1) as [number];
const TICKETS = 2000;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('sync');
});
afterAll(() => stack?.stop());

interface PlannedScan extends ScanEvent {
  device: number;
  reservationId: number | null;
  correctedMs: number;
}

/** Who scans what: most tickets once, some at two or three doors, some twice at one door, a few fakes. */
function planScans(rng: Rng, performanceId: number, tickets: BulkTicket[]): PlannedScan[] {
  const start = Date.now() - 20 * 60_000;
  const offsets = [0, 1, 2].map(() => rng.int(-3000, 3000));
  const used = new Set<number>();
  const scan = (device: number, ticket: BulkTicket | null): PlannedScan => {
    // Distinct corrected times: "the earliest scan wins" must have one answer.
    let correctedMs = start + rng.int(0, 15 * 60_000);
    while (used.has(correctedMs)) correctedMs += 1;
    used.add(correctedMs);
    return {
      id: seededUuid(rng),
      performance_id: performanceId,
      token_hash: ticket?.tokenHash ?? randomBytes(32).toString('hex'),
      scanned_at: new Date(correctedMs - offsets[device]!).toISOString(),
      clock_offset_ms: offsets[device]!,
      device,
      reservationId: ticket?.reservationId ?? null,
      correctedMs,
    };
  };
  const scans: PlannedScan[] = [];
  for (const ticket of tickets) {
    const device = rng.int(0, 2);
    scans.push(scan(device, ticket));
    const roll = rng.next();
    if (roll < 0.05) scans.push(scan((device + rng.int(1, 2)) % 3, ticket));
    else if (roll < 0.07) scans.push(scan(device, ticket));
    else if (roll < 0.09) scans.push(scan((device + 1) % 3, ticket), scan((device + 2) % 3, ticket));
  }
  for (let i = 0; i < 20; i += 1) scans.push(scan(rng.int(0, 2), null));
  return scans;
}

describe('door sync under chaos', () => {
  it('acknowledges every scan once, admits each ticket once by its earliest scan, reports every conflict', async () => {
    const { database } = stack;
    const server = stack.servers[0]!;
    reportSeedOnFailure(SEED, 'sync chaos');
    const rng = new Rng(SEED);
    const { performanceId, tickets } = await aPerformanceWithTickets(database.db, { tickets: TICKETS, startsAt: new Date(Date.now() + 3_600_000) });
    const scans = planScans(rng, performanceId, tickets);

    const devices: SimulatedDevice[] = [];
    for (const n of [0, 1, 2]) {
      const cookie = await staffLogin(database, server.base, 'door');
      const registered = await call(server.base, 'POST', '/api/door/devices', { body: { name: `Porta ${n + 1}` }, cookie });
      expect(registered.status).toBe(201);
      // Each device queues its scans in the order it made them (by its own clock).
      const own = scans.filter((s) => s.device === n).sort((a, b) => Date.parse(a.scanned_at) - Date.parse(b.scanned_at));
      const events = own.map(({ id, performance_id, token_hash, scanned_at, clock_offset_ms }) => ({ id, performance_id, token_hash, scanned_at, clock_offset_ms }));
      devices.push(new SimulatedDevice(registered.body.id, `Porta ${n + 1}`, events, cookie, new Rng(SEED + n + 1), () => server.base));
    }

    const deadline = Date.now() + 90_000;
    const syncing = Promise.all(devices.map((device) => device.run(deadline)));
    // The server dies twice mid-sync, without a chance to finish anything, and comes back.
    const crashes = (async () => {
      for (let crash = 0; crash < 2; crash += 1) {
        await sleep(rng.int(800, 2000));
        if (devices.every((d) => d.done)) return crash;
        await server.kill();
        await sleep(rng.int(200, 800));
        await server.start();
      }
      return 2;
    })();
    const [, crashed] = await Promise.all([syncing, crashes]);
    expect(crashed).toBeGreaterThan(0);

    // Every answer was a 200 or no answer at all (server down): never an error for a retry.
    expect(devices.flatMap((d) => d.unexpected)).toEqual([]);
    // Every scan acknowledged, and stored exactly once.
    for (const device of devices) expect(device.done).toBe(true);
    const stored = await database.db.select().from(scanEvents).where(eq(scanEvents.performanceId, performanceId));
    expect(stored).toHaveLength(scans.length);
    expect(new Set(stored.map((s) => s.id))).toEqual(new Set(scans.map((s) => s.id)));

    // One check-in per scanned ticket: its earliest scan. Every later scan is a duplicate of it.
    const admitted = await database.db.select().from(checkIns);
    const checkInOf = new Map(admitted.map((c) => [c.reservationId, c]));
    expect(checkInOf.size).toBe(admitted.length);
    const byId = new Map(stored.map((s) => [s.id, s]));
    const scansOf = new Map<number, PlannedScan[]>();
    for (const s of scans) if (s.reservationId) scansOf.set(s.reservationId, [...(scansOf.get(s.reservationId) ?? []), s]);
    expect(checkInOf.size).toBe(scansOf.size);
    const wrong: string[] = [];
    for (const [reservationId, list] of scansOf) {
      const [first, ...later] = [...list].sort((a, b) => a.correctedMs - b.correctedMs);
      const checkIn = checkInOf.get(reservationId);
      if (checkIn?.eventId !== first!.id) wrong.push(`reservation ${reservationId}: check-in ${checkIn?.eventId} is not its earliest scan ${first!.id}`);
      if (byId.get(first!.id)?.result !== 'accepted') wrong.push(`scan ${first!.id}: ${byId.get(first!.id)?.result}, expected accepted`);
      for (const scan of later) {
        const row = byId.get(scan.id);
        if (row?.result !== 'duplicate' || row.winningEventId !== first!.id) {
          wrong.push(`scan ${scan.id}: ${row?.result} won by ${row?.winningEventId}, expected duplicate won by ${first!.id}`);
        }
      }
    }
    for (const fake of scans.filter((s) => !s.reservationId)) if (byId.get(fake.id)?.result !== 'unknown') wrong.push(`fake scan ${fake.id}: ${byId.get(fake.id)?.result}`);
    expect(wrong).toEqual([]);

    // Every conflict is reported: to the staff, and to each device that lost or won it.
    const duplicates = stored.filter((s) => s.result === 'duplicate');
    expect(duplicates.length).toBeGreaterThan(50);
    const staff = await staffLogin(database, server.base, 'box_office');
    const forStaff = await call(server.base, 'GET', `/api/door/performances/${performanceId}/conflicts`, { cookie: staff });
    expect(forStaff.status).toBe(200);
    expect(new Set(forStaff.body.map((c: { event_id: string }) => c.event_id))).toEqual(new Set(duplicates.map((d) => d.id)));
    for (const device of devices) {
      const answer = await device.finalSync();
      const involved = duplicates.filter((d) => d.deviceId === device.id || byId.get(d.winningEventId!)?.deviceId === device.id);
      const reported = new Map(answer!.conflicts.map((c) => [c.event_id, c.winner?.event_id]));
      expect(reported).toEqual(new Map(involved.map((d) => [d.id, d.winningEventId])));
    }
    process.stdout.write(`sync chaos (seed ${SEED}): ${scans.length} scans, ${duplicates.length} conflicts, ${JSON.stringify(devices.map((d) => d.stats))}\n`);
  });
});
