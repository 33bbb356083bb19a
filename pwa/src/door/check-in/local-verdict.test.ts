import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { hashPrefix } from '../../../../shared/src/manifest';
import { applyDeltaManifest, applyFullManifest } from '../data/manifest-store';
import { pendingCount } from '../data/outbox-store';
import { aDelta, aDoorDb, aFullManifest, aTicket, proof, type Ticket } from '../test/door-fixtures';
import { checkIn, type CheckInContext, type CheckInServices } from './door-check-in';
import { readTicketInput } from './ticket-input';

/*
 * Why a ticket is refused, with no network: cancelled and replaced tickets, and tickets of the
 * show's other nights, known from the manifest by their hash prefix (shared/src/manifest.ts).
 */

const device = { id: crypto.randomUUID(), name: 'Door 1', created_at: new Date().toISOString() };
const qrOf = (ticket: Ticket) => `http://localhost:8080/api/check-ins/preview/?token=${ticket.token}`;
const offline: CheckInServices = {
  confirm: () => Promise.reject(new Error('offline')),
  refreshManifest: () => Promise.reject(new Error('offline')),
  queued: () => undefined,
};

async function doorWith(manifest: ReturnType<typeof aFullManifest>) {
  const db = aDoorDb();
  await applyFullManifest(db, manifest, proof);
  const scanning = (await db.manifests.get(manifest.performance.id))!;
  const context: CheckInContext = { db, scanning, device, staffName: 'Giulia', clockOffsetMs: 0, online: false };
  return { db, scan: async (text: string) => (await checkIn(readTicketInput(text), context, offline)).verdict };
}

describe('why a ticket is refused, offline', () => {
  it('says CANCELLED or TICKET REPLACED for the refused tickets of the manifest', async () => {
    const [guest, cancelled, replaced] = await Promise.all([aTicket(), aTicket(), aTicket()]);
    const { db, scan } = await doorWith(
      aFullManifest([guest.entry], {
        refused: [
          [hashPrefix(cancelled.entry.h), cancelled.entry.r, 'cancelled'],
          [hashPrefix(replaced.entry.h), replaced.entry.r, 'replaced'],
        ],
      }),
    );
    expect(await scan(qrOf(cancelled))).toMatchObject({ kind: 'revoked', tone: 'refuse', revokedWhy: 'cancelled', reservationId: cancelled.entry.r });
    expect(await scan(qrOf(replaced))).toMatchObject({ kind: 'revoked', revokedWhy: 'replaced', reservationId: replaced.entry.r });
    expect(await scan(qrOf(await aTicket()))).toMatchObject({ kind: 'unknown', revokedWhy: null });
    expect(await pendingCount(db)).toBe(0);
  });

  it('says OTHER PERFORMANCE with the show and the night for a ticket of another night, without that night\'s manifest', async () => {
    const tomorrowNight = new Date(Date.now() + 86_400_000).toISOString();
    const [guest, tomorrow] = await Promise.all([aTicket(), aTicket()]);
    const { scan } = await doorWith(
      aFullManifest([guest.entry], {
        performance: { show_title: 'La locandiera' },
        others: [{ id: 9, starts_at: tomorrowNight, tickets: [[hashPrefix(tomorrow.entry.h), tomorrow.entry.r]] }],
      }),
    );
    expect(await scan(qrOf(tomorrow))).toMatchObject({
      kind: 'wrong_performance',
      tone: 'refuse',
      reservationId: tomorrow.entry.r,
      otherPerformance: { show_title: 'La locandiera', starts_at: tomorrowNight },
    });
  });

  it('keeps a reservation cancelled by a delta as CANCELLED, by QR and by code', async () => {
    const ticket = await aTicket({ name: 'Maria Rossi' });
    const { db, scan } = await doorWith(aFullManifest([ticket.entry]));
    await applyDeltaManifest(db, aDelta({ revoked: [ticket.entry.r], refused: [[hashPrefix(ticket.entry.h), ticket.entry.r, 'cancelled']] }), proof);
    expect(await scan(qrOf(ticket))).toMatchObject({ kind: 'revoked', revokedWhy: 'cancelled', guestName: 'Maria Rossi' });
    expect(await scan(ticket.code)).toMatchObject({ kind: 'revoked', revokedWhy: 'cancelled' });
    expect(await pendingCount(db)).toBe(0);
  });

  it('never admits by a prefix: a ticket of tonight known only from tomorrow\'s manifest stays unknown', async () => {
    const ticket = await aTicket();
    const { db, scan } = await doorWith(aFullManifest([]));
    await applyFullManifest(
      db,
      aFullManifest([], { performance: { id: 8 }, others: [{ id: 7, starts_at: new Date().toISOString(), tickets: [[hashPrefix(ticket.entry.h), ticket.entry.r]] }] }),
      proof,
    );
    expect(await scan(qrOf(ticket))).toMatchObject({ kind: 'unknown' });
    expect(await pendingCount(db)).toBe(0);
  });
});
