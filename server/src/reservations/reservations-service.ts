import { readAuditDetails } from '../../../shared/src/audit-details.js';
import type { Db } from '../db/client.js';
import { notFound } from '../lib/errors.js';
import { pageOf } from '../lib/pagination.js';
import {
  attendeesOfPerformance,
  performanceForExport,
  findCheckInDetail,
  findReservationDetail,
  historyOfReservation,
  mailsOfReservation,
  searchReservations,
  type ReservationFilter,
} from './reservations-repository.js';
import type {
  ReservationDetail,
  ReservationList,
  ReservationListItem,
  ReservationListQuery,
} from '../../../shared/src/reservation-change-contracts.js';
import type { ExportLanguage } from '../../../shared/src/export-contracts.js';
import { CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE } from '../lib/spreadsheet.js';
import { attendeesCsv, attendeesFileName, attendeesXlsx, type AttendeesFormat } from './attendees-export.js';

type Row = Awaited<ReturnType<typeof searchReservations>>['items'][number];

/** Staff JSON for a reservation: personal data for the box office, never a token or its hash. */
const itemJson = ({ reservation: r, checkedInAt }: Row): ReservationListItem => ({
  id: r.id,
  performance_id: r.performanceId,
  code: r.code,
  name: r.name,
  email: r.email,
  locale: r.locale,
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

  async list(query: ReservationListQuery): Promise<ReservationList> {
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

  async detail(id: number): Promise<ReservationDetail> {
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
      history: history.map((h) => ({ at: h.at.toISOString(), action: h.action, actor: h.actor, summary: h.summary, details: readAuditDetails(h.details) })),
    };
  }

  /** The confirmed guests of a performance as a file to download, in the admin's language. */
  async attendeesExport(performanceId: number, format: AttendeesFormat, lang: ExportLanguage, timeZone: string) {
    const performance = await performanceForExport(this.db, performanceId);
    if (!performance) throw notFound('Performance not found.');
    const attendees = await attendeesOfPerformance(this.db, performanceId);
    return {
      fileName: attendeesFileName(performance, lang, format, timeZone),
      contentType: format === 'xlsx' ? XLSX_CONTENT_TYPE : CSV_CONTENT_TYPE,
      body: format === 'xlsx' ? await attendeesXlsx(attendees, lang, timeZone) : attendeesCsv(attendees, lang, timeZone),
    };
  }
}
