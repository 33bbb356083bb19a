import { decideCheckIn, type RevokedWhy, type TicketState, type Verdict } from '../../../../shared/src/check-in-decision';
import { openGuest } from '../../../../shared/src/guest-seal';
import { sha256Hex, type ManifestPerformance } from '../../../../shared/src/manifest';
import type { DoorDb, StoredEntry, StoredManifest, StoredMark } from '../data/door-db';
import { findByCodeHash, findByTokenHash, findCodeMark, findMark } from '../data/manifest-store';
import type { TicketInput } from './ticket-input';

/*
 * The door's verdict with no network: the scanned token (or typed code) is hashed, looked up in
 * the manifest entries, and judged by the same pure function the server uses
 * (shared/src/check-in-decision.ts), at the device's time corrected by the server clock offset.
 * A token no entry knows is looked up by its hash prefix among the marks (cancelled, replaced,
 * another night of the show), and a typed code by its code's prefix (another night), so the
 * screen says why it is refused.
 */

export type TicketPresented = Exclude<TicketInput, { kind: 'invalid' }>;

export interface LocalDecision {
  verdict: Verdict;
  entry: StoredEntry | undefined;
  /** SHA-256 of the token or of the normalized code: what the outbox event carries. */
  hash: string;
  /** Opened from the manifest with the scanned token; never available from a typed code. */
  guestName: string | null;
  /** For a ticket of another performance: from its manifest on this device, or from a mark. */
  otherPerformance: OtherPerformanceShown | null;
  /** For a refused ticket, when the manifest said why. */
  revokedWhy: RevokedWhy | null;
}

/** What the screen says of the night a ticket is for. */
export type OtherPerformanceShown = Pick<ManifestPerformance, 'show_title' | 'starts_at'>;

export function ticketStateOf(entry: StoredEntry): TicketState {
  return {
    reservationId: entry.r,
    performanceId: entry.p,
    partySize: entry.n,
    revoked: entry.x === true,
    revokedWhy: entry.why ?? null,
    // The server's record first; otherwise what this device admitted and has not sent yet.
    checkedIn: entry.c ?? entry.lc ?? null,
  };
}

/**
 * A ticket known only by its mark. It is always revoked: a prefix may refuse but never admit
 * (for another night's ticket the decision says "wrong performance" before it looks at that).
 */
export function ticketStateOfMark(mark: StoredMark): TicketState {
  return { reservationId: mark.r, performanceId: mark.p, partySize: 0, revoked: true, revokedWhy: mark.why ?? null, checkedIn: null };
}

export function doorWindowOf(performance: ManifestPerformance) {
  return { startsAt: performance.starts_at, opensBeforeMs: performance.opens_before_ms, closesAfterMs: performance.closes_after_ms };
}

interface Found {
  hash: string;
  entry: StoredEntry | undefined;
  mark?: StoredMark | undefined;
}

async function lookUp(db: DoorDb, ticket: TicketPresented, performanceId: number): Promise<Found> {
  if (ticket.kind === 'reservation') {
    const entry = await db.entries.get(ticket.reservationId);
    // Without a code hash the server could not be told which reservation this was.
    return entry?.k ? { hash: entry.k, entry } : { hash: '', entry: undefined };
  }
  const hash = await sha256Hex(ticket.kind === 'token' ? ticket.token : ticket.code);
  if (ticket.kind === 'code') {
    const entry = await findByCodeHash(db, hash, performanceId);
    return { hash, entry, mark: entry ? undefined : await findCodeMark(db, hash, performanceId) };
  }
  const entry = await findByTokenHash(db, hash);
  return { hash, entry, mark: entry ? undefined : await findMark(db, hash, performanceId) };
}

/** The other night's start and title: from its manifest if this device has it, else from the mark. */
async function otherPerformanceOf(db: DoorDb, performanceId: number, mark: StoredMark | undefined): Promise<OtherPerformanceShown | null> {
  const stored = await db.manifests.get(performanceId);
  if (stored) return stored.performance;
  if (!mark?.starts_at) return null;
  // Marks of other nights come with the manifest of the same show: its title is theirs.
  const from = await db.manifests.get(mark.m);
  return from ? { show_title: from.performance.show_title, starts_at: mark.starts_at } : null;
}

export async function decideLocally(db: DoorDb, ticket: TicketPresented, scanning: StoredManifest, at: Date): Promise<LocalDecision> {
  const { hash, entry, mark } = await lookUp(db, ticket, scanning.performance_id);
  const verdict = decideCheckIn({
    ticket: entry ? ticketStateOf(entry) : mark && ticketStateOfMark(mark),
    performanceId: scanning.performance_id,
    window: doorWindowOf(scanning.performance),
    at: at.toISOString(),
    performanceCancelled: Boolean(scanning.performance.cancelled_at),
  });
  const [guest, other] = await Promise.all([
    ticket.kind === 'token' && entry?.g ? openGuest(ticket.token, entry.g) : null,
    verdict.kind === 'wrong_performance' ? otherPerformanceOf(db, verdict.performanceId, mark) : null,
  ]);
  const revokedWhy = verdict.kind === 'revoked' ? verdict.why : null;
  return { verdict, entry, hash, guestName: guest?.name ?? null, otherPerformance: other, revokedWhy };
}
