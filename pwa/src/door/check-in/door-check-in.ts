import type { ManifestPerformance } from '../../../../shared/src/manifest';
import type { DoorDb, StoredManifest } from '../data/door-db';
import { admitLocally, releaseHold, settleOnline } from '../data/outbox-store';
import type { RegisteredDevice, ScanEvent } from '../door-types';
import { decideLocally, type LocalDecision } from './local-verdict';
import type { ConfirmAnswer } from './online-confirm';
import type { TicketInput } from './ticket-input';

/*
 * One scan, from what was read to what the screen shows. The device decides on its own, at
 * once, from its manifest; an admission is recorded locally and queued for the server in one
 * transaction. When online, the server is asked too: if it answers within a second its word
 * rules (a ticket admitted meanwhile at another door turns the screen amber); later, the
 * device's verdict stands and the queued scan tells the server what happened.
 */

/** How long the server's answer may change the verdict on screen. */
export const SERVER_RULES_MS = 1_000;
/** A confirmation still running after this is abandoned (the hold in the outbox lasts longer). */
const CONFIRM_ABORT_MS = 8_000;
/** How long an unknown ticket waits for the latest manifest changes before it is refused. */
const REFRESH_UNKNOWN_MS = 1_500;

export type VerdictKind = LocalDecision['verdict']['kind'] | 'not_a_ticket';
export type VerdictTone = 'admit' | 'warning' | 'refuse';

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
  otherPerformance: ManifestPerformance | null;
  /** This device alone, or the server answering in time. */
  decidedBy: 'device' | 'server';
  /** From the moment the code was read to the verdict. */
  elapsedMs: number;
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
  confirm(token: string, signal: AbortSignal): Promise<ConfirmAnswer>;
  /** Fetches and applies the manifest changes since the stored one. */
  refreshManifest(performanceId: number, signal: AbortSignal): Promise<void>;
  /** Something was queued or released: the outbox may have work. */
  queued(): void;
}

export interface CheckInResult {
  verdict: ScanVerdict;
  /** Resolves to a new verdict when the server answered in time and said otherwise. */
  serverVerdict: Promise<ScanVerdict | null>;
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
};

function verdictOf(decision: LocalDecision | null, ticket: TicketInput, startedAt: number): ScanVerdict {
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
    decidedBy: 'device',
    elapsedMs: performance.now() - startedAt,
  };
}

const resolved = Promise.resolve(null);
const delay = (ms: number) => new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), ms));

export async function checkIn(ticket: TicketInput, context: CheckInContext, services: CheckInServices, startedAt = performance.now()): Promise<CheckInResult> {
  if (ticket.kind === 'invalid') return { verdict: verdictOf(null, ticket, startedAt), serverVerdict: resolved };
  const { db, scanning } = context;
  const deviceNow = Date.now();
  const at = new Date(deviceNow + context.clockOffsetMs);
  let decision = await decideLocally(db, ticket, scanning, at);

  if (decision.verdict.kind === 'unknown' && context.online) {
    // A reservation confirmed seconds ago is not in the manifest yet: fetch the latest changes.
    try {
      await services.refreshManifest(scanning.performance_id, AbortSignal.timeout(REFRESH_UNKNOWN_MS));
      decision = await decideLocally(db, ticket, scanning, at);
    } catch {
      // Offline after all, or slow: unknown it stays.
    }
  }
  const verdict = verdictOf(decision, ticket, startedAt);
  if (decision.verdict.kind !== 'admit' || !decision.entry) return { verdict, serverVerdict: resolved };

  const event: ScanEvent = {
    id: crypto.randomUUID(),
    performance_id: scanning.performance_id,
    ...(ticket.kind === 'token' ? { token_hash: decision.hash } : { code_hash: decision.hash }),
    scanned_at: new Date(deviceNow).toISOString(),
    clock_offset_ms: Math.round(context.clockOffsetMs),
  };
  // Codes have no online route: their scans go to the server through the outbox only.
  const askServer = context.online && ticket.kind === 'token';
  const admitted = { at: at.toISOString(), by: context.staffName, device: context.device.name };
  await admitLocally(db, decision.entry, event, admitted, { hold: askServer });
  verdict.elapsedMs = performance.now() - startedAt;
  if (!askServer) {
    services.queued();
    return { verdict, serverVerdict: resolved };
  }
  return { verdict, serverVerdict: askTheServer(ticket.token, decision.entry.r, event, verdict, context.db, services) };
}

async function askTheServer(token: string, reservationId: number, event: ScanEvent, local: ScanVerdict, db: DoorDb, services: CheckInServices): Promise<ScanVerdict | null> {
  const answer = services.confirm(token, AbortSignal.timeout(CONFIRM_ABORT_MS)).catch((): ConfirmAnswer => ({ kind: 'no_answer' }));
  const inTime = (await Promise.race([answer, delay(SERVER_RULES_MS)])) !== 'late';
  const settled = answer.then((result) => settle(result, inTime, reservationId, event, local, db)).finally(() => services.queued());
  if (!inTime) {
    void settled.catch(() => undefined);
    return null;
  }
  return settled;
}

/**
 * Brings the outbox and the entry in line with the server's answer. In time, the answer also
 * replaces the verdict; late, only an admission is taken as the server's receipt of the scan
 * (anything else goes through the sync, which reports it as a conflict).
 */
async function settle(answer: ConfirmAnswer, inTime: boolean, reservationId: number, event: ScanEvent, local: ScanVerdict, db: DoorDb): Promise<ScanVerdict | null> {
  if (answer.kind === 'admitted') {
    await settleOnline(db, event.id);
    await db.entries.update(reservationId, { c: { at: answer.at, by: answer.by, device: null } });
    return inTime ? { ...local, guestName: local.guestName ?? answer.name, decidedBy: 'server' } : null;
  }
  if (answer.kind === 'no_answer' || !inTime) {
    await releaseHold(db, event.id);
    return null;
  }
  // The server refused, in time: this device did not admit anyone after all.
  await settleOnline(db, event.id);
  if (answer.kind === 'already_admitted') {
    const admitted = { at: answer.at, by: answer.by, device: null };
    await db.entries.update(reservationId, { lc: null, c: admitted });
    return { ...local, kind: 'already_admitted', tone: 'warning', admitted, decidedBy: 'server' };
  }
  await db.entries.update(reservationId, { lc: null, x: true });
  return { ...local, kind: 'revoked', tone: 'refuse', decidedBy: 'server' };
}
