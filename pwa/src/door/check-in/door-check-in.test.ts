import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { applyDeltaManifest, applyFullManifest } from '../data/manifest-store';
import { eventsToSend, pendingCount } from '../data/outbox-store';
import type { DoorDb } from '../data/door-db';
import { aDelta, aDoorDb, aFullManifest, aTicket, hoursFromNow, proof, type Ticket } from '../test/door-fixtures';
import { CONFIRM_BUDGET_MS, checkIn, type CheckInContext, type CheckInServices } from './door-check-in';
import type { ConfirmAnswer } from './online-confirm';
import { readTicketInput } from './ticket-input';

const device = { id: crypto.randomUUID(), name: 'Door 1', created_at: new Date().toISOString() };
const qrOf = (ticket: Ticket) => `http://localhost:8080/api/check-ins/preview/?token=${ticket.token}`;

async function doorWith(tickets: Ticket[], performance: Parameters<typeof aFullManifest>[1] = {}) {
  const db = aDoorDb();
  await applyFullManifest(db, aFullManifest(tickets.map((t) => t.entry), performance), proof);
  const scanning = (await db.manifests.get(performance.performance?.id ?? 7))!;
  return { db, context: (online = false): CheckInContext => ({ db, scanning, device, staffName: 'Giulia', clockOffsetMs: 0, online }) };
}

/** Server stubs: the confirmation answers `answer` after `delayMs`; nothing else happens. */
function server(answer: ConfirmAnswer = { kind: 'no_answer' }, delayMs = 0, onRefresh: () => Promise<void> = async () => {}) {
  let queued = 0;
  const services: CheckInServices = {
    confirm: () => new Promise((resolve) => setTimeout(() => resolve(answer), delayMs)),
    refreshManifest: () => onRefresh(),
    queued: () => void (queued += 1),
  };
  return { services, queued: () => queued };
}

const scan = (text: string, context: CheckInContext, services = server().services) => checkIn(readTicketInput(text), context, services);
const settled = async (db: DoorDb) => {
  // Lets the follow-up of the online confirmation finish.
  for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  return db;
};

describe('the verdict for a scan, offline', () => {
  it('admits a valid ticket with the guest name, marks it and queues the scan, then says "already admitted"', async () => {
    const ticket = await aTicket({ n: 3, name: 'Niccolò Rossi' });
    const { db, context } = await doorWith([ticket]);

    const first = await scan(qrOf(ticket), context());
    expect(first.verdict).toMatchObject({ kind: 'admit', tone: 'admit', partySize: 3, guestName: 'Niccolò Rossi', decidedBy: 'device' });
    expect(first.verdict.elapsedMs).toBeLessThan(100);
    const [event] = await eventsToSend(db, 10);
    expect(event).toMatchObject({ performance_id: 7, token_hash: ticket.entry.h, clock_offset_ms: 0 });
    expect(event?.code_hash).toBeUndefined();

    const second = await scan(qrOf(ticket), context());
    expect(second.verdict).toMatchObject({ kind: 'already_admitted', tone: 'warning', admitted: { by: 'Giulia', device: 'Door 1' } });
    expect(await pendingCount(db)).toBe(1);
  });

  it('refuses unknown, cancelled, too-early, too-late and other-performance tickets, and text that is no ticket', async () => {
    const valid = await aTicket();
    const cancelled = await aTicket();
    const { db, context } = await doorWith([valid, cancelled]);
    await db.entries.update(cancelled.entry.r, { x: true });
    const elsewhere = await aTicket();
    await applyFullManifest(db, aFullManifest([elsewhere.entry], { performance: { id: 8, show_title: 'Amleto' } }), proof);

    expect((await scan(qrOf(await aTicket()), context())).verdict.kind).toBe('unknown');
    expect((await scan(qrOf(cancelled), context())).verdict.kind).toBe('revoked');
    expect((await scan(qrOf(elsewhere), context())).verdict).toMatchObject({ kind: 'wrong_performance', otherPerformance: { show_title: 'Amleto' } });
    expect((await scan('not a ticket', context())).verdict).toMatchObject({ kind: 'not_a_ticket', tone: 'refuse' });

    const early = await doorWith([valid], { performance: { starts_at: hoursFromNow(5) } });
    expect((await scan(qrOf(valid), early.context())).verdict).toMatchObject({ kind: 'too_early', tone: 'refuse' });
    const late = await doorWith([valid], { performance: { starts_at: hoursFromNow(-7) } });
    expect((await scan(qrOf(valid), late.context())).verdict.kind).toBe('too_late');
    expect(await pendingCount(db)).toBe(0);
  });

  it('admits by reservation code, queueing the code hash instead of a token hash', async () => {
    const ticket = await aTicket({ n: 2 });
    const { db, context } = await doorWith([ticket]);
    const { verdict } = await scan(ticket.code.toLowerCase().replace('-', ' '), context());
    expect(verdict).toMatchObject({ kind: 'admit', partySize: 2, code: ticket.code, guestName: null });
    const [event] = await eventsToSend(db, 10);
    expect(event).toMatchObject({ code_hash: ticket.entry.k });
    expect(event?.token_hash).toBeUndefined();
  });

  it('judges at the time corrected by the clock offset, and sends the offset with the scan', async () => {
    const ticket = await aTicket();
    // Doors open in 10 minutes by the server's clock; the device is 15 minutes slow.
    const { db, context } = await doorWith([ticket], { performance: { starts_at: new Date(Date.now() + 3 * 3_600_000 + 10 * 60_000).toISOString() } });
    const offset = { ...context(), clockOffsetMs: 15 * 60_000 };
    expect((await scan(qrOf(ticket), offset)).verdict.kind).toBe('admit');
    expect((await eventsToSend(db, 10))[0]?.clock_offset_ms).toBe(15 * 60_000);
  });
});

