import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { codePrefix, hashPrefix, sha256Hex } from '../../../../shared/src/manifest';
import { checkIn, type CheckInServices } from '../check-in/door-check-in';
import { readTicketInput } from '../check-in/ticket-input';
import { aDelta, aDoorDb, aFullManifest, aTicket, hoursFromNow, proof } from '../test/door-fixtures';
import type { DoorDb } from './door-db';
import { applyDeltaManifest, applyFullManifest, findCodeMark, UNDO_CLOCK_SLACK_MS } from './manifest-store';
import { acknowledge, eventsToSend, pendingCount } from './outbox-store';

/*
 * A check-in undone by staff (DELETE /api/admin/check-ins/:id) reaches the phone as a delta whose
 * entry says "not checked in". The phone's own admission of that ticket stays until the server
 * has it (a list made before our scan arrived must not let the guest in twice), and goes once a
 * list made after the server had it says nobody is in.
 */

const device = { id: crypto.randomUUID(), name: 'Door 1', created_at: new Date().toISOString() };
const offline: CheckInServices = { confirm: async () => ({ kind: 'no_answer' }), refreshManifest: async () => {}, queued: () => {} };
const at = (ms: number) => new Date(ms).toISOString();

async function doorWith(entries: Parameters<typeof aFullManifest>[0], performance: Parameters<typeof aFullManifest>[1] = {}) {
  const db = aDoorDb();
  await applyFullManifest(db, aFullManifest(entries, performance), proof);
  const scanning = async () => (await db.manifests.get(7))!;
  const scan = async (text: string) =>
    (await checkIn(readTicketInput(text), { db, scanning: await scanning(), device, staffName: 'Giulia', clockOffsetMs: 0, online: false }, offline)).verdict;
  return { db, scan };
}

/** The sync's answer for everything queued: accepted, at the server's `serverTime`. */
async function syncAll(db: DoorDb, serverTime: string) {
  const events = await eventsToSend(db, 100);
  await acknowledge(db, events, events.map((e) => ({ id: e.id, result: 'accepted', reservation_id: null, party_size: null, winner: null })), serverTime);
}

describe('a check-in undone on the server', () => {
  it('clears an admission the server had: the next scan admits again', async () => {
    const ticket = await aTicket();
    const { db, scan } = await doorWith([ticket.entry]);
    expect((await scan(ticket.token)).kind).toBe('admit');
    expect((await scan(ticket.token)).kind).toBe('already_admitted');

    const received = Date.now();
    await syncAll(db, at(received));
    expect(await pendingCount(db)).toBe(0);
    expect((await db.entries.get(ticket.entry.r))?.lc?.ack).toBe(at(received));

    // The undo: a list made after the server had our scan, with the entry not checked in.
    await applyDeltaManifest(db, aDelta({ since: 10, seq: 13, generated_at: at(received + 5_000), upserts: [ticket.entry] }), proof);
    expect((await db.entries.get(ticket.entry.r))?.lc).toBeUndefined();
    expect((await scan(ticket.token)).kind).toBe('admit');
  });

  it('keeps an admission still waiting in the outbox, and one a list made before the server had it does not know', async () => {
    const [waiting, racing] = await Promise.all([aTicket(), aTicket()]);
    const { db, scan } = await doorWith([waiting.entry, racing.entry]);
    expect((await scan(waiting.token)).kind).toBe('admit');
    // Not sent yet: the server cannot have undone what it never had.
    await applyDeltaManifest(db, aDelta({ since: 10, seq: 11, generated_at: at(Date.now() + 60_000), upserts: [waiting.entry] }), proof);
    expect((await scan(waiting.token)).kind).toBe('already_admitted');

    const received = Date.now();
    await syncAll(db, at(received));
    // Made before the server had the scans (or within the clock margin): its silence is no undo.
    await applyDeltaManifest(db, aDelta({ since: 11, seq: 12, generated_at: at(received - 2_000), upserts: [waiting.entry] }), proof);
    await applyDeltaManifest(db, aDelta({ since: 12, seq: 13, generated_at: at(received + UNDO_CLOCK_SLACK_MS), upserts: [waiting.entry] }), proof);
    expect((await scan(waiting.token)).kind).toBe('already_admitted');
    expect((await scan(racing.token)).kind).toBe('admit');
  });

  it('clears an online admission the same way: the server\'s check-in time is its receipt', async () => {
    const ticket = await aTicket({ name: 'Maria Rossi' });
    const { db } = await doorWith([ticket.entry]);
    const checkedInAt = at(Date.now());
    const services: CheckInServices = { ...offline, confirm: async () => ({ kind: 'admitted', name: 'Maria Rossi', at: checkedInAt, by: 'Giulia' }) };
    const context = { db, scanning: (await db.manifests.get(7))!, device, staffName: 'Giulia', clockOffsetMs: 0, online: true };
    const result = await checkIn(readTicketInput(ticket.token), context, services);
    expect(await result.final).toMatchObject({ kind: 'admit', decidedBy: 'server' });
    expect(await db.entries.get(ticket.entry.r)).toMatchObject({ c: { at: checkedInAt }, lc: { ack: checkedInAt } });

    await applyDeltaManifest(db, aDelta({ since: 10, seq: 14, generated_at: at(Date.parse(checkedInAt) + 30_000), upserts: [ticket.entry] }), proof);
    const entry = await db.entries.get(ticket.entry.r);
    expect(entry?.c).toBeNull();
    expect(entry?.lc).toBeUndefined();
  });
});

