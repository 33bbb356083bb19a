import type { RevokedWhy } from '../../../../shared/src/check-in-decision';
import type { DoorPerformance } from '../../../../shared/src/door-contracts';
import { ApiError, api } from '../../lib/api';

/*
 * The server's word on a scan, from `POST /api/check-ins/confirm` (a scanned ticket) or
 * `POST /api/check-ins/confirm-code` (a typed reservation code), shared/src/check-in-contracts.ts.
 * The door names the performance it scans for, so the server judges the scan with the same
 * decision as the device: another night or outside the door window is a refusal with a reason.
 */

/** The night a ticket of another performance is for: what the refusal names of it (`data.performance`). */
export type OtherNight = Pick<DoorPerformance, 'id' | 'show_title' | 'starts_at'>;

export type ConfirmAnswer =
  | { kind: 'admitted'; name: string; at: string; by: string | null; reservationId?: number; partySize?: number }
  | { kind: 'already_admitted'; at: string; by: string | null; device: string | null }
  /** The server would not admit it, and why. */
  | {
      kind: 'refused';
      reason: 'revoked' | 'unknown' | 'wrong_performance' | 'too_early' | 'too_late';
      /** For `revoked`: cancelled, or the whole performance cancelled. */
      why?: RevokedWhy;
      performance?: OtherNight;
      opensAt?: string;
    }
  /** Offline, slow, throttled, signed out...: the device's verdict stands. */
  | { kind: 'no_answer' };

/** What the phone asks the server about: a scanned ticket, or a code staff typed. */
export type OnlineTicket = { kind: 'token'; token: string } | { kind: 'code'; code: string };

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function otherNight(value: unknown): OtherNight | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, show_title, starts_at } = value as Record<string, unknown>;
  return typeof id === 'number' && typeof show_title === 'string' && typeof starts_at === 'string' ? { id, show_title, starts_at } : undefined;
}

/**
 * Longer than the door's interactive deadline: an answer after the CHECKING budget is still
 * wanted, since a late refusal is shown as STOP.
 */
const CONFIRM_TIMEOUT_MS = 8_000;

/** The scan as the door queued it: the server records it with the check-in. */
export interface DoorScan {
  performanceId: number;
  deviceId: string;
  eventId: string;
}

export async function confirmOnline(ticket: OnlineTicket, scan: DoorScan, signal: AbortSignal): Promise<ConfirmAnswer> {
  const door = { performance_id: scan.performanceId, device_id: scan.deviceId, event_id: scan.eventId };
  const options = { signal, timeoutMs: CONFIRM_TIMEOUT_MS };
  try {
    const answer =
      ticket.kind === 'token'
        ? await api.post('/api/check-ins/confirm', { body: { token: ticket.token, ...door }, ...options })
        : await api.post('/api/check-ins/confirm-code', { body: { code: ticket.code, ...door }, ...options });
    return {
      kind: 'admitted',
      name: answer.name,
      at: answer.checked_in_at ?? new Date().toISOString(),
      by: answer.checked_in_by,
      reservationId: answer.reservation_id,
      partySize: answer.party_size,
    };
  } catch (error) {
    return error instanceof ApiError ? refusalOf(error) : { kind: 'no_answer' };
  }
}

function refusalOf(error: ApiError): ConfirmAnswer {
  const { data } = error;
  switch (error.code) {
    case 'already_checked_in':
      return { kind: 'already_admitted', at: text(data.checked_in_at) ?? new Date().toISOString(), by: text(data.checked_in_by), device: text(data.checked_in_device) };
    // A token the server does not know (any more): replaced, or never issued. A code no reservation has.
    case 'invalid_token':
    case 'unknown_code':
      return { kind: 'refused', reason: 'unknown' };
    case 'reservation_not_confirmed':
      return { kind: 'refused', reason: 'revoked', why: 'cancelled' };
    case 'performance_cancelled':
      return { kind: 'refused', reason: 'revoked', why: 'performance_cancelled' };
    case 'wrong_performance': {
      const performance = otherNight(data.performance);
      return { kind: 'refused', reason: 'wrong_performance', ...(performance && { performance }) };
    }
    case 'too_early':
      return { kind: 'refused', reason: 'too_early', ...(text(data.opens_at) && { opensAt: text(data.opens_at)! }) };
    case 'too_late':
      return { kind: 'refused', reason: 'too_late' };
    default:
      return { kind: 'no_answer' };
  }
}
