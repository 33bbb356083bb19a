/**
 * The door's verdict for one scan: one pure function, used by the server (online check-in and
 * offline sync) and by the door app with no network. Same inputs, same answer, everywhere.
 */

/**
 * Why a ticket no longer works, when it is known: its reservation was cancelled, a newer ticket
 * replaced it, or staff cancelled the whole performance (the door says so: the guest is not at
 * fault and has been emailed).
 */
export type RevokedWhy = 'cancelled' | 'replaced' | 'performance_cancelled';

export interface TicketState {
  reservationId: number;
  performanceId: number;
  partySize: number;
  /** Cancelled reservation or replaced ticket. */
  revoked: boolean;
  /** Why it is revoked, when the source says (a manifest's refused set, the server's rows). */
  revokedWhy?: RevokedWhy | null;
  checkedIn: { at: string; by: string | null; device: string | null } | null;
}

export interface DoorWindow {
  startsAt: string;
  /** Doors open this long before the start… */
  opensBeforeMs: number;
  /** …and tickets stop working this long after it. */
  closesAfterMs: number;
}

export type Verdict =
  | { kind: 'admit'; reservationId: number; partySize: number }
  | { kind: 'already_admitted'; reservationId: number; partySize: number; at: string; by: string | null; device: string | null }
  | { kind: 'revoked'; reservationId: number; why: RevokedWhy | null }
  | { kind: 'wrong_performance'; reservationId: number; performanceId: number }
  | { kind: 'too_early'; reservationId: number; opensAt: string }
  | { kind: 'too_late'; reservationId: number }
  | { kind: 'unknown' };

export const DEFAULT_DOOR_WINDOW = { opensBeforeMs: 3 * 3_600_000, closesAfterMs: 6 * 3_600_000 } as const;

export function decideCheckIn(input: {
  ticket: TicketState | undefined;
  /** The performance the door is scanning for. */
  performanceId: number;
  window: DoorWindow;
  /** Corrected scan time (ISO). */
  at: string;
  /** Staff cancelled the performance being scanned: every ticket of it refuses, with that reason. */
  performanceCancelled?: boolean;
}): Verdict {
  const { ticket } = input;
  if (!ticket) return { kind: 'unknown' };
  const reservationId = ticket.reservationId;
  if (ticket.performanceId !== input.performanceId) {
    return { kind: 'wrong_performance', reservationId, performanceId: ticket.performanceId };
  }
  // Before the ticket's own state: a cancelled performance is the reason a guest needs to hear,
  // whatever else happened to the reservation.
  if (input.performanceCancelled) return { kind: 'revoked', reservationId, why: 'performance_cancelled' };
  if (ticket.revoked) return { kind: 'revoked', reservationId, why: ticket.revokedWhy ?? null };
  const at = Date.parse(input.at);
  const starts = Date.parse(input.window.startsAt);
  if (at < starts - input.window.opensBeforeMs) {
    return { kind: 'too_early', reservationId, opensAt: new Date(starts - input.window.opensBeforeMs).toISOString() };
  }
  if (at > starts + input.window.closesAfterMs) return { kind: 'too_late', reservationId };
  if (ticket.checkedIn) {
    return { kind: 'already_admitted', reservationId, partySize: ticket.partySize, ...ticket.checkedIn };
  }
  return { kind: 'admit', reservationId, partySize: ticket.partySize };
}
