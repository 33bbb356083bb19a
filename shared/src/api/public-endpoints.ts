import { reservationCancelledSchema } from '../box-office-contracts.js';
import { programmeSchema, publicPerformanceDetailSchema, publicShowSchema } from '../catalog-contracts.js';
import {
  guestTicketSchema,
  PARTY_SIZE_CEILING,
  reservationConfirmedSchema,
  reservationCreatedSchema,
  reservationCreateSchema,
  ticketSchema,
  tokenBodySchema,
  waitlistDeclinedSchema,
  waitlistJoinedSchema,
  waitlistJoinSchema,
  waitlistOfferSchema,
  waitlistPlaceSchema,
} from '../contracts.js';
import { endpoint, other } from './endpoint.js';

/** The public site: catalogue, booking, tickets, waiting list. */
export const publicEndpoints = {
  'GET /api/shows': endpoint({
    summary: 'The programme: published shows with their upcoming dates.',
    responses: { 200: programmeSchema },
  }),
  'GET /api/shows/:idOrSlug': endpoint({
    summary: 'One published show (by id or slug) with its upcoming dates.',
    responses: { 200: publicShowSchema },
  }),
  'GET /api/performances/:id': endpoint({
    summary: 'One date of a published show, with its seats and the show.',
    responses: { 200: publicPerformanceDetailSchema },
  }),
  'POST /api/performances/:id/reservations': endpoint({
    summary: 'Book seats: a pending reservation, confirmed by the link emailed to the guest.',
    body: reservationCreateSchema(PARTY_SIZE_CEILING),
    responses: { 201: reservationCreatedSchema },
  }),
  'GET /api/reservations/confirm': endpoint({
    summary: 'Confirm a reservation from an emailed link (`?token=`, kept for links already sent); the pages POST.',
    query: tokenBodySchema,
    responses: { 200: reservationConfirmedSchema },
  }),
  'POST /api/reservations/confirm': endpoint({
    summary: 'Confirm a reservation with the token of its link: the ticket, if the seats are still free.',
    body: tokenBodySchema,
    responses: { 200: reservationConfirmedSchema },
  }),
  'GET /api/reservations/qr-code': endpoint({
    summary: "The guest's ticket again, from the check-in token of the ticket email.",
    query: tokenBodySchema,
    responses: { 200: ticketSchema },
  }),
  'GET /api/reservations/calendar.ics': endpoint({
    summary: 'The ticket\'s performance as a calendar event, from the check-in token.',
    query: tokenBodySchema,
    responses: { 200: other('text/calendar', 'An iCalendar file with one event.') },
  }),
  'POST /api/reservations/cancel': endpoint({
    summary: '"I can\'t come": the guest cancels with the check-in token, until the performance starts.',
    body: tokenBodySchema,
    responses: { 200: reservationCancelledSchema },
  }),
  'POST /api/performances/:id/waitlist': endpoint({
    summary: 'Join the waiting list of a sold-out date; the entry waits for its emailed opt-in link.',
    body: waitlistJoinSchema(PARTY_SIZE_CEILING),
    responses: { 201: waitlistJoinedSchema },
  }),
  'POST /api/waitlist/confirm': endpoint({
    summary: 'Confirm a place in line with the token of the opt-in link.',
    body: tokenBodySchema,
    responses: { 200: waitlistPlaceSchema },
  }),
  'POST /api/waitlist/offer': endpoint({
    summary: 'What an offer link holds: the seats held for the visitor, and until when.',
    body: tokenBodySchema,
    responses: { 200: waitlistOfferSchema },
  }),
  'POST /api/waitlist/accept': endpoint({
    summary: 'Take the offered seats: a confirmed reservation and its ticket.',
    body: tokenBodySchema,
    responses: { 200: guestTicketSchema },
  }),
  'POST /api/waitlist/decline': endpoint({
    summary: '"No thanks": the held seats go to the next in line.',
    body: tokenBodySchema,
    responses: { 200: waitlistDeclinedSchema },
  }),
} as const;
