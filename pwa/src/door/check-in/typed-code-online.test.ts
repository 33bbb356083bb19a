import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { applyFullManifest } from '../data/manifest-store';
import { eventsToSend, pendingCount } from '../data/outbox-store';
import { aDoorDb, aFullManifest, aTicket, hoursFromNow, proof, type Ticket } from '../test/door-fixtures';
import { CONFIRM_BUDGET_MS, checkIn, type CheckInContext, type CheckInServices } from './door-check-in';
import type { ConfirmAnswer, OnlineTicket } from './online-confirm';
import { readTicketInput } from './ticket-input';

/*
 * A reservation code typed at the door while the phone is online goes to the server like a
 * scanned ticket (POST /api/check-ins/confirm-code): CHECKING, then the server's verdict, with
 * the guest's name, which the phone cannot open from its list without the ticket.
 */

const device = { id: crypto.randomUUID(), name: 'Door 1', created_at: new Date().toISOString() };

async function doorWith(tickets: Ticket[]) {
  const db = aDoorDb();
  await applyFullManifest(db, aFullManifest(tickets.map((t) => t.entry)), proof);
  const context: CheckInContext = { db, scanning: (await db.manifests.get(7))!, device, staffName: 'Giulia', clockOffsetMs: 0, online: true };
  return { db, context };
}

function server(answer: ConfirmAnswer, delayMs = 10) {
  const asked: OnlineTicket[] = [];
  const services: CheckInServices = {
    confirm: (ticket) => ((asked.push(ticket), new Promise((resolve) => setTimeout(() => resolve(answer), delayMs)))),
    refreshManifest: async () => {},
    queued: () => {},
  };
  return { services, asked };
}

const settled = async () => {
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('a typed code, online', () => {
  it('is asked of the server: CHECKING, then ADMIT with the guest\'s name; nothing left to send', async () => {
    const ticket = await aTicket({ n: 2, name: 'Niccolò Rossi' });
    const { db, context } = await doorWith([ticket]);
    const { services, asked } = server({ kind: 'admitted', name: 'Niccolò Rossi', at: new Date().toISOString(), by: 'Giulia', reservationId: ticket.entry.r, partySize: 2 });
    const result = await checkIn(readTicketInput(ticket.code.toLowerCase()), context, services);
    expect(result.verdict).toMatchObject({ kind: 'checking', guestName: null, code: ticket.code });
    expect(await result.final).toMatchObject({ kind: 'admit', tone: 'admit', guestName: 'Niccolò Rossi', code: ticket.code, decidedBy: 'server', partySize: 2 });
    expect(asked).toEqual([{ kind: 'code', code: ticket.code }]);
    expect(await pendingCount(db)).toBe(0);
  });

  it('says OTHER PERFORMANCE with the night the server names, for a code this phone does not know', async () => {
    const { db, context } = await doorWith([await aTicket()]);
    const performance = { id: 9, show_title: 'La locandiera', starts_at: hoursFromNow(48) };
    const { services } = server({ kind: 'refused', reason: 'wrong_performance', performance });
    const result = await checkIn(readTicketInput('K7QF-2M9X'), context, services);
    expect(result.verdict.kind).toBe('checking');
    expect(await result.final).toMatchObject({ kind: 'wrong_performance', tone: 'refuse', otherPerformance: { starts_at: performance.starts_at }, decidedBy: 'server' });
    expect(await pendingCount(db)).toBe(0);
  });

  it('admits a code this phone does not know when the server does (booked after the list), with the name', async () => {
    const { db, context } = await doorWith([await aTicket()]);
    const { services } = server({ kind: 'admitted', name: 'Just Booked', at: new Date().toISOString(), by: 'Giulia', reservationId: 999, partySize: 3 });
    const result = await checkIn(readTicketInput('K7QF-2M9X'), context, services);
    expect(await result.final).toMatchObject({ kind: 'admit', guestName: 'Just Booked', partySize: 3, reservationId: 999, decidedBy: 'server' });
    // The server recorded it: nothing queued here.
    expect(await pendingCount(db)).toBe(0);
  });

  it('without an answer in time, the phone\'s own verdict stands and the scan waits for the sync', async () => {
    const ticket = await aTicket();
    const { db, context } = await doorWith([ticket]);
    const result = await checkIn(readTicketInput(ticket.code), context, server({ kind: 'no_answer' }).services);
    expect(await result.final).toMatchObject({ kind: 'admit', unconfirmed: true, decidedBy: 'device' });
    await settled();
    expect(await eventsToSend(db, 10)).toMatchObject([{ code_hash: ticket.entry.k }]);

    const unknown = await checkIn(readTicketInput('K7QF-2M9X'), context, server({ kind: 'refused', reason: 'unknown' }, CONFIRM_BUDGET_MS + 200).services);
    expect(await unknown.final).toMatchObject({ kind: 'unknown', unconfirmed: true });
    expect(await unknown.late).toBeNull();
  });

  it('offline, a code is decided on the phone at once, as before', async () => {
    const ticket = await aTicket();
    const { db, context } = await doorWith([ticket]);
    const { services, asked } = server({ kind: 'no_answer' });
    const result = await checkIn(readTicketInput(ticket.code), { ...context, online: false }, services);
    expect(result.verdict).toMatchObject({ kind: 'admit', decidedBy: 'device', guestName: null });
    expect(asked).toEqual([]);
    expect(await pendingCount(db)).toBe(1);
  });
});