describe('why a ticket is refused, from the list', () => {
  it('takes a revoked entry\'s reason from the refused set by its own ticket', async () => {
    const [cancelled, replaced] = await Promise.all([aTicket(), aTicket()]);
    const { db } = await doorWith([cancelled.entry, replaced.entry]);
    await applyDeltaManifest(
      db,
      aDelta({
        revoked: [cancelled.entry.r, replaced.entry.r],
        refused: [
          [hashPrefix(cancelled.entry.h), cancelled.entry.r, 'cancelled'],
          // Replaced, then its new ticket cancelled: the ticket this phone knows was replaced.
          [hashPrefix(replaced.entry.h), replaced.entry.r, 'replaced'],
          ['0123456789abcdef', replaced.entry.r, 'cancelled'],
        ],
      }),
      proof,
    );
    expect(await db.entries.get(cancelled.entry.r)).toMatchObject({ x: true, why: 'cancelled' });
    expect(await db.entries.get(replaced.entry.r)).toMatchObject({ x: true, why: 'replaced' });
  });

  it('says PERFORMANCE CANCELLED for every ticket of a performance cancelled as a whole, from a delta or a full list', async () => {
    const [a, b] = await Promise.all([aTicket(), aTicket()]);
    const { db, scan } = await doorWith([a.entry, b.entry]);
    const cancelledAt = new Date().toISOString();
    await applyDeltaManifest(
      db,
      aDelta({ revoked: [a.entry.r, b.entry.r], refused: [[hashPrefix(a.entry.h), a.entry.r, 'cancelled']], performance_cancelled_at: cancelledAt }),
      proof,
    );
    expect((await db.manifests.get(7))?.performance.cancelled_at).toBe(cancelledAt);
    expect(await scan(a.token)).toMatchObject({ kind: 'revoked', revokedWhy: 'performance_cancelled', tone: 'refuse' });
    expect(await scan(b.code)).toMatchObject({ kind: 'revoked', revokedWhy: 'performance_cancelled' });

    // A phone that downloads the list afterwards: no entries, the tickets as refused marks.
    const later = await doorWith([], { performance: { cancelled_at: cancelledAt }, refused: [[hashPrefix(a.entry.h), a.entry.r, 'cancelled']] });
    expect(await later.scan(a.token)).toMatchObject({ kind: 'revoked', revokedWhy: 'performance_cancelled' });
  });
});

describe('a typed code of another performance, offline', () => {
  it('says OTHER PERFORMANCE with that night, from the code prefixes of the other nights', async () => {
    const [tonight, tomorrow, noCode] = await Promise.all([aTicket(), aTicket(), aTicket()]);
    const startsAt = hoursFromNow(25);
    const others = [
      {
        id: 8,
        starts_at: startsAt,
        tickets: [[hashPrefix(tomorrow.entry.h), tomorrow.entry.r] as [string, number], [hashPrefix(noCode.entry.h), noCode.entry.r] as [string, number]],
        codes: [codePrefix(await sha256Hex(tomorrow.code)), ''],
      },
    ];
    const { db, scan } = await doorWith([tonight.entry], { others });
    expect(await findCodeMark(db, await sha256Hex(tomorrow.code), 7)).toMatchObject({ r: tomorrow.entry.r, p: 8, starts_at: startsAt });
    expect(await scan(tomorrow.code.toLowerCase())).toMatchObject({
      kind: 'wrong_performance',
      reservationId: tomorrow.entry.r,
      otherPerformance: { show_title: 'La locandiera', starts_at: startsAt },
    });
    // A scanned ticket of that night, as before; tonight's code admits; a stranger's code is unknown.
    expect(await scan(tomorrow.token)).toMatchObject({ kind: 'wrong_performance', otherPerformance: { starts_at: startsAt } });
    expect((await scan(tonight.code)).kind).toBe('admit');
    expect((await scan(noCode.code)).kind).toBe('unknown');
    expect(await pendingCount(db)).toBe(1);
  });
});
