/**
 * The door's verdict for one scan: one pure function, used by the server (online check-in and
 * offline sync) and by the door app with no network. Same inputs, same answer, everywhere.
 */

export interface TicketState {
  reservationId: number;
  performanceId: number;
  partySize: number;
  /** Cancelled reservation or replaced ticket. */
  revoked: boolean;
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
  | { kind: 'revoked'; reservationId: number }
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
}): Verdict {
  const { ticket } = input;
  if (!ticket) return { kind: 'unknown' };
  const reservationId = ticket.reservationId;
  if (ticket.performanceId !== input.performanceId) {
    return { kind: 'wrong_performance', reservationId, performanceId: ticket.performanceId };
  }
  if (ticket.revoked) return { kind: 'revoked', reservationId };
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
