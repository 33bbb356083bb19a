import type { RevokedWhy } from '../../../../shared/src/check-in-decision';
import type { DoorDb, StoredManifest } from '../data/door-db';
import { admitLocally, admittedOnline, releaseHold, settleOnline } from '../data/outbox-store';
import type { RegisteredDevice, ScanEvent } from '../../../../shared/src/door-contracts';
import { decideLocally, type LocalDecision } from './local-verdict';
import type { ConfirmAnswer, DoorScan, OnlineTicket } from './online-confirm';
import type { TicketInput } from './ticket-input';

/*
 * One scan, from what was read to what the screen shows. The device decides on its own from
 * its manifest; an admission is recorded locally and queued for the server in one transaction.
 *
 * No false green (docs/adr/0005-no-false-green.md): when the server answered recently, a ticket
 * the device would admit (or does not know) is first shown as CHECKING, with no sound, while
 * the server is asked; its word is shown if it comes within CONFIRM_BUDGET_MS. Otherwise the
 * device's verdict is shown, marked as not confirmed, and a refusal that arrives later still
 * interrupts with a full-screen STOP. Offline (or with a server known not to answer) the
 * device's verdict is shown at once. Refusals the device is sure of are shown at once as well.
 *
 * A typed reservation code goes the same way (`/confirm-code`): online, the server's answer
 * names the guest (the device cannot open the name without the ticket) and records the
 * admission as an online one. A code the device does not know is asked of the server directly:
 * it says which night a code of another performance is for.
 */

/** How long CHECKING waits for the server before the device's verdict is shown. */
export const CONFIRM_BUDGET_MS = 2_000;
/** A confirmation still running after this is abandoned (the hold in the outbox lasts longer). */
const CONFIRM_ABORT_MS = 9_000;

export type VerdictKind = LocalDecision['verdict']['kind'] | 'not_a_ticket' | 'checking';
/** `stop`: the server refused, after the device's admission was already on screen. */
export type VerdictTone = 'admit' | 'warning' | 'refuse' | 'checking' | 'stop';

export interface ScanVerdict {
  kind: VerdictKind;
  tone: VerdictTone;
  reservationId: number | null;
  partySize: number | null;
  guestName: string | null;
  /** The reservation code, when staff typed it. */
  code: string | null;
  /** When and by whom the ticket was admitted before (amber). */
  admitted: { at: string; by: string | null; device: string | null } | null;
  /** When the doors open (too early). */
  opensAt: string | null;
  /** The night the ticket is for (OTHER PERFORMANCE). */
  otherPerformance: { show_title: string; starts_at: string } | null;
  /** Cancelled, replaced or performance cancelled (revoked), when known: the screen words it and says what to do. */
  revokedWhy: RevokedWhy | null;
  /** The scan's time (device clock corrected by the server offset): "too early" names the day when it is not today. */
  at: string;
  /** This device alone, or the server answering in time. */
  decidedBy: 'device' | 'server';
  /** The server was asked and did not answer within the budget: the device's word, unconfirmed. */
  unconfirmed: boolean;
  /** From the moment the code was read to the verdict. */
  elapsedMs: number;
  /** The outbox event of an admission recorded here. */
  eventId?: string;
}

export interface CheckInContext {
  db: DoorDb;
  scanning: StoredManifest;
  device: RegisteredDevice;
  staffName: string | null;
  clockOffsetMs: number;
  online: boolean;
}

export interface CheckInServices {
  confirm(ticket: OnlineTicket, scan: DoorScan, signal: AbortSignal): Promise<ConfirmAnswer>;
  /** Fetches and applies the manifest changes since the stored one. */
  refreshManifest(performanceId: number, signal: AbortSignal): Promise<void>;
  /** Something was queued or released: the outbox may have work. */
  queued(): void;
}

export interface CheckInResult {
  /** What to show at once: the device's verdict, or CHECKING while the server is asked. */
  verdict: ScanVerdict;
  /** What replaces CHECKING: the server's verdict in time, else the device's; null when `verdict` is final. */
  final: Promise<ScanVerdict | null>;
  /** A refusal by the server after the device's admission was shown: the STOP screen. */
  late: Promise<ScanVerdict | null>;
}

