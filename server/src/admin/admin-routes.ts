import { Hono } from 'hono';
import { z } from 'zod';
import {
  MAX_ID,
  adminReservationCreateSchema,
  performanceCreateSchema,
  performanceUpdateSchema,
  showCreateSchema,
  showUpdateSchema,
  venueCreateSchema,
  venueUpdateSchema,
} from '../../../shared/src/contracts.js';
import type { AppEnv } from '../app-context.js';
import { currentUser, requireRole } from '../auth/auth-middleware.js';
import { idParam, jsonBody, parseWith } from '../lib/http.js';

const content = requireRole('content');
// Box office reads the programme to pick a performance; only content staff change it.
const readers = requireRole('content', 'box_office');
const boxOffice = requireRole('box_office');

const queryId = z.coerce.number().int().positive().max(MAX_ID);
const performanceQuery = z.strictObject({ performance_id: queryId });
const showFilter = z.strictObject({ show_id: queryId.optional() });

export const adminRoutes = new Hono<AppEnv>()
  .get('/venues', readers, async (c) => c.json(await c.var.services.admin.venues()))
  .post('/venues', content, async (c) => c.json(await c.var.services.admin.createVenue(await jsonBody(c, venueCreateSchema)), 201))
  .patch('/venues/:id', content, async (c) =>
    c.json(await c.var.services.admin.updateVenue(idParam(c), await jsonBody(c, venueUpdateSchema))),
  )
  .get('/shows', readers, async (c) => c.json(await c.var.services.admin.shows()))
  .post('/shows', content, async (c) => c.json(await c.var.services.admin.createShow(await jsonBody(c, showCreateSchema)), 201))
  .patch('/shows/:id', content, async (c) =>
    c.json(await c.var.services.admin.updateShow(idParam(c), await jsonBody(c, showUpdateSchema))),
  )
  .get('/performances', readers, async (c) => {
    const { show_id } = parseWith(showFilter, c.req.query());
    return c.json(await c.var.services.admin.performances({ showId: show_id }));
  })
  .get('/performances/:id', readers, async (c) => c.json(await c.var.services.admin.performance(idParam(c))))
  .post('/performances', content, async (c) =>
    c.json(await c.var.services.admin.createPerformance(await jsonBody(c, performanceCreateSchema)), 201),
  )
  .patch('/performances/:id', content, async (c) =>
    c.json(await c.var.services.admin.updatePerformance(idParam(c), await jsonBody(c, performanceUpdateSchema))),
  )
  .get('/reservations', boxOffice, async (c) => {
    const { performance_id } = parseWith(performanceQuery, c.req.query());
    return c.json(await c.var.services.admin.reservations(performance_id));
  })
  // Manual reservation (phone, walk-in): the standard flow, pending until the guest confirms.
  .post('/reservations', boxOffice, async (c) => {
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
  });
