import { Hono } from 'hono';
import { z } from 'zod';
import { issuedTicketSchema, pendingReservationCreatedSchema, resendAnswerSchema } from '../../../shared/src/box-office-contracts.js';
import { adminReservationCreateSchema, MAX_ID } from '../../../shared/src/contracts.js';
import { RESERVATION_SORTS, reservationChangedSchema, reservationChangeSchema, reservationListSchema } from '../../../shared/src/reservation-change-contracts.js';
import type { AppEnv } from '../app-context.js';
import { currentUser, requireRole } from '../auth/auth-middleware.js';
import { idParam, jsonBody, parseWith } from '../lib/http.js';
import { pageQuery } from '../lib/pagination.js';

export const reservationListQuery = pageQuery.extend({
  performance_id: z.coerce.number().int().positive().max(MAX_ID).optional(),
  q: z.string().max(120).optional(),
  status: z.enum(['pending', 'confirmed', 'cancelled']).optional(),
  source: z.enum(['public', 'admin']).optional(),
  checked_in: z.enum(['true', 'false']).optional(),
  sort: z.enum(RESERVATION_SORTS).default('newest'),
});

/** Box office (and admins): the guests and their reservations. */
export const reservationsRoutes = new Hono<AppEnv>()
  .use(requireRole('box_office'))
  .get('/', async (c) => c.json(reservationListSchema.parse(await c.var.services.reservations.list(parseWith(reservationListQuery, c.req.query())))))
  .get('/:id', async (c) => c.json(await c.var.services.reservations.detail(idParam(c))))
  // The box office fixing a reservation: name, contacts, notes, seats, another date of the show.
  .patch('/:id', async (c) => {
    const { services } = c.var;
    const id = idParam(c);
    const input = await jsonBody(c, reservationChangeSchema(services.env.MAX_PARTY_SIZE));
    return c.json(reservationChangedSchema.parse(await services.reservationChanges.change(id, input, currentUser(c))));
  })
  // Manual reservation (phone, walk-in): by default the seeds' flow, pending until the guest
  // confirms from the email; `confirmed_now` issues the ticket at once (email optional).
  .post('/', async (c) => {
    const { services } = c.var;
    const { performance_id, issue, ...input } = await jsonBody(c, adminReservationCreateSchema(services.env.MAX_PARTY_SIZE));
    if (issue === 'confirmed_now') {
      const ticket = await services.bookings.issueAtDesk(performance_id, { performance_id, issue, ...input }, currentUser(c));
      return c.json(issuedTicketSchema.parse(ticket), 201);
    }
    const { reservation } = await services.bookings.create(performance_id, { ...input, email: input.email! }, {
      source: 'admin',
      createdByUserId: currentUser(c).id,
    });
    const answer = pendingReservationCreatedSchema.parse({
      reservation_id: reservation.id,
      status: reservation.status,
      party_size: reservation.partySize,
      detail: 'The reservation stays pending until the guest confirms it from the email link.',
    });
    return c.json(answer, 201);
  })
  .get('/:id/ticket', async (c) => c.json(issuedTicketSchema.parse(await c.var.services.bookings.printableTicket(idParam(c)))))
  .post('/:id/reissue', async (c) =>
    c.json(issuedTicketSchema.parse(await c.var.services.bookings.reissue(idParam(c), currentUser(c)))),
  )
  .post('/:id/cancel', async (c) => {
    const reservation = await c.var.services.bookings.cancel(idParam(c), currentUser(c));
    return c.json({ reservation_id: reservation.id, status: reservation.status });
  })
  .post('/:id/resend', async (c) =>
    c.json(resendAnswerSchema.parse(await c.var.services.bookings.resend(idParam(c), currentUser(c))), 202),
  );