const TONES: Record<VerdictKind, VerdictTone> = {
  admit: 'admit',
  already_admitted: 'warning',
  revoked: 'refuse',
  unknown: 'refuse',
  wrong_performance: 'refuse',
  too_early: 'refuse',
  too_late: 'refuse',
  not_a_ticket: 'refuse',
  checking: 'checking',
};

function verdictOf(decision: LocalDecision | null, ticket: TicketInput, startedAt: number, at = new Date()): ScanVerdict {
  const verdict = decision?.verdict;
  const kind: VerdictKind = verdict?.kind ?? 'not_a_ticket';
  return {
    kind,
    tone: TONES[kind],
    reservationId: verdict && 'reservationId' in verdict ? verdict.reservationId : null,
    partySize: verdict && 'partySize' in verdict ? verdict.partySize : (decision?.entry?.n ?? null),
    guestName: decision?.guestName ?? null,
    code: ticket.kind === 'code' ? ticket.code : null,
    admitted: verdict?.kind === 'already_admitted' ? { at: verdict.at, by: verdict.by, device: verdict.device } : null,
    opensAt: verdict?.kind === 'too_early' ? verdict.opensAt : null,
    otherPerformance: decision?.otherPerformance ?? null,
    revokedWhy: decision?.revokedWhy ?? null,
    at: at.toISOString(),
    decidedBy: 'device',
    unconfirmed: false,
    elapsedMs: performance.now() - startedAt,
  };
}

const none = Promise.resolve(null);
const delay = (ms: number) => new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), ms));
const final = (verdict: ScanVerdict): CheckInResult => ({ verdict, final: none, late: none });

/** What the server can be asked about: a scanned ticket or a typed code (a guest found by name without a code cannot). */
const onlineTicketOf = (ticket: Exclude<TicketInput, { kind: 'invalid' }>): OnlineTicket | null =>
  ticket.kind === 'token' ? { kind: 'token', token: ticket.token } : ticket.kind === 'code' ? { kind: 'code', code: ticket.code } : null;

type Asked = { final: ScanVerdict; late: Promise<ScanVerdict | null> };
const split = (asked: Promise<Asked>): Omit<CheckInResult, 'verdict'> => ({ final: asked.then((r) => r.final), late: asked.then((r) => r.late) });

export async function checkIn(ticket: TicketInput, context: CheckInContext, services: CheckInServices, startedAt = performance.now()): Promise<CheckInResult> {
  if (ticket.kind === 'invalid') return final(verdictOf(null, ticket, startedAt));
  const { db, scanning } = context;
  const deviceNow = Date.now();
  const at = new Date(deviceNow + context.clockOffsetMs);
  const decision = await decideLocally(db, ticket, scanning, at);
  const online = context.online ? onlineTicketOf(ticket) : null;
  const kind = decision.verdict.kind;
  if (!online || (kind !== 'admit' && kind !== 'unknown')) {
    return final(await admitIfValid(decision, ticket, context, deviceNow, at, startedAt, false, services));
  }

  const budget = delay(CONFIRM_BUDGET_MS);
  const checking: ScanVerdict = { ...verdictOf(decision, ticket, startedAt, at), kind: 'checking', tone: 'checking' };
  if (kind === 'unknown') {
    const asked = online.kind === 'token' ? unknownTokenOnline(ticket, online, context, services, budget, startedAt, at) : unknownCodeOnline(decision, ticket, online, context, services, budget, startedAt, at);
    return { verdict: checking, ...split(asked) };
  }
  const local = await admitIfValid(decision, ticket, context, deviceNow, at, startedAt, true, services);
  const scan = { performanceId: context.scanning.performance_id, deviceId: context.device.id, eventId: local.eventId! };
  return { verdict: checking, ...split(askTheServer(online, decision.entry!.r, local, db, services, scan, budget)) };
}

