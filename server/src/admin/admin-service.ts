import type { z } from 'zod';
import type {
  performanceCreateSchema,
  performanceUpdateSchema,
  showCreateSchema,
  showUpdateSchema,
  venueCreateSchema,
  venueUpdateSchema,
} from '../../../shared/src/contracts.js';
import { availableSeats } from '../../../shared/src/availability.js';
import { listPerformancesWithSeats } from '../catalog/catalog-repository.js';
import { listReservationsForPerformance } from '../bookings/booking-repository.js';
import type { Db } from '../db/client.js';
import { performances } from '../db/schema.js';
import { AppError, notFound, validationError } from '../lib/errors.js';
import { eq } from 'drizzle-orm';
import {
  findPerformance,
  findShowById,
  findShowBySlug,
  findVenue,
  insertPerformance,
  insertShow,
  insertVenue,
  listShows,
  listVenues,
  updatePerformance,
  updateShow,
  updateVenue,
} from './admin-repository.js';

type PerformanceCreate = z.infer<typeof performanceCreateSchema>;
type PerformanceUpdate = z.infer<typeof performanceUpdateSchema>;

/** "Il Giardino dei Ciliegi!" → "il-giardino-dei-ciliegi". */
export function slugify(title: string): string {
  return (
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 100) || 'show'
  );
}

export const venueJson = (v: { id: number; name: string; capacity: number }) => ({ id: v.id, name: v.name, capacity: v.capacity });
export const adminShowJson = (s: { id: number; title: string; slug: string; description: string; published: boolean }) => ({
  id: s.id,
  title: s.title,
  slug: s.slug,
  description: s.description,
  published: s.published,
});

/** Staff-side management of the season. Reads show seat counts; writes validate references. */
export class AdminService {
  constructor(private readonly db: Db) {}

  venues = async () => (await listVenues(this.db)).map(venueJson);

  async createVenue(input: z.infer<typeof venueCreateSchema>) {
    return venueJson(await insertVenue(this.db, input));
  }

  async updateVenue(id: number, input: z.infer<typeof venueUpdateSchema>) {
    const venue = await updateVenue(this.db, id, input);
    if (!venue) throw notFound('Venue not found.');
    return venueJson(venue);
  }

  shows = async () => (await listShows(this.db)).map(adminShowJson);

  async createShow(input: z.infer<typeof showCreateSchema>) {
    const slug = input.slug ?? (await this.freeSlug(slugify(input.title)));
    if (await findShowBySlug(this.db, slug)) {
      throw validationError({ slug: ['Another show already uses this slug.'] });
    }
    return adminShowJson(await insertShow(this.db, { ...input, slug }));
  }

  async updateShow(id: number, input: z.infer<typeof showUpdateSchema>) {
    if (input.slug) {
      const other = await findShowBySlug(this.db, input.slug);
      if (other && other.id !== id) throw validationError({ slug: ['Another show already uses this slug.'] });
    }
    const show = await updateShow(this.db, id, input);
    if (!show) throw notFound('Show not found.');
    return adminShowJson(show);
  }

  async performances(filter: { showId?: number }) {
    const rows = await listPerformancesWithSeats(this.db, filter.showId ? eq(performances.showId, filter.showId) : undefined);
    return rows.map((p) => this.performanceJson(p));
  }

  async performance(id: number) {
    const [row] = await listPerformancesWithSeats(this.db, eq(performances.id, id));
    if (!row) throw notFound('Performance not found.');
    return this.performanceJson(row);
  }

  async createPerformance(input: PerformanceCreate) {
    await this.assertReferences(input);
    const created = await insertPerformance(this.db, {
      showId: input.show_id,
      venueId: input.venue_id,
      startsAt: new Date(input.starts_at),
      additionalSeats: input.additional_seats ?? 0,
      manuallyOccupiedSeats: input.manually_occupied_seats ?? 0,
      bookingOpen: input.booking_open ?? true,
    });
    return this.performance(created.id);
  }

  async updatePerformance(id: number, input: PerformanceUpdate) {
    if (!(await findPerformance(this.db, id))) throw notFound('Performance not found.');
    await this.assertReferences(input);
    await updatePerformance(this.db, id, {
      ...(input.show_id !== undefined && { showId: input.show_id }),
      ...(input.venue_id !== undefined && { venueId: input.venue_id }),
      ...(input.starts_at !== undefined && { startsAt: new Date(input.starts_at) }),
      ...(input.additional_seats !== undefined && { additionalSeats: input.additional_seats }),
      ...(input.manually_occupied_seats !== undefined && { manuallyOccupiedSeats: input.manually_occupied_seats }),
      ...(input.booking_open !== undefined && { bookingOpen: input.booking_open }),
    });
    return this.performance(id);
  }

  async reservations(performanceId: number) {
    if (!(await findPerformance(this.db, performanceId))) throw notFound('Performance not found.');
    const rows = await listReservationsForPerformance(this.db, performanceId);
    // Tokens and their hashes are never part of a staff view (seeds: admin token visibility fix).
    return rows.map((r) => ({
      id: r.id,
      performance_id: r.performanceId,
      name: r.name,
      email: r.email,
      phone: r.phone,
      notes: r.notes,
      party_size: r.partySize,
      status: r.status,
      source: r.source,
      created_at: r.createdAt.toISOString(),
      confirmed_at: r.confirmedAt?.toISOString() ?? null,
      cancelled_at: r.cancelledAt?.toISOString() ?? null,
    }));
  }

  private async assertReferences(input: { show_id?: number | undefined; venue_id?: number | undefined }) {
    const errors: Record<string, string[]> = {};
    if (input.show_id !== undefined && !(await findShowById(this.db, input.show_id))) errors.show_id = ['Unknown show.'];
    if (input.venue_id !== undefined && !(await findVenue(this.db, input.venue_id))) errors.venue_id = ['Unknown venue.'];
    if (Object.keys(errors).length > 0) throw new AppError('validation_error', 'The request is not valid.', { errors });
  }

  private async freeSlug(base: string): Promise<string> {
    for (let n = 1; ; n += 1) {
      const candidate = n === 1 ? base : `${base}-${n}`;
      if (!(await findShowBySlug(this.db, candidate))) return candidate;
    }
  }

  private performanceJson(p: Awaited<ReturnType<typeof listPerformancesWithSeats>>[number]) {
    return {
      id: p.id,
      show_id: p.showId,
      venue_id: p.venueId,
      venue_name: p.venueName,
      starts_at: p.startsAt.toISOString(),
      capacity: p.capacity,
      additional_seats: p.additionalSeats,
      manually_occupied_seats: p.manuallyOccupiedSeats,
      booking_open: p.bookingOpen,
      confirmed_seats: p.confirmedSeats,
      pending_seats: p.pendingSeats,
      available_seats: availableSeats(p),
    };
  }
}
