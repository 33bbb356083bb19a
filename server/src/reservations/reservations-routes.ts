import { Hono } from 'hono';
import { adminReservationCreateSchema } from '../../../shared/src/contracts.js';
import { reservationChangeSchema, reservationListQuerySchema } from '../../../shared/src/reservation-change-contracts.js';
import type { AppEnv } from '../app-context.js';
import { currentUser, requireRole } from '../auth/auth-middleware.js';
import { answer } from '../lib/answer.js';
import { idParam, jsonBody, parseWith } from '../lib/http.js';

/** Box office (and admins): the guests and their reservations. */
export const reservationsRoutes = new Hono<AppEnv>()
  .use(requireRole('box_office'))
  .get('/', async (c) =>
    answer(c, 'GET /api/admin/reservations', await c.var.services.reservations.list(parseWith(reservationListQuerySchema, c.req.query()))),
  )
  .get('/:id', async (c) => answer(c, 'GET /api/admin/reservations/:id', await c.var.services.reservations.detail(idParam(c))))
  // The box office fixing a reservation: name, contacts, notes, seats, another date of the show.
  .patch('/:id', async (c) => {
    const { services } = c.var;
    const id = idParam(c);
    const input = await jsonBody(c, reservationChangeSchema(services.env.MAX_PARTY_SIZE));
    return answer(c, 'PATCH /api/admin/reservations/:id', await services.reservationChanges.change(id, input, currentUser(c)));
  })
  // Manual reservation (phone, walk-in): by default the seeds' flow, pending until the guest
  // confirms from the email; `confirmed_now` issues the ticket at once (email optional).
  .post('/', async (c) => {
    const { services } = c.var;
    const input = await jsonBody(c, adminReservationCreateSchema(services.env.MAX_PARTY_SIZE));
    return answer(c, 'POST /api/admin/reservations', await services.bookings.createByStaff(input, currentUser(c)), 201);
  })
  .get('/:id/ticket', async (c) => answer(c, 'GET /api/admin/reservations/:id/ticket', await c.var.services.bookings.printableTicket(idParam(c))))
  .post('/:id/reissue', async (c) =>
    answer(c, 'POST /api/admin/reservations/:id/reissue', await c.var.services.bookings.reissue(idParam(c), currentUser(c))),
  )
  .post('/:id/cancel', async (c) =>
    answer(c, 'POST /api/admin/reservations/:id/cancel', await c.var.services.bookings.cancelByStaff(idParam(c), currentUser(c))),
  )
  .post('/:id/resend', async (c) =>
    answer(c, 'POST /api/admin/reservations/:id/resend', await c.var.services.bookings.resend(idParam(c), currentUser(c)), 202),
  );