/** Records an admission on the device (queued for the server); other verdicts change nothing. */
async function admitIfValid(
  decision: LocalDecision,
  ticket: Exclude<TicketInput, { kind: 'invalid' }>,
  context: CheckInContext,
  deviceNow: number,
  at: Date,
  startedAt: number,
  hold: boolean,
  services: CheckInServices,
): Promise<ScanVerdict> {
  const verdict = verdictOf(decision, ticket, startedAt, at);
  if (decision.verdict.kind !== 'admit' || !decision.entry) return verdict;
  const event: ScanEvent = {
    id: crypto.randomUUID(),
    performance_id: context.scanning.performance_id,
    ...(ticket.kind === 'token' ? { token_hash: decision.hash } : { code_hash: decision.hash }),
    scanned_at: new Date(deviceNow).toISOString(),
    clock_offset_ms: Math.round(context.clockOffsetMs),
  };
  const admitted = { at: at.toISOString(), by: context.staffName, device: context.device.name };
  await admitLocally(context.db, decision.entry, event, admitted, { hold });
  verdict.elapsedMs = performance.now() - startedAt;
  verdict.eventId = event.id;
  if (!hold) services.queued();
  return verdict;
}

/**
 * A ticket the device does not know, online: perhaps booked a moment ago. The latest changes
 * of the list are fetched (no side effect on the server) within the budget, and the ticket is
 * judged again; a ticket found then is admitted as any other, through the server, in what is
 * left of the budget.
 */
async function unknownTokenOnline(
  ticket: Exclude<TicketInput, { kind: 'invalid' }>,
  online: OnlineTicket,
  context: CheckInContext,
  services: CheckInServices,
  budget: Promise<'late'>,
  startedAt: number,
  at: Date,
): Promise<Asked> {
  const refreshed = services.refreshManifest(context.scanning.performance_id, AbortSignal.timeout(CONFIRM_BUDGET_MS)).then(
    () => true,
    () => false,
  );
  const inTime = (await Promise.race([refreshed, budget])) === true;
  const decision = await decideLocally(context.db, ticket, context.scanning, at);
  if (!inTime || decision.verdict.kind !== 'admit') return { final: { ...verdictOf(decision, ticket, startedAt, at), unconfirmed: !inTime }, late: none };
  const local = await admitIfValid(decision, ticket, context, Date.now(), at, startedAt, true, services);
  const scan = { performanceId: context.scanning.performance_id, deviceId: context.device.id, eventId: local.eventId! };
  return askTheServer(online, decision.entry!.r, local, context.db, services, scan, budget);
}

/**
 * A typed code the device does not know, online: the server judges it (booked a moment ago,
 * another night's code booked after the list was downloaded, a mistyped one). Nothing is queued:
 * the server records an admission itself. A late admission is shown when it comes (the device
 * had said "unknown", unconfirmed); a late refusal changes nothing on screen.
 */
async function unknownCodeOnline(
  decision: LocalDecision,
  ticket: Exclude<TicketInput, { kind: 'invalid' }>,
  online: OnlineTicket,
  context: CheckInContext,
  services: CheckInServices,
  budget: Promise<'late'>,
  startedAt: number,
  at: Date,
): Promise<Asked> {
  const local = verdictOf(decision, ticket, startedAt, at);
  const scan = { performanceId: context.scanning.performance_id, deviceId: context.device.id, eventId: crypto.randomUUID() };
  const answer = services.confirm(online, scan, AbortSignal.timeout(CONFIRM_ABORT_MS)).catch((): ConfirmAnswer => ({ kind: 'no_answer' }));
  const first = await Promise.race([answer, budget]);
  const byServer = async (result: ConfirmAnswer): Promise<ScanVerdict | null> => {
    if (result.kind === 'no_answer') return null;
    services.queued();
    if (result.kind === 'admitted') return admittedByServer(result, local);
    return refusal(result, null, local, context.db, 'code');
  };
  if (first !== 'late') return { final: (await byServer(first)) ?? { ...local, unconfirmed: true }, late: none };
  const late = answer.then(async (result) => (result.kind === 'admitted' ? byServer(result) : null)).catch(() => null);
  return { final: { ...local, unconfirmed: true }, late };
}

/** The server admitted a guest this device had no entry for: its answer is the whole verdict. */
function admittedByServer(answer: Extract<ConfirmAnswer, { kind: 'admitted' }>, local: ScanVerdict): ScanVerdict {
  return {
    ...local,
    kind: 'admit',
    tone: 'admit',
    reservationId: answer.reservationId ?? local.reservationId,
    partySize: answer.partySize ?? local.partySize,
    guestName: answer.name,
    decidedBy: 'server',
    unconfirmed: false,
  };
}

