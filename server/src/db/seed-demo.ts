import type { Database } from './client.js';
import { performances, shows, users, venues } from './schema.js';
import { hashPassword } from '../auth/passwords.js';
import { zonedDateTime } from '../lib/dates.js';

export const DEMO_ADMIN = { email: 'admin@azionelab.local', password: 'azionelab-demo' } as const;

/**
 * Demo data for a first look: one venue, two published shows with performances in the coming
 * weeks, and one admin. Only on an empty database and never in production (main.ts).
 */
export async function seedDemoData(database: Database, timeZone: string, now = new Date()): Promise<boolean> {
  const { db } = database;
  const existing = await db.select({ id: venues.id }).from(venues).limit(1);
  if (existing.length > 0) return false;

  const at = (days: number, hour: number) => {
    const d = new Date(now.getTime() + days * 86_400_000);
    return zonedDateTime({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour }, timeZone);
  };

  await db.transaction(async (tx) => {
    const [sala] = await tx.insert(venues).values({ name: 'Sala Grande', capacity: 80 }).returning();
    const [cherry, clowns] = await tx
      .insert(shows)
      .values([
        {
          title: 'Il giardino dei ciliegi',
          slug: 'il-giardino-dei-ciliegi',
          description: 'Čechov riletto dalla compagnia di AzioneLab: una famiglia, una casa, un giardino da salvare.',
          published: true,
        },
        {
          title: 'Clown in libertà',
          slug: 'clown-in-liberta',
          description: 'Teatro fisico e improvvisazione per tutte le età.',
          published: true,
        },
      ])
      .returning();
    await tx.insert(performances).values([
      { showId: cherry!.id, venueId: sala!.id, startsAt: at(3, 21) },
      { showId: cherry!.id, venueId: sala!.id, startsAt: at(4, 21), additionalSeats: 10 },
      { showId: cherry!.id, venueId: sala!.id, startsAt: at(10, 21), bookingOpen: false },
      { showId: clowns!.id, venueId: sala!.id, startsAt: at(5, 18) },
      { showId: clowns!.id, venueId: sala!.id, startsAt: at(12, 18), manuallyOccupiedSeats: 70 },
    ]);
    await tx.insert(users).values({
      email: DEMO_ADMIN.email,
      displayName: 'Demo admin',
      passwordHash: await hashPassword(DEMO_ADMIN.password),
      role: 'admin',
    });
  });
  return true;
}
