import { decideCheckIn, type TicketState, type Verdict } from '../../../shared/src/check-in-decision.js';
import type { ScanEvent, ScanOutcome, SyncConflict, SyncResponse } from '../../../shared/src/door-contracts.js';
import type { SessionUser } from '../auth/sessions.js';
import type { Db, Tx } from '../db/client.js';
import type { ReservationRow } from '../bookings/booking-repository.js';
import type { ScanResult } from '../db/schema.js';
import type { Env } from '../env.js';
import { AppError, notFound } from '../lib/errors.js';
import { insertAudit } from '../audit/audit-repository.js';
import { lastUndoneAt } from '../check-ins/check-in-repository.js';
import { insertConflictTrail, scanAuthor } from './conflict-trail-repository.js';
import { recordDoorChange } from './door-changes-repository.js';
import { findDevice, scanEventsById, touchDevice } from './door-repository.js';
import {
  checkInsOf,
  checkInWinner,
  duplicateScans,
  insertOfflineCheckIn,
  insertScanEvent,
  lockDevice,
  lockReservationsInOrder,
  markDuplicatesOf,
  partySizeOf,
  performanceTimes,
  reassignCheckIn,
  reservationsByCodeHash,
  ticketsByHash,
  type ScanEventRow,
} from './sync-repository.js';

const VERDICT_RESULT: Record<Verdict['kind'], ScanResult> = {
  admit: 'accepted',
  already_admitted: 'duplicate',
  revoked: 'revoked',
  unknown: 'unknown',
  wrong_performance: 'wrong_performance',
  too_early: 'too_early',
  too_late: 'too_late',
};

interface Resolved {
  reservationId: number;
  performanceId: number;
  partySize: number;
  status: string;
  tokenRevoked: boolean;
}

/**
 * Offline scans reported by door devices. Idempotent by event id: a retried batch gets the
 * stored answers and changes nothing. Every scan is kept; the earliest valid scan of a ticket
 * (by device time corrected with the device's clock offset) is its check-in, and every other
 * scan of it is a duplicate conflict, whichever device made it and whenever it arrives.
 */
