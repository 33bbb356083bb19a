import { randomBytes } from 'node:crypto';
import { sealGuest } from '../../../shared/src/guest-seal.js';
import type { Db } from '../db/client.js';
import { doorChanges, performances, reservations, reservationTokens, shows, venues } from '../db/schema.js';
import { generateReservationCode, generateToken, hashToken } from '../lib/tokens.js';

/**
 * A performance with thousands of confirmed tickets, written in a few multi-row inserts: what
 * the booking flow would leave behind (confirmed reservation with a code, check-in token hash,
 * sealed guest name, door change), without going through a confirmation each. For the door's
 * volume tests and benchmarks; the booking flow itself is covered by its own tests.
 */

export interface BulkTicket {
  reservationId: number;
  rawToken: string;
  tokenHash: string;
  code: string;
  partySize: number;
}

export async function aPerformanceWithTickets(
  db: Db,
  options: { tickets: number; startsAt: Date; partySize?: (i: number) => number },
): Promise<{ performanceId: number; tickets: BulkTicket[] }> {
  const sizes = Array.from({ length: options.tickets }, (_, i) => options.partySize?.(i) ?? 1);
  const seats = sizes.reduce((a, b) => a + b, 0);
  const [venue] = await db.insert(venues).values({ name: `Sala grande ${randomBytes(3).toString('hex')}`, capacity: seats }).returning();
  const [show] = await db
    .insert(shows)
    .values({ title: 'Serata piena', slug: `serata-piena-${randomBytes(4).toString('hex')}`, published: true })
    .returning();
  const [performance] = await db.insert(performances).values({ showId: show!.id, venueId: venue!.id, startsAt: options.startsAt }).returning();
  const tickets: BulkTicket[] = [];
  const chunk = 500;
  const now = new Date();
  for (let start = 0; start < sizes.length; start += chunk) {
    const part = sizes.slice(start, start + chunk);
    const rows = await db
      .insert(reservations)
      .values(
        part.map((partySize, i) => ({
          performanceId: performance!.id,
          name: `Ospite ${start + i + 1}`,
          email: `ospite${start + i + 1}@example.com`,
          partySize,
          status: 'confirmed' as const,
          code: generateReservationCode(),
          confirmedAt: now,
        })),
      )
      .returning({ id: reservations.id, code: reservations.code, partySize: reservations.partySize, name: reservations.name });
    const issued = await Promise.all(
      rows.map(async (row) => {
        const rawToken = generateToken();
        return {
          ticket: { reservationId: row.id, rawToken, tokenHash: hashToken(rawToken), code: row.code!, partySize: row.partySize },
          sealedGuest: await sealGuest(rawToken, { name: row.name, code: row.code! }),
        };
      }),
    );
    await db.insert(reservationTokens).values(
      issued.map(({ ticket, sealedGuest }) => ({
        reservationId: ticket.reservationId,
        purpose: 'check_in' as const,
        tokenHash: ticket.tokenHash,
        expiresAt: new Date(options.startsAt.getTime() + 6 * 3_600_000),
        sealedGuest,
      })),
    );
    // The door change each confirmation records: manifests count from these (`seq`).
    await db.insert(doorChanges).values(issued.map(({ ticket }) => ({ performanceId: performance!.id, reservationId: ticket.reservationId })));
    tickets.push(...issued.map((i) => i.ticket));
  }
  return { performanceId: performance!.id, tickets };
}
