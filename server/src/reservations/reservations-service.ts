import type { z } from 'zod';
import type { Db } from '../db/client.js';
import { notFound } from '../lib/errors.js';
import { pageOf } from '../lib/pagination.js';
import { findPerformance } from '../admin/admin-repository.js';
import {
  attendeesOfPerformance,
  findCheckInDetail,
  findReservationDetail,
  historyOfReservation,
  mailsOfReservation,
  searchReservations,
  type ReservationFilter,
} from './reservations-repository.js';
import type { reservationListQuery } from './reservations-routes.js';
import { attendeesCsv } from './attendees-csv.js';

type Row = Awaited<ReturnType<typeof searchReservations>>['items'][number];

/** Staff JSON for a reservation: personal data for the box office, never a token or its hash. */
const itemJson = ({ reservation: r, checkedInAt }: Row) => ({
  id: r.id,
  performance_id: r.performanceId,
  code: r.code,
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
  checked_in_at: checkedInAt?.toISOString() ?? null,
});

export class ReservationsService {
  constructor(private readonly db: Db) {}

  async list(query: z.infer<typeof reservationListQuery>) {
    const page = pageOf(query);
    const filter: ReservationFilter = {
      performanceId: query.performance_id,
      q: query.q?.trim() || undefined,
      status: query.status,
      source: query.source,
      checkedIn: query.checked_in === undefined ? undefined : query.checked_in === 'true',
    };
    const { items, total } = await searchReservations(this.db, filter, page, query.sort);
    return { items: items.map(itemJson), total, page: page.page, page_size: page.pageSize };
  }

  async detail(id: number) {
    const found = await findReservationDetail(this.db, id);
    if (!found) throw notFound('Reservation not found.');
    const [checkIn, emails, history] = await Promise.all([
      findCheckInDetail(this.db, id),
      mailsOfReservation(this.db, id),
      historyOfReservation(this.db, id),
    ]);
    return {
      ...itemJson({ reservation: found.reservation, checkedInAt: checkIn?.checkedInAt ?? null }),
      performance: {
        id: found.performance.id,
        show_id: found.performance.showId,
        show_title: found.performance.showTitle,
        venue_name: found.performance.venueName,
        starts_at: found.performance.startsAt.toISOString(),
      },
      created_by: found.createdBy,
      check_in: checkIn
        ? { checked_in_at: checkIn.checkedInAt.toISOString(), checked_in_by: checkIn.staffName || checkIn.staff, method: checkIn.method }
        : null,
      emails: emails.map((m) => ({
        id: m.id,
        kind: m.kind,
        status: m.status,
        attempts: m.attempts,
        created_at: m.createdAt.toISOString(),
        sent_at: m.sentAt?.toISOString() ?? null,
        last_error: m.lastError,
      })),
      history: history.map((h) => ({ at: h.at.toISOString(), action: h.action, actor: h.actor, summary: h.summary })),
    };
  }

  async attendeesCsv(performanceId: number, timeZone: string): Promise<string> {
    if (!(await findPerformance(this.db, performanceId))) throw notFound('Performance not found.');
    return attendeesCsv(await attendeesOfPerformance(this.db, performanceId), timeZone);
  }
}
