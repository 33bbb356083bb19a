import { describe, expect, it } from 'vitest';
import { decideCheckIn, DEFAULT_DOOR_WINDOW, type TicketState } from './check-in-decision.js';

const window = { startsAt: '2026-12-05T20:00:00.000Z', ...DEFAULT_DOOR_WINDOW };
const ticket = (over: Partial<TicketState> = {}): TicketState => ({
  reservationId: 7,
  performanceId: 3,
  partySize: 2,
  revoked: false,
  checkedIn: null,
  ...over,
});
const decide = (t: TicketState | undefined, at = '2026-12-05T19:30:00.000Z', performanceId = 3) =>
  decideCheckIn({ ticket: t, performanceId, window, at });

describe('the door decision', () => {
  it('admits a valid ticket during the door window', () => {
    expect(decide(ticket())).toEqual({ kind: 'admit', reservationId: 7, partySize: 2 });
  });

  it('says who admitted a ticket already', () => {
    const checkedIn = { at: '2026-12-05T19:20:00.000Z', by: 'Giulia', device: 'Door 2' };
    expect(decide(ticket({ checkedIn }))).toEqual({ kind: 'already_admitted', reservationId: 7, partySize: 2, ...checkedIn });
  });

  it('refuses unknown, revoked, other-performance, early and late tickets, in that order of precedence', () => {
    expect(decide(undefined)).toEqual({ kind: 'unknown' });
    expect(decide(ticket({ performanceId: 4, revoked: true }))).toMatchObject({ kind: 'wrong_performance', performanceId: 4 });
    expect(decide(ticket({ revoked: true }), '2026-12-01T10:00:00.000Z')).toMatchObject({ kind: 'revoked' });
    expect(decide(ticket(), '2026-12-05T16:59:59.000Z')).toEqual({ kind: 'too_early', reservationId: 7, opensAt: '2026-12-05T17:00:00.000Z' });
    expect(decide(ticket(), '2026-12-05T17:00:00.000Z').kind).toBe('admit');
    expect(decide(ticket(), '2026-12-06T02:00:01.000Z').kind).toBe('too_late');
  });

  it('says why a ticket is revoked when its source says, and a cancelled performance before anything else of the ticket', () => {
    expect(decide(ticket({ revoked: true, revokedWhy: 'replaced' }))).toEqual({ kind: 'revoked', reservationId: 7, why: 'replaced' });
    expect(decide(ticket({ revoked: true }))).toEqual({ kind: 'revoked', reservationId: 7, why: null });
    const cancelledNight = (t: TicketState, at = '2026-12-05T19:30:00.000Z') =>
      decideCheckIn({ ticket: t, performanceId: 3, window, at, performanceCancelled: true });
    for (const t of [ticket(), ticket({ revoked: true, revokedWhy: 'cancelled' }), ticket({ checkedIn: { at: '2026-12-05T19:00:00.000Z', by: null, device: null } })]) {
      expect(cancelledNight(t)).toEqual({ kind: 'revoked', reservationId: 7, why: 'performance_cancelled' });
    }
    // Even outside the door window: the guest needs to hear that the night is cancelled, not that they are early.
    expect(cancelledNight(ticket(), '2026-12-01T10:00:00.000Z').kind).toBe('revoked');
    // Another night's ticket is still "other performance".
    expect(cancelledNight(ticket({ performanceId: 4 })).kind).toBe('wrong_performance');
  });
});
