import { Hono } from 'hono';
import { z } from 'zod';
import { adminReservationCreateSchema, MAX_ID } from '../../../shared/src/contracts.js';
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
});

/** Box office (and admins): the guests and their reservations. */
export const reservationsRoutes = new Hono<AppEnv>()
  .use(requireRole('box_office'))
  .get('/', async (c) => c.json(await c.var.services.reservations.list(parseWith(reservationListQuery, c.req.query()))))
  .get('/:id', async (c) => c.json(await c.var.services.reservations.detail(idParam(c))))
  // Manual reservation (phone, walk-in): the standard flow, pending until the guest confirms.
  .post('/', async (c) => {
    const { services } = c.var;
    const { performance_id, ...input } = await jsonBody(c, adminReservationCreateSchema(services.env.MAX_PARTY_SIZE));
    const { reservation } = await services.bookings.create(performance_id, input, {
      source: 'admin',
      createdByUserId: currentUser(c).id,
    });
    return c.json(
      {
        reservation_id: reservation.id,
        status: reservation.status,
        party_size: reservation.partySize,
        detail: 'The reservation stays pending until the guest confirms it from the email link.',
      },
      201,
    );
  })
  .post('/:id/cancel', async (c) => {
    const reservation = await c.var.services.bookings.cancel(idParam(c), currentUser(c));
    return c.json({ reservation_id: reservation.id, status: reservation.status });
  })
  .post('/:id/resend', async (c) => c.json(await c.var.services.bookings.resend(idParam(c), currentUser(c)), 202));
