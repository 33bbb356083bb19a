import { decideCheckIn, type TicketState, type Verdict } from '../../../../shared/src/check-in-decision';
import { openGuest } from '../../../../shared/src/guest-seal';
import { sha256Hex, type ManifestPerformance } from '../../../../shared/src/manifest';
import type { DoorDb, StoredEntry, StoredManifest } from '../data/door-db';
import { findByCodeHash, findByTokenHash } from '../data/manifest-store';
import type { TicketInput } from './ticket-input';

/*
 * The door's verdict with no network: the scanned token (or typed code) is hashed, looked up in
 * the manifest entries, and judged by the same pure function the server uses
 * (shared/src/check-in-decision.ts), at the device's time corrected by the server clock offset.
 */

export type TicketPresented = Exclude<TicketInput, { kind: 'invalid' }>;

export interface LocalDecision {
  verdict: Verdict;
  entry: StoredEntry | undefined;
  /** SHA-256 of the token or of the normalized code: what the outbox event carries. */
  hash: string;
  /** Opened from the manifest with the scanned token; never available from a typed code. */
  guestName: string | null;
  /** For a ticket of another performance whose manifest is on this device too. */
  otherPerformance: ManifestPerformance | null;
}

export function ticketStateOf(entry: StoredEntry): TicketState {
  return {
    reservationId: entry.r,
    performanceId: entry.p,
    partySize: entry.n,
    revoked: entry.x === true,
    // The server's record first; otherwise what this device admitted and has not sent yet.
    checkedIn: entry.c ?? entry.lc ?? null,
  };
}

export function doorWindowOf(performance: ManifestPerformance) {
  return { startsAt: performance.starts_at, opensBeforeMs: performance.opens_before_ms, closesAfterMs: performance.closes_after_ms };
}

async function lookUp(db: DoorDb, ticket: TicketPresented, performanceId: number): Promise<{ hash: string; entry: StoredEntry | undefined }> {
  if (ticket.kind === 'reservation') {
    const entry = await db.entries.get(ticket.reservationId);
    // Without a code hash the server could not be told which reservation this was.
    return entry?.k ? { hash: entry.k, entry } : { hash: '', entry: undefined };
  }
  const hash = await sha256Hex(ticket.kind === 'token' ? ticket.token : ticket.code);
  const entry = ticket.kind === 'token' ? await findByTokenHash(db, hash) : await findByCodeHash(db, hash, performanceId);
  return { hash, entry };
}

export async function decideLocally(db: DoorDb, ticket: TicketPresented, scanning: StoredManifest, at: Date): Promise<LocalDecision> {
  const { hash, entry } = await lookUp(db, ticket, scanning.performance_id);
  const verdict = decideCheckIn({
    ticket: entry && ticketStateOf(entry),
    performanceId: scanning.performance_id,
    window: doorWindowOf(scanning.performance),
    at: at.toISOString(),
  });
  const [guest, other] = await Promise.all([
    ticket.kind === 'token' && entry?.g ? openGuest(ticket.token, entry.g) : null,
    verdict.kind === 'wrong_performance' ? db.manifests.get(verdict.performanceId) : undefined,
  ]);
  return { verdict, entry, hash, guestName: guest?.name ?? null, otherPerformance: other?.performance ?? null };
}
