import { z } from 'zod';
import { auditExportQuery, auditPageQuery, auditPageSchema } from '../audit-contracts.js';
import { adminUserListSchema, adminUserSchema, sessionsEndedSchema } from '../auth-contracts.js';
import {
  adminReservationCreatedSchema,
  issuedTicketSchema,
  reservationCancelledSchema,
  resendAnswerSchema,
} from '../box-office-contracts.js';
import {
  messagePreviewSchema,
  performanceCancelledSchema,
  performanceCancelSchema,
  performanceMessageAnswerSchema,
  performanceMessageListSchema,
  performanceMessageSchema,
  performanceMoveSchema,
} from '../broadcast-contracts.js';
import { checkInUndoAnswerSchema, checkInUndoSchema } from '../check-in-contracts.js';
import {
  adminPerformanceSchema,
  adminReservationCreateSchema,
  adminShowSchema,
  PARTY_SIZE_CEILING,
  passwordSchema,
  performanceCreateSchema,
  performanceListQuerySchema,
  performanceUpdateSchema,
  showCreateSchema,
  showUpdateSchema,
  userCreateSchema,
  userUpdateSchema,
  venueCreateSchema,
  venueSchema,
  venueUpdateSchema,
  waitlistEntryListSchema,
  waitlistEntrySchema,
} from '../contracts.js';
import { dashboardSchema, performanceStatsSchema } from '../dashboard-contracts.js';
import { attendeesExportQuery } from '../export-contracts.js';
import {
  reservationChangedSchema,
  reservationChangeSchema,
  reservationDetailSchema,
  reservationListQuerySchema,
  reservationListSchema,
} from '../reservation-change-contracts.js';
import { endpoint, other } from './endpoint.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The admin: venues, shows, performances, reservations, waiting lists, users, audit. */
export const adminEndpoints = {
  // ── The season (content staff change it; box office reads it) ──
  'GET /api/admin/venues': endpoint({
    summary: 'Every venue, by name.',
    responses: { 200: z.array(venueSchema) },
  }),
  'POST /api/admin/venues': endpoint({
    summary: 'Add a venue.',
    body: venueCreateSchema,
    responses: { 201: venueSchema },
  }),
  'PATCH /api/admin/venues/:id': endpoint({
    summary: 'Change a venue; more seats are offered to the waiting lists of its performances.',
    body: venueUpdateSchema,
    responses: { 200: venueSchema },
  }),
  'DELETE /api/admin/venues/:id': endpoint({
    summary: 'Delete a venue no performance takes place in (`409 in_use` otherwise).',
    responses: { 204: null },
  }),
  'GET /api/admin/shows': endpoint({
    summary: 'Every show, published or not, by title.',
    responses: { 200: z.array(adminShowSchema) },
  }),
  'POST /api/admin/shows': endpoint({
    summary: 'Add a show; without a slug, one is made from the title.',
    body: showCreateSchema,
    responses: { 201: adminShowSchema },
  }),
  'PATCH /api/admin/shows/:id': endpoint({
    summary: 'Change, publish or unpublish a show.',
    body: showUpdateSchema,
    responses: { 200: adminShowSchema },
  }),
  'DELETE /api/admin/shows/:id': endpoint({
    summary: 'Delete a show and its performances, unless anyone ever booked one (`409 has_reservations`).',
    responses: { 204: null },
  }),
  'GET /api/admin/performances': endpoint({
    summary: 'Performances with their seat counts, of one show or all.',
    query: performanceListQuerySchema,
    responses: { 200: z.array(adminPerformanceSchema) },
  }),
  'GET /api/admin/performances/:id': endpoint({
    summary: 'One performance with its seat counts.',
    responses: { 200: adminPerformanceSchema },
  }),
  'POST /api/admin/performances': endpoint({
    summary: 'Add a performance; a past date needs `allow_past` (an archived record).',
    body: performanceCreateSchema,
    responses: { 201: adminPerformanceSchema },
  }),
  'PATCH /api/admin/performances/:id': endpoint({
    summary: 'Change a performance; a new time is announced to everyone booked or waiting.',
    body: performanceUpdateSchema,
    responses: { 200: adminPerformanceSchema },
  }),
  'DELETE /api/admin/performances/:id': endpoint({
    summary: 'Delete a performance nobody booked (`409 has_reservations` otherwise: close booking instead).',
    responses: { 204: null },
  }),
  'GET /api/admin/performances/:id/attendees.xlsx': endpoint({
    summary: 'The confirmed guests of a performance as an Excel workbook, in the language asked for.',
    query: attendeesExportQuery,
    responses: { 200: other(XLSX, 'Attendee list (XLSX)') },
  }),
  'GET /api/admin/performances/:id/attendees.csv': endpoint({
    summary: "The confirmed guests of a performance as CSV (`;`-separated in Italian, `,` in English).",
    query: attendeesExportQuery,
    responses: { 200: other('text/csv', 'Attendee list (CSV)') },
  }),
  'GET /api/admin/dashboard': endpoint({
    summary: 'The coming performances (and those begun in the last six hours) with their seat counts.',
    responses: { 200: dashboardSchema },
  }),
  'GET /api/admin/performances/:id/stats': endpoint({
    summary: 'Confirmed seats per day of booking, and arrivals per 10 minutes at the door.',
    responses: { 200: performanceStatsSchema },
  }),

  // ── A whole performance: moving, cancelling, writing to its guests (box office) ──
  'POST /api/admin/performances/:id/move': endpoint({
    summary: 'Move a performance to a new time; everyone booked or waiting is emailed.',
    body: performanceMoveSchema,
    responses: { 200: adminPerformanceSchema },
  }),
  'POST /api/admin/performances/:id/cancel': endpoint({
    summary: 'Cancel a whole performance: every reservation and waiting-list entry, with a message to each guest.',
    body: performanceCancelSchema,
    responses: { 200: performanceCancelledSchema },
  }),
  'GET /api/admin/performances/:id/messages': endpoint({
    summary: "The messages sent to a performance's guests, newest first, with their emails' progress.",
    responses: { 200: performanceMessageListSchema },
  }),
  'POST /api/admin/performances/:id/messages': endpoint({
    summary: "Write to a performance's guests (by status, arrival, or the waiting list): one email per address.",
    body: performanceMessageSchema,
    responses: { 201: performanceMessageAnswerSchema },
  }),
  'POST /api/admin/performances/:id/messages/preview': endpoint({
    summary: 'How many emails a message would send, and the first as it would read; sends nothing.',
    body: performanceMessageSchema,
    responses: { 200: messagePreviewSchema },
  }),

  // ── Reservations (box office) ──
  'GET /api/admin/reservations': endpoint({
    summary: 'Find reservations: search by name, email, phone or code; filter; sort; a page at a time.',
    query: reservationListQuerySchema,
    responses: { 200: reservationListSchema },
  }),
  'GET /api/admin/reservations/:id': endpoint({
    summary: 'One reservation with its performance, check-in, emails and history.',
    responses: { 200: reservationDetailSchema },
  }),
  'POST /api/admin/reservations': endpoint({
    summary: 'Book for a guest: pending until they confirm from the email, or `confirmed_now` (a ticket at once).',
    body: adminReservationCreateSchema(PARTY_SIZE_CEILING),
    responses: { 201: adminReservationCreatedSchema },
  }),
  'PATCH /api/admin/reservations/:id': endpoint({
    summary: 'Fix a reservation: name, contacts, notes, seats, or another date of the same show.',
    body: reservationChangeSchema(PARTY_SIZE_CEILING),
    responses: { 200: reservationChangedSchema },
  }),
  'GET /api/admin/reservations/:id/ticket': endpoint({
    summary: 'The confirmed ticket, for printing (derived again, never stored).',
    responses: { 200: issuedTicketSchema },
  }),
  'POST /api/admin/reservations/:id/reissue': endpoint({
    summary: 'Replace the ticket: the old QR code stops working; the guest is emailed the new one.',
    responses: { 200: issuedTicketSchema },
  }),
  'POST /api/admin/reservations/:id/cancel': endpoint({
    summary: 'Cancel a reservation: its seats are free at once and the guest is told.',
    responses: { 200: reservationCancelledSchema },
  }),
  'POST /api/admin/reservations/:id/resend': endpoint({
    summary: "Send the guest's email again: the same ticket, or a fresh confirmation link if pending.",
    responses: { 202: resendAnswerSchema },
  }),
  'DELETE /api/admin/check-ins/:id': endpoint({
    summary: "Undo the check-in of a reservation (`:id`), with a reason for its history.",
    body: checkInUndoSchema,
    responses: { 200: checkInUndoAnswerSchema },
  }),

  // ── Waiting lists (box office) ──
  'GET /api/admin/performances/:id/waitlist': endpoint({
    summary: "A performance's waiting list: offers first, then the line, then the rest.",
    responses: { 200: waitlistEntryListSchema },
  }),
  'POST /api/admin/waitlist/:id/offer': endpoint({
    summary: 'Offer seats to an entry out of turn (it must be waiting or expired, and the seats free).',
    responses: { 200: waitlistEntrySchema },
  }),
  'DELETE /api/admin/waitlist/:id': endpoint({
    summary: 'Remove an entry from the list; seats its offer held go to the next in line.',
    responses: { 200: waitlistEntrySchema },
  }),

  // ── Staff accounts and the audit log (administrators) ──
  'GET /api/admin/users': endpoint({
    summary: 'Every staff account, with its sign-in lock.',
    responses: { 200: adminUserListSchema },
  }),
  'POST /api/admin/users': endpoint({
    summary: 'Add a staff account; without a password, the person is emailed an invitation.',
    body: userCreateSchema,
    responses: { 201: adminUserSchema },
  }),
  'PATCH /api/admin/users/:id': endpoint({
    summary: "Change a name, role or activity; a narrower access ends the person's sessions.",
    body: userUpdateSchema,
    responses: { 200: adminUserSchema },
  }),
  'POST /api/admin/users/:id/password': endpoint({
    summary: 'Set a password for someone; their sessions and open links end.',
    body: passwordSchema,
    responses: { 204: null },
  }),
  'POST /api/admin/users/:id/unlock': endpoint({
    summary: 'Let a locked account sign in again at once.',
    responses: { 200: adminUserSchema },
  }),
  'POST /api/admin/users/:id/sessions/end': endpoint({
    summary: 'Sign someone out everywhere.',
    responses: { 200: sessionsEndedSchema },
  }),
  'GET /api/admin/audit': endpoint({
    summary: 'A page of the audit log, newest first, filtered by action, entity, person and days.',
    query: auditPageQuery,
    responses: { 200: auditPageSchema },
  }),
  'GET /api/admin/audit/export.csv': endpoint({
    summary: 'The filtered audit log as CSV, in the language asked for.',
    query: auditExportQuery,
    responses: { 200: other('text/csv', 'Audit log (CSV)') },
  }),
  'GET /api/admin/audit/export.xlsx': endpoint({
    summary: 'The filtered audit log as an Excel workbook, in the language asked for.',
    query: auditExportQuery,
    responses: { 200: other(XLSX, 'Audit log (XLSX)') },
  }),
} as const;