export class SyncService {
  constructor(
    private readonly db: Db,
    private readonly env: Env,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async sync(deviceId: string, staff: SessionUser, events: ScanEvent[]): Promise<SyncResponse> {
    const device = await findDevice(this.db, deviceId);
    if (!device) throw notFound('Unknown device: register it again.');
    if (device.revokedAt) throw new AppError('device_revoked', 'This device was revoked: its local data must be erased.');
    await touchDevice(this.db, deviceId, this.now());

    const unique = [...new Map(events.map((e) => [e.id, e])).values()];
    const outcomes = await this.db.transaction((tx) => this.process(tx, device, staff, unique));
    const byId = new Map(outcomes.map((o) => [o.id, o]));
    return {
      results: events.map((e) => byId.get(e.id)!),
      conflicts: await this.conflictsOf(deviceId),
      server_time: this.now().toISOString(),
    };
  }

  private async process(tx: Tx, device: { id: string; name: string }, staff: SessionUser, events: ScanEvent[]): Promise<ScanOutcome[]> {
    const deviceId = device.id;
    const thisScan = { device: device.name, staff: staff.displayName || staff.email };
    // One history row per reservation and batch is enough to tell staff what happened.
    const trailed = new Set<number>();
    // One device's batches run one after the other: a retry racing its original gets its answers.
    await lockDevice(tx, deviceId);
    const known = await scanEventsById(tx, events.map((e) => e.id));
    const outcomes: ScanOutcome[] = await Promise.all(known.map((row) => this.storedOutcome(tx, row)));
    const knownIds = new Set(known.map((k) => k.id));
    const fresh = events.filter((e) => !knownIds.has(e.id));
    if (fresh.length === 0) return outcomes;

    const resolved = await this.resolve(tx, fresh);
    // Lock every reservation touched, in id order: concurrent batches from other devices wait
    // here instead of deadlocking, and see each other's check-ins.
    const reservationIds = [...new Set([...resolved.values()].map((r) => r.reservationId))].sort((a, b) => a - b);
    await lockReservationsInOrder(tx, reservationIds);
    const current = new Map((await checkInsOf(tx, reservationIds)).map((c) => [c.reservationId, c]));
    // Read under the locks: an undo (check-in-service.ts) locks the reservation too.
    const undoneAt = await lastUndoneAt(tx, reservationIds);
    const performanceIds = [...new Set(fresh.map((e) => e.performance_id))];
    const scanned = new Map((await performanceTimes(tx, performanceIds)).map((p) => [p.id, p]));

    // Earliest first: within one batch the first scan of a ticket is the one that admits it.
    const ordered = [...fresh].sort((a, b) => correctedMs(a) - correctedMs(b));
    for (const event of ordered) {
      const correctedAt = new Date(correctedMs(event));
      const ticket = resolved.get(event.id);
      const existing = ticket ? current.get(ticket.reservationId) : undefined;
      const performance = scanned.get(event.performance_id);
      const state: TicketState | undefined = ticket && {
        reservationId: ticket.reservationId,
        performanceId: ticket.performanceId,
        partySize: ticket.partySize,
        revoked: ticket.tokenRevoked || ticket.status !== 'confirmed',
        checkedIn: existing ? { at: existing.checkedInAt.toISOString(), by: null, device: existing.deviceId } : null,
      };
      const verdict: Verdict = performance
        ? decideCheckIn({
            ticket: state,
            performanceId: event.performance_id,
            window: { startsAt: performance.startsAt.toISOString(), opensBeforeMs: this.env.DOOR_OPENS_BEFORE, closesAfterMs: this.env.CHECK_IN_GRACE },
            at: correctedAt.toISOString(),
            performanceCancelled: performance.cancelledAt !== null,
          })
        : { kind: 'unknown' };
      let result = VERDICT_RESULT[verdict.kind];
      let winningEventId: string | null = null;
      const undone = ticket ? undoneAt.get(ticket.reservationId) : undefined;

      if (ticket && existing && existing.eventId === event.id) {
        // This very scan was confirmed online and its answer lost on the way back (the online
        // check-in records the phone's event id): it is the check-in already, not a second scan.
        result = 'accepted';
      } else if (ticket && undone && correctedAt <= undone && (verdict.kind === 'admit' || verdict.kind === 'already_admitted')) {
        // Staff undid this ticket's check-in after this scan was made (it arrives late: the
        // phone was offline, or an online check-in's answer was lost). The undo settled
        // everything before it: the scan let the guest in then, and is stored as such, but it
        // neither brings the check-in back nor takes over one made after the undo.
        result = 'accepted';
      } else if (ticket && verdict.kind === 'admit') {
        const admitted = await insertOfflineCheckIn(tx, { reservationId: ticket.reservationId, checkedInAt: correctedAt, staffUserId: staff.id, deviceId, eventId: event.id });
        current.set(ticket.reservationId, admitted);
        await recordDoorChange(tx, ticket.performanceId, ticket.reservationId);
        await insertAudit(tx, {
          actorUserId: staff.id,
          action: 'check_in.create',
          entityType: 'reservation',
          entityId: ticket.reservationId,
          summary: `${ticket.partySize} seats, offline scan`,
          details: {
            seats: ticket.partySize,
            mode: 'offline',
            scanned_at: correctedAt.toISOString(),
            synced_at: this.now().toISOString(),
            device: { id: deviceId, name: device.name },
          },
        });
      } else if (ticket && verdict.kind === 'already_admitted' && existing) {
        // The same phone (or, for an online check-in, the same staff member) admitting again is
        // one admission reported twice (an online confirmation whose answer was lost): no
        // conflict to tell, in the history.
        const otherAdmitter = existing.deviceId ? existing.deviceId !== deviceId : existing.staffUserId !== staff.id;
        const trail = otherAdmitter && !trailed.has(ticket.reservationId);
        const earlier = trail ? { ...(await scanAuthor(tx, existing.deviceId, existing.staffUserId)), at: existing.checkedInAt.toISOString() } : null;
        if (correctedAt < existing.checkedInAt) {
          // This scan happened first (it arrives late: the device was offline). It becomes the
          // check-in; the scan that had won is now the duplicate.
          await reassignCheckIn(tx, ticket.reservationId, { checkedInAt: correctedAt, staffUserId: staff.id, deviceId, eventId: event.id });
          // The scan that had won, and every scan that had lost to it, now lose to this one:
          // a conflict always names the scan that is the check-in (found by the reliability suite).
          await markDuplicatesOf(tx, ticket.reservationId, event.id, existing.eventId);
          current.set(ticket.reservationId, { ...existing, checkedInAt: correctedAt, staffUserId: staff.id, method: 'offline', deviceId, eventId: event.id });
          await recordDoorChange(tx, ticket.performanceId, ticket.reservationId);
          result = 'accepted';
          if (earlier) {
            await insertConflictTrail(tx, {
              action: 'check_in.reassign',
              reservationId: ticket.reservationId,
              actorUserId: staff.id,
              conflict: { won: { ...thisScan, at: correctedAt.toISOString() }, lost: earlier, rule: 'earliest_corrected_scan' },
            });
          }
        } else {
          winningEventId = existing.eventId;
          if (earlier) {
            await insertConflictTrail(tx, {
              action: 'check_in.duplicate',
              reservationId: ticket.reservationId,
              actorUserId: staff.id,
              conflict: { won: earlier, lost: { ...thisScan, at: correctedAt.toISOString() }, rule: 'earliest_corrected_scan' },
            });
          }
        }
        if (earlier) trailed.add(ticket.reservationId);
      }

      await insertScanEvent(tx, {
        id: event.id,
        deviceId,
        staffUserId: staff.id,
        performanceId: event.performance_id,
        tokenHash: event.token_hash ?? `code:${event.code_hash ?? ''}`,
        reservationId: ticket?.reservationId ?? null,
        scannedAt: new Date(event.scanned_at),
        clockOffsetMs: event.clock_offset_ms,
        correctedAt,
        result,
        winningEventId,
      });
    }
    const stored = await scanEventsById(tx, fresh.map((e) => e.id));
    return [...outcomes, ...(await Promise.all(stored.map((row) => this.storedOutcome(tx, row))))];
  }

  /** Token hashes and code hashes → reservations (a confirmation token's hash is not a ticket). */
  private async resolve(tx: Tx, events: ScanEvent[]): Promise<Map<string, Resolved>> {
    const tokenHashes = events.flatMap((e) => (e.token_hash ? [e.token_hash] : []));
    const codeHashes = events.flatMap((e) => (e.code_hash ? [e.code_hash] : []));
    const byToken = new Map<string, Resolved>();
    if (tokenHashes.length > 0) {
      for (const row of await ticketsByHash(tx, tokenHashes)) byToken.set(row.hash, toResolved(row.reservation, row.revokedAt !== null));
    }
    const byCode = new Map<string, Resolved>();
    if (codeHashes.length > 0) {
      const performanceIds = [...new Set(events.map((e) => e.performance_id))];
      for (const row of await reservationsByCodeHash(tx, performanceIds, codeHashes)) byCode.set(row.hash, toResolved(row.reservation, false));
    }
    const resolved = new Map<string, Resolved>();
    for (const event of events) {
      const found = event.token_hash ? byToken.get(event.token_hash) : event.code_hash ? byCode.get(event.code_hash) : undefined;
      if (found) resolved.set(event.id, found);
    }
    return resolved;
  }

  private async storedOutcome(tx: Tx, row: ScanEventRow): Promise<ScanOutcome> {
    const partySize = row.reservationId ? await partySizeOf(tx, row.reservationId) : undefined;
    let winner: ScanOutcome['winner'] = null;
    if (row.result === 'duplicate' && row.reservationId) {
      const won = await checkInWinner(tx, row.reservationId);
      if (won) winner = { event_id: won.eventId, at: won.at.toISOString(), device: won.device, staff: won.staff || won.staffEmail };
    }
    return { id: row.id, result: row.result, reservation_id: row.reservationId, party_size: partySize ?? null, winner };
  }

  /** Every duplicate scan of a performance, for the staff admin. */
  async conflictsOfPerformance(performanceId: number): Promise<SyncConflict[]> {
    return this.conflicts({ performanceId });
  }

  /** Duplicates that involve this device, as the losing scan or as the scan that won. */
  async conflictsOf(deviceId: string): Promise<SyncConflict[]> {
    return this.conflicts({ deviceId });
  }

  private async conflicts(of: Parameters<typeof duplicateScans>[1]): Promise<SyncConflict[]> {
    const rows = await duplicateScans(this.db, of);
    return rows.map((r) => ({
      event_id: r.event.id,
      reservation_id: r.event.reservationId,
      guest_name: r.guestName,
      scanned_at: r.event.correctedAt.toISOString(),
      device: r.device,
      winner: r.winnerEventId ? { event_id: r.winnerEventId, at: r.winnerAt!.toISOString(), device: r.winnerDevice } : null,
    }));
  }
}

function correctedMs(event: ScanEvent): number {
  return Date.parse(event.scanned_at) + event.clock_offset_ms;
}

function toResolved(reservation: ReservationRow, tokenRevoked: boolean): Resolved {
  return {
    reservationId: reservation.id,
    performanceId: reservation.performanceId,
    partySize: reservation.partySize,
    status: reservation.status,
    tokenRevoked,
  };
}