function askTheServer(
  online: OnlineTicket,
  reservationId: number,
  local: ScanVerdict,
  db: DoorDb,
  services: CheckInServices,
  scan: DoorScan,
  budget: Promise<'late'>,
): Promise<{ final: ScanVerdict; late: Promise<ScanVerdict | null> }> {
  const answer = services.confirm(online, scan, AbortSignal.timeout(CONFIRM_ABORT_MS)).catch((): ConfirmAnswer => ({ kind: 'no_answer' }));
  return Promise.race([answer, budget]).then(async (first) => {
    if (first !== 'late') {
      const verdict = await settle(first, reservationId, local, db, online.kind);
      services.queued();
      return { final: verdict, late: none };
    }
    // Out of budget: the device's word is shown; a refusal that comes later is a STOP.
    const late = answer
      .then((result) => settleLate(result, reservationId, local, db, online.kind))
      .finally(() => services.queued())
      .catch(() => null);
    return { final: { ...local, unconfirmed: true }, late };
  });
}

/** The server's answer within the budget: it is the verdict (no answer: the device's stands). */
async function settle(answer: ConfirmAnswer, reservationId: number, local: ScanVerdict, db: DoorDb, asked: OnlineTicket['kind']): Promise<ScanVerdict> {
  const eventId = local.eventId!;
  if (answer.kind === 'no_answer') {
    await releaseHold(db, eventId);
    return { ...local, unconfirmed: true };
  }
  await settleOnline(db, eventId);
  if (answer.kind === 'admitted') {
    await admittedOnline(db, reservationId, answer);
    // A typed code opens no name on the device: the server's answer brings it.
    return { ...local, guestName: local.guestName ?? answer.name, decidedBy: 'server' };
  }
  return refusal(answer, reservationId, local, db, asked);
}

/** The server's answer after the budget: a refusal becomes the STOP screen; an admission a receipt. */
async function settleLate(answer: ConfirmAnswer, reservationId: number, local: ScanVerdict, db: DoorDb, asked: OnlineTicket['kind']): Promise<ScanVerdict | null> {
  const eventId = local.eventId!;
  if (answer.kind === 'no_answer') {
    await releaseHold(db, eventId);
    return null;
  }
  await settleOnline(db, eventId);
  if (answer.kind === 'admitted') {
    await admittedOnline(db, reservationId, answer);
    return null;
  }
  return { ...(await refusal(answer, reservationId, local, db, asked)), tone: 'stop' };
}

/** The server refused: this device admitted nobody after all, and its entry (when it has one) learns why. */
async function refusal(
  answer: Exclude<ConfirmAnswer, { kind: 'admitted' | 'no_answer' }>,
  reservationId: number | null,
  local: ScanVerdict,
  db: DoorDb,
  asked: OnlineTicket['kind'],
): Promise<ScanVerdict> {
  const base = { ...local, decidedBy: 'server' as const, unconfirmed: false };
  if (answer.kind === 'already_admitted') {
    const admitted = { at: answer.at, by: answer.by, device: answer.device };
    if (reservationId !== null) await db.entries.update(reservationId, { lc: null, c: admitted });
    return { ...base, kind: 'already_admitted', tone: 'warning', admitted };
  }
  // A ticket this device knew and the server does not (any more) was replaced by a new one.
  const replaced = answer.reason === 'unknown' && asked === 'token' && reservationId !== null;
  const kind = replaced ? 'revoked' : answer.reason;
  const why: RevokedWhy | null = replaced ? 'replaced' : answer.reason === 'revoked' ? (answer.why ?? 'cancelled') : null;
  if (reservationId !== null) await db.entries.update(reservationId, why ? { lc: null, x: true, why } : { lc: null });
  return {
    ...base,
    kind,
    revokedWhy: why,
    tone: 'refuse',
    opensAt: answer.opensAt ?? null,
    otherPerformance: answer.performance ?? local.otherPerformance,
  };
}