describe('the verdict for a scan, online: no false green', () => {
  it('shows CHECKING (no colour) until the server answers: already admitted elsewhere is amber, never green first', async () => {
    const ticket = await aTicket();
    const { db, context } = await doorWith([ticket]);
    const at = new Date().toISOString();
    const { services, queued } = server({ kind: 'already_admitted', at, by: 'Marco', device: 'Door 2' }, 50);

    const result = await scan(qrOf(ticket), context(true), services);
    expect(result.verdict).toMatchObject({ kind: 'checking', tone: 'checking' });
    expect(await result.final).toMatchObject({ kind: 'already_admitted', tone: 'warning', admitted: { at, by: 'Marco', device: 'Door 2' }, decidedBy: 'server' });
    expect(await result.late).toBeNull();
    // Nobody was admitted here: nothing to send, and the ticket is known as admitted by Marco.
    expect(await pendingCount(db)).toBe(0);
    expect(await db.entries.get(ticket.entry.r)).toMatchObject({ lc: null, c: { by: 'Marco' } });
    expect(queued()).toBe(1);
  });

  it("takes an online admission as the server's receipt: green from the server, the scan leaves the outbox", async () => {
    const ticket = await aTicket({ name: 'Maria Rossi' });
    const { db, context } = await doorWith([ticket]);
    const result = await scan(qrOf(ticket), context(true), server({ kind: 'admitted', name: 'Maria Rossi', at: new Date().toISOString(), by: 'Giulia' }, 10).services);
    expect(result.verdict.kind).toBe('checking');
    expect(await result.final).toMatchObject({ kind: 'admit', tone: 'admit', decidedBy: 'server', unconfirmed: false });
    expect(await pendingCount(db)).toBe(0);
  });

  it('turns red with the reason when the server refuses in time: cancelled, replaced, other night, too early', async () => {
    const ticket = await aTicket();
    const { db, context } = await doorWith([ticket]);
    const cancelled = await scan(qrOf(ticket), context(true), server({ kind: 'refused', reason: 'revoked' }, 10).services);
    expect(await cancelled.final).toMatchObject({ kind: 'revoked', revokedWhy: 'cancelled', tone: 'refuse', decidedBy: 'server' });
    expect((await scan(qrOf(ticket), context())).verdict.kind).toBe('revoked');
    expect(await pendingCount(db)).toBe(0);

    const replaced = await aTicket();
    const second = await doorWith([replaced]);
    const gone = await scan(qrOf(replaced), second.context(true), server({ kind: 'refused', reason: 'unknown' }, 10).services);
    // A ticket this phone knew and the server no longer does was replaced: not "unknown".
    expect(await gone.final).toMatchObject({ kind: 'revoked', revokedWhy: 'replaced', tone: 'refuse' });

    const elsewhere = await aTicket();
    const third = await doorWith([elsewhere]);
    const performance = { id: 9, show_title: 'Amleto', starts_at: hoursFromNow(24) };
    const night = await scan(qrOf(elsewhere), third.context(true), server({ kind: 'refused', reason: 'wrong_performance', performance }, 10).services);
    expect(await night.final).toMatchObject({ kind: 'wrong_performance', otherPerformance: { show_title: 'Amleto', starts_at: performance.starts_at } });
    expect(await pendingCount(third.db)).toBe(0);
  });

  it('past the budget shows the device\'s verdict as unconfirmed; a later refusal comes back as STOP', async () => {
    const ticket = await aTicket();
    const { db, context } = await doorWith([ticket]);
    const at = new Date().toISOString();
    const slow = await scan(qrOf(ticket), context(true), server({ kind: 'already_admitted', at, by: 'Marco', device: 'Door 2' }, CONFIRM_BUDGET_MS + 300).services);
    expect(slow.verdict.kind).toBe('checking');
    expect(await slow.final).toMatchObject({ kind: 'admit', tone: 'admit', unconfirmed: true, decidedBy: 'device' });
    expect(await slow.late).toMatchObject({ kind: 'already_admitted', tone: 'stop', admitted: { by: 'Marco', device: 'Door 2' } });
    // The server had the earlier admission: this phone admitted nobody, nothing to send.
    expect(await pendingCount(await settled(db))).toBe(0);
  });

  it('a late admission is only a receipt; silence leaves the scan queued for the sync', async () => {
    const ticket = await aTicket();
    const { db, context } = await doorWith([ticket]);
    const slow = await scan(qrOf(ticket), context(true), server({ kind: 'admitted', name: 'X', at: new Date().toISOString(), by: 'Giulia' }, CONFIRM_BUDGET_MS + 100).services);
    expect(await slow.final).toMatchObject({ kind: 'admit', unconfirmed: true });
    expect(await slow.late).toBeNull();
    expect(await pendingCount(await settled(db))).toBe(0);

    const other = await aTicket();
    const second = await doorWith([other]);
    const silent = await scan(qrOf(other), second.context(true), server({ kind: 'no_answer' }).services);
    expect(await silent.final).toMatchObject({ kind: 'admit', unconfirmed: true });
    expect(await silent.late).toBeNull();
    expect(await eventsToSend(await settled(second.db), 10)).toHaveLength(1);
  });

  it('offline, or for a refusal the device is sure of, shows the verdict at once without asking', async () => {
    const ticket = await aTicket();
    const cancelled = await aTicket();
    const { db, context } = await doorWith([ticket, cancelled]);
    await db.entries.update(cancelled.entry.r, { x: true });
    let asked = 0;
    const services: CheckInServices = { ...server().services, confirm: async () => ((asked += 1), { kind: 'no_answer' }) };
    expect((await scan(qrOf(ticket), context(false), services)).verdict.kind).toBe('admit');
    expect((await scan(qrOf(cancelled), context(true), services)).verdict.kind).toBe('revoked');
    expect(asked).toBe(0);
  });

  it('looks for a ticket it does not know in the latest manifest changes (CHECKING meanwhile) before refusing it', async () => {
    const known = await aTicket();
    const fresh = await aTicket({ name: 'Just Booked' });
    const { db, context } = await doorWith([known]);
    const { services } = server({ kind: 'no_answer' }, 0, () => applyDeltaManifest(db, aDelta({ upserts: [fresh.entry] }), proof));
    const result = await scan(qrOf(fresh), context(true), services);
    expect(result.verdict.kind).toBe('checking');
    expect(await result.final).toMatchObject({ kind: 'admit', guestName: 'Just Booked' });
    expect(await pendingCount(db)).toBe(1);

    const stranger = await scan(qrOf(await aTicket()), context(true), services);
    expect(await stranger.final).toMatchObject({ kind: 'unknown', tone: 'refuse' });
  });
});
