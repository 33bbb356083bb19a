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
});
