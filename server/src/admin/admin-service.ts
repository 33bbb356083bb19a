import type { z } from 'zod';
import type {
  AdminPerformance,
  AdminShow,
  performanceCreateSchema,
  performanceUpdateSchema,
  showCreateSchema,
  showUpdateSchema,
  Venue,
  venueCreateSchema,
  venueUpdateSchema,
} from '../../../shared/src/contracts.js';
import { availableSeats, bookableCapacity } from '../../../shared/src/availability.js';
import { listPerformancesWithSeats, type PerformanceWithSeats } from '../catalog/catalog-repository.js';
import { auditChanges, changesSummary } from '../audit/audit-changes.js';
import { auditSubjects, insertAudit } from '../audit/audit-repository.js';
import type { AuditDetails } from '../../../shared/src/audit-details.js';
import type { FieldErrors } from '../../../shared/src/field-errors.js';
import type { SessionUser } from '../auth/sessions.js';
import type { SeatsChanged } from '../seats/seats-changed.js';
import type { Db, Executor } from '../db/client.js';
import { AppError, notFound, validationError } from '../lib/errors.js';
import { rescheduleReminders } from '../mail/mail-repository.js';
import { lockWholePerformance } from '../broadcasts/broadcast-repository.js';
import type { BroadcastService } from '../broadcasts/broadcast-service.js';
import {
  countPerformances,
  countReservationsOfPerformances,
  deletePerformance,
  deleteShowWithPerformances,
  deleteVenue,
  performanceIdIs,
  performanceIdsWhere,
  performanceShowIs,
  performanceVenueIs,
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

/** `key=value, …` of the fields a staff member changed, for the audit log. */
const describe = (input: object) =>
  Object.entries(input)
    .map(([key, value]) => `${key}=${typeof value === 'string' && value.length > 60 ? `${value.slice(0, 57)}…` : String(value)}`)
    .join(', ');

type PerformanceRow = NonNullable<Awaited<ReturnType<typeof findPerformance>>>;

/** The columns a performance update may change, by their API names. */
const PERFORMANCE_FIELDS = {
  show_id: 'showId',
  venue_id: 'venueId',
  starts_at: 'startsAt',
  additional_seats: 'additionalSeats',
  manually_occupied_seats: 'manuallyOccupiedSeats',
  booking_open: 'bookingOpen',
} as const satisfies Record<string, keyof PerformanceRow>;

const VENUE_FIELDS = { name: 'name', capacity: 'capacity' } as const;
const SHOW_FIELDS = { title: 'title', slug: 'slug', description: 'description', published: 'published' } as const;

/** A date in the past is an archived record only when staff say so (`allow_past`). */
function assertNotPast(startsAt: Date, now: Date, allowPast: boolean | undefined): void {
  if (startsAt > now || allowPast) return;
  throw new AppError('starts_in_past', 'This date is in the past: send "allow_past": true to record it as an archived performance.', {
    errors: { starts_at: [{ code: 'in_past' }] },
  });
}

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

const venueJson = (v: Venue): Venue => ({ id: v.id, name: v.name, capacity: v.capacity });
const adminShowJson = (s: AdminShow): AdminShow => ({
  id: s.id,
  title: s.title,
  slug: s.slug,
  description: s.description,
  published: s.published,
});

/** A performance as staff see it, wherever they do (programme, dashboard, a move): one shape. */
export function adminPerformanceJson(p: PerformanceWithSeats): AdminPerformance {
  return {
    id: p.id,
    show_id: p.showId,
    show_title: p.showTitle,
    venue_id: p.venueId,
    venue_name: p.venueName,
    starts_at: p.startsAt.toISOString(),
    capacity: p.capacity,
    additional_seats: p.additionalSeats,
    manually_occupied_seats: p.manuallyOccupiedSeats,
    bookable_capacity: bookableCapacity(p),
    booking_open: p.bookingOpen,
    cancelled_at: p.cancelledAt?.toISOString() ?? null,
    confirmed_seats: p.confirmedSeats,
    pending_seats: p.pendingSeats,
    checked_in_seats: p.checkedInSeats,
    held_seats: p.heldSeats,
    waiting_entries: p.waitingEntries,
    available_seats: availableSeats(p),
  };
}

/** Staff-side management of the season. Reads show seat counts; writes validate references. */
export class AdminService {
  constructor(
    private readonly db: Db,
    /** Told in the transaction of a change that may free seats (more seats, fewer occupied by hand, a bigger venue). */
    private readonly seatsChanged: SeatsChanged,
    /** Wakes the mail worker after a commit that queued emails (offers, a move announced). */
    private readonly afterCommit: () => void,
    private readonly reminderLeadMs: number,
    /** Tells the guests of a performance that moved (emails, tickets, door). */
    private readonly broadcasts: BroadcastService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  venues = async (): Promise<Venue[]> => (await listVenues(this.db)).map(venueJson);

  async createVenue(input: z.infer<typeof venueCreateSchema>, actor: SessionUser): Promise<Venue> {
    const venue = await this.db.transaction(async (tx) => {
      const row = await insertVenue(tx, input);
      await insertAudit(tx, {
        actorUserId: actor.id,
        action: 'venue.create',
        entityType: 'venue',
        entityId: row.id,
        summary: `${row.name} (${row.capacity})`,
        details: { venue: { id: row.id, name: row.name }, seats: row.capacity },
      });
      return row;
    });
    return venueJson(venue);
  }

  async updateVenue(id: number, input: z.infer<typeof venueUpdateSchema>, actor: SessionUser): Promise<Venue> {
    const venue = await this.db.transaction(async (tx) => {
      const before = await findVenue(tx, id);
      const after = before && (await updateVenue(tx, id, input));
      if (!before || !after) throw notFound('Venue not found.');
      const changes = auditChanges(before, after, VENUE_FIELDS);
      await this.audit(tx, actor, 'venue.update', 'venue', id, changesSummary(changes) || describe(input), { venue: { id, name: after.name }, changes });
      // A bigger venue frees seats at each of its performances.
      let offered = 0;
      if (input.capacity !== undefined) {
        for (const performanceId of await performanceIdsWhere(tx, performanceVenueIs(id))) {
          offered += await this.seatsChanged.seatsFreed(tx, performanceId, this.now());
        }
      }
      return { ...after, offered };
    });
    if (venue.offered > 0) this.afterCommit();
    return venueJson(venue);
  }

  async deleteVenue(id: number, actor: SessionUser) {
    if ((await countPerformances(this.db, performanceVenueIs(id))) > 0) {
      throw new AppError('in_use', 'Performances take place in this venue: delete or move them first.');
    }
    await this.db.transaction(async (tx) => {
      const venue = await deleteVenue(tx, id);
      if (!venue) throw notFound('Venue not found.');
      await this.audit(tx, actor, 'venue.delete', 'venue', id, venue.name, { venue: { id, name: venue.name } });
    });
  }

  shows = async (): Promise<AdminShow[]> => (await listShows(this.db)).map(adminShowJson);

  async createShow(input: z.infer<typeof showCreateSchema>, actor: SessionUser): Promise<AdminShow> {
    const slug = input.slug ?? (await this.freeSlug(slugify(input.title)));
    if (await findShowBySlug(this.db, slug)) {
      throw validationError({ slug: [{ code: 'slug_taken' }] }, 'Another show already uses this slug.');
    }
    const show = await this.db.transaction(async (tx) => {
      const row = await insertShow(tx, { ...input, slug });
      await this.audit(tx, actor, 'show.create', 'show', row.id, row.title, { show: { id: row.id, title: row.title } });
      return row;
    });
    return adminShowJson(show);
  }

  async updateShow(id: number, input: z.infer<typeof showUpdateSchema>, actor: SessionUser): Promise<AdminShow> {
    if (input.slug) {
      const other = await findShowBySlug(this.db, input.slug);
      if (other && other.id !== id) throw validationError({ slug: [{ code: 'slug_taken' }] }, 'Another show already uses this slug.');
    }
    const show = await this.db.transaction(async (tx) => {
      const before = await findShowById(tx, id);
      const after = before && (await updateShow(tx, id, input));
      if (!before || !after) throw notFound('Show not found.');
      const changes = auditChanges(before, after, SHOW_FIELDS);
      const publishing = changes.find((c) => c.field === 'published');
      // Publishing is its own entry when it is all that changed; with other edits it is one of them.
      const action = publishing && changes.length === 1 ? (after.published ? 'show.publish' : 'show.unpublish') : 'show.update';
      await this.audit(tx, actor, action, 'show', id, changesSummary(changes) || describe(input), { show: { id, title: after.title }, changes });
      return after;
    });
    return adminShowJson(show);
  }

  /** A show goes with its performances, unless anyone has ever booked one of them. */
  async deleteShow(id: number, actor: SessionUser) {
    if ((await countReservationsOfPerformances(this.db, performanceShowIs(id))) > 0) {
      throw new AppError('has_reservations', 'This show has reservations: unpublish it instead.');
    }
    await this.db.transaction(async (tx) => {
      const show = await deleteShowWithPerformances(tx, id);
      if (!show) throw notFound('Show not found.');
      await this.audit(tx, actor, 'show.delete', 'show', id, show.title, { show: { id, title: show.title } });
    });
  }

  async performances(filter: { showId?: number | undefined }): Promise<AdminPerformance[]> {
    const rows = await listPerformancesWithSeats(this.db, filter.showId ? performanceShowIs(filter.showId) : undefined);
    return rows.map((p) => adminPerformanceJson(p));
  }

  async performance(id: number): Promise<AdminPerformance> {
    const [row] = await listPerformancesWithSeats(this.db, performanceIdIs(id));
    if (!row) throw notFound('Performance not found.');
    return adminPerformanceJson(row);
  }

  async createPerformance(input: PerformanceCreate, actor: SessionUser): Promise<AdminPerformance> {
    await this.assertReferences(input);
    assertNotPast(new Date(input.starts_at), this.now(), input.allow_past);
    const created = await this.db.transaction(async (tx) => {
      const row = await insertPerformance(tx, {
        showId: input.show_id,
        venueId: input.venue_id,
        startsAt: new Date(input.starts_at),
        additionalSeats: input.additional_seats ?? 0,
        manuallyOccupiedSeats: input.manually_occupied_seats ?? 0,
        bookingOpen: input.booking_open ?? true,
      });
      // `allow_past=true` in the summary marks an archived record entered on purpose.
      await insertAudit(tx, {
        actorUserId: actor.id,
        action: 'performance.create',
        entityType: 'performance',
        entityId: row.id,
        summary: describe(input),
        // `allow_past` marks an archived record entered on purpose.
        details: { changes: [{ field: 'starts_at', before: null, after: row.startsAt.toISOString() }, ...(input.allow_past ? [{ field: 'allow_past', before: null, after: true }] : [])] },
      });
      return row;
    });
    return this.performance(created.id);
  }

  /**
   * Changes a performance. A new start time is a move: queued reminders follow it, and when
   * anyone is booked or waiting, the move is announced in the same transaction (their tickets
   * follow the new time, each guest is emailed the old and new time with a calendar event).
   * The whole performance is locked as a cancellation locks it, so the two never cross.
   */
  async updatePerformance(id: number, input: PerformanceUpdate, actor: SessionUser): Promise<AdminPerformance> {
    await this.assertReferences(input);
    const startsAt = input.starts_at !== undefined ? new Date(input.starts_at) : undefined;
    const mailed = await this.db.transaction(async (tx) => {
      const now = this.now();
      const locked = await lockWholePerformance(tx, id);
      const before = locked && (await findPerformance(tx, id));
      if (!locked || !before) throw notFound('Performance not found.');
      if (locked.cancelledAt) throw new AppError('performance_cancelled', 'This performance was cancelled: it can no longer change.');
      const movesTo = startsAt && startsAt.getTime() !== before.startsAt.getTime() ? startsAt : undefined;
      if (movesTo) assertNotPast(movesTo, now, input.allow_past);
      const after = await updatePerformance(tx, id, {
        ...(input.show_id !== undefined && { showId: input.show_id }),
        ...(input.venue_id !== undefined && { venueId: input.venue_id }),
        ...(movesTo && { startsAt: movesTo }),
        ...(input.additional_seats !== undefined && { additionalSeats: input.additional_seats }),
        ...(input.manually_occupied_seats !== undefined && { manuallyOccupiedSeats: input.manually_occupied_seats }),
        ...(input.booking_open !== undefined && { bookingOpen: input.booking_open }),
      });
      let move: Awaited<ReturnType<BroadcastService['announceMove']>> = null;
      if (movesTo) {
        // Queued reminders follow a performance that moved.
        await rescheduleReminders(tx, id, movesTo, this.reminderLeadMs);
        move = await this.broadcasts.announceMove(tx, locked, movesTo, actor, now);
      }
      const changes = auditChanges(before, after!, PERFORMANCE_FIELDS);
      const changed = changesSummary(changes) || 'no change';
      await insertAudit(tx, {
        actorUserId: actor.id,
        action: 'performance.update',
        entityType: 'performance',
        entityId: id,
        summary: move ? `${changed}; guests told of the move: ${move.recipients} emails (message ${move.messageId})` : changed,
        details: { changes, ...(move && { recipients: move.recipients, message_id: move.messageId }) },
      });
      const offered = await this.seatsChanged.seatsFreed(tx, id, now);
      return move !== null || offered > 0;
    });
    if (mailed) this.afterCommit();
    return this.performance(id);
  }

  async deletePerformance(id: number, actor: SessionUser) {
    if ((await countReservationsOfPerformances(this.db, performanceIdIs(id))) > 0) {
      throw new AppError('has_reservations', 'This performance has reservations: close booking instead.');
    }
    await this.db.transaction(async (tx) => {
      // The names are taken before the row goes: the trail keeps what was deleted.
      const subjects = await auditSubjects(tx, { actorUserId: null, action: 'performance.delete', entityType: 'performance', entityId: id });
      const performance = await deletePerformance(tx, id);
      if (!performance) throw notFound('Performance not found.');
      await this.audit(tx, actor, 'performance.delete', 'performance', id, performance.startsAt.toISOString(), subjects);
    });
  }

  private audit(db: Executor, actor: SessionUser, action: string, entityType: string, entityId: number, summary: string, details: AuditDetails) {
    return insertAudit(db, { actorUserId: actor.id, action, entityType, entityId, summary, details });
  }

  private async assertReferences(input: { show_id?: number | undefined; venue_id?: number | undefined }) {
    const errors: FieldErrors = {};
    if (input.show_id !== undefined && !(await findShowById(this.db, input.show_id))) errors.show_id = [{ code: 'unknown_show' }];
    if (input.venue_id !== undefined && !(await findVenue(this.db, input.venue_id))) errors.venue_id = [{ code: 'unknown_venue' }];
    if (Object.keys(errors).length > 0) throw validationError(errors);
  }

  private async freeSlug(base: string): Promise<string> {
    for (let n = 1; ; n += 1) {
      const candidate = n === 1 ? base : `${base}-${n}`;
      if (!(await findShowBySlug(this.db, candidate))) return candidate;
    }
  }
}
