import { Hono, type Context } from 'hono';
import {
  performanceCreateSchema,
  performanceListQuerySchema,
  performanceUpdateSchema,
  showCreateSchema,
  showUpdateSchema,
  venueCreateSchema,
  venueUpdateSchema,
} from '../../../shared/src/contracts.js';
import { attendeesExportQuery } from '../../../shared/src/export-contracts.js';
import type { AppEnv } from '../app-context.js';
import type { AttendeesFormat } from '../reservations/attendees-export.js';
import { currentUser, requireRole } from '../auth/auth-middleware.js';
import { answer } from '../lib/answer.js';
import { idParam, jsonBody, parseWith } from '../lib/http.js';
import { broadcastRoutes } from '../broadcasts/broadcast-routes.js';

const content = requireRole('content');
// Box office reads the programme to pick a performance; only content staff change it.
const readers = requireRole('content', 'box_office');
const boxOffice = requireRole('box_office');

/** The attendee list as a download, in the language the admin asked for (`?lang=it|en`). */
async function attendeesFile(c: Context<AppEnv>, format: AttendeesFormat) {
  const id = idParam(c);
  const { lang } = parseWith(attendeesExportQuery, c.req.query());
  const file = await c.var.services.reservations.attendeesExport(id, format, lang, c.var.services.env.TIME_ZONE);
  c.header('Content-Type', file.contentType);
  c.header('Content-Disposition', `attachment; filename="${file.fileName}"`);
  c.header('Cache-Control', 'no-store');
  return c.body(typeof file.body === 'string' ? file.body : new Uint8Array(file.body));
}

/** The season: venues, shows, performances (content staff), attendee lists (box office). */
export const adminRoutes = new Hono<AppEnv>()
  .get('/venues', readers, async (c) => answer(c, 'GET /api/admin/venues', await c.var.services.admin.venues()))
  .post('/venues', content, async (c) =>
    answer(c, 'POST /api/admin/venues', await c.var.services.admin.createVenue(await jsonBody(c, venueCreateSchema), currentUser(c)), 201),
  )
  .patch('/venues/:id', content, async (c) =>
    answer(c, 'PATCH /api/admin/venues/:id', await c.var.services.admin.updateVenue(idParam(c), await jsonBody(c, venueUpdateSchema), currentUser(c))),
  )
  .delete('/venues/:id', content, async (c) => {
    await c.var.services.admin.deleteVenue(idParam(c), currentUser(c));
    return c.body(null, 204);
  })
  .get('/shows', readers, async (c) => answer(c, 'GET /api/admin/shows', await c.var.services.admin.shows()))
  .post('/shows', content, async (c) =>
    answer(c, 'POST /api/admin/shows', await c.var.services.admin.createShow(await jsonBody(c, showCreateSchema), currentUser(c)), 201),
  )
  .patch('/shows/:id', content, async (c) =>
    answer(c, 'PATCH /api/admin/shows/:id', await c.var.services.admin.updateShow(idParam(c), await jsonBody(c, showUpdateSchema), currentUser(c))),
  )
  .delete('/shows/:id', content, async (c) => {
    await c.var.services.admin.deleteShow(idParam(c), currentUser(c));
    return c.body(null, 204);
  })
  .get('/performances', readers, async (c) => {
    const { show_id } = parseWith(performanceListQuerySchema, c.req.query());
    return answer(c, 'GET /api/admin/performances', await c.var.services.admin.performances({ showId: show_id }));
  })
  .get('/performances/:id', readers, async (c) => answer(c, 'GET /api/admin/performances/:id', await c.var.services.admin.performance(idParam(c))))
  .post('/performances', content, async (c) =>
    answer(
      c,
      'POST /api/admin/performances',
      await c.var.services.admin.createPerformance(await jsonBody(c, performanceCreateSchema), currentUser(c)),
      201,
    ),
  )
  .patch('/performances/:id', content, async (c) =>
    answer(
      c,
      'PATCH /api/admin/performances/:id',
      await c.var.services.admin.updatePerformance(idParam(c), await jsonBody(c, performanceUpdateSchema), currentUser(c)),
    ),
  )
  .delete('/performances/:id', content, async (c) => {
    await c.var.services.admin.deletePerformance(idParam(c), currentUser(c));
    return c.body(null, 204);
  })
  .get('/performances/:id/attendees.xlsx', boxOffice, (c) => attendeesFile(c, 'xlsx'))
  .get('/performances/:id/attendees.csv', boxOffice, (c) => attendeesFile(c, 'csv'))
  .get('/dashboard', readers, async (c) => answer(c, 'GET /api/admin/dashboard', await c.var.services.dashboard.overview()))
  .get('/performances/:id/stats', readers, async (c) => answer(c, 'GET /api/admin/performances/:id/stats', await c.var.services.dashboard.stats(idParam(c))))
  // Cancelling a whole performance, and messages to its guests.
  .route('/', broadcastRoutes);
