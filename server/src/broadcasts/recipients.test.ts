import { describe, expect, it } from 'vitest';
import { parseRate } from '../lib/durations.js';
import { addressees, paced, type Guest } from './recipients.js';

const guest = (overrides: Partial<Guest>): Guest => ({ email: 'a@example.com', name: 'Anna', locale: 'it', reservationId: 1, partySize: 2, ticket: true, ...overrides });

describe('addressees', () => {
  it('writes once per address, whatever its case, and counts guests without one', () => {
    const { addressees: to, withoutEmail } = addressees([
      guest({ email: 'Family@Example.com', name: 'Mamma', locale: 'en', reservationId: 1, partySize: 3 }),
      guest({ email: 'family@example.com', name: 'Papà', reservationId: 2, partySize: 1 }),
      guest({ email: 'solo@example.com', name: 'Solo', reservationId: 3 }),
      guest({ email: null, reservationId: 4 }),
      guest({ email: '  ', reservationId: 5 }),
    ]);
    expect(withoutEmail).toBe(2);
    expect(to).toEqual([
      // One email for the family: in the language and with the name of its first booking.
      { recipient: 'family@example.com', name: 'Mamma', locale: 'en', partySize: 4, reservationId: null, ticketLinks: false },
      { recipient: 'solo@example.com', name: 'Solo', locale: 'it', partySize: 2, reservationId: 3, ticketLinks: true },
    ]);
  });

  it('links a ticket only for one confirmed reservation alone at its address', () => {
    const pending = addressees([guest({ ticket: false })]).addressees[0]!;
    expect(pending).toMatchObject({ reservationId: 1, ticketLinks: false });
    const alsoWaiting = addressees([guest({}), guest({ reservationId: null, partySize: 0, ticket: false })]).addressees[0]!;
    expect(alsoWaiting).toMatchObject({ reservationId: null, ticketLinks: false, partySize: 2 });
    const waiting = addressees([guest({ reservationId: null, partySize: 0, ticket: false })]).addressees[0]!;
    expect(waiting).toMatchObject({ reservationId: null, ticketLinks: false, partySize: 0 });
  });
});

describe('paced', () => {
  it('lets `limit` emails go per window', () => {
    const start = new Date('2026-12-03T10:00:00Z');
    const pace = parseRate('3/minute');
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => (paced(start, i, pace).getTime() - start.getTime()) / 60_000)).toEqual([0, 0, 0, 1, 1, 1, 2]);
    expect(paced(start, 250, parseRate('100/10m')).getTime() - start.getTime()).toBe(2 * 600_000);
  });
});
