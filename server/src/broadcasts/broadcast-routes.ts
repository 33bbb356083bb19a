import { Hono } from 'hono';
import { performanceCancelSchema, performanceMessageSchema, performanceMoveSchema } from '../../../shared/src/broadcast-contracts.js';
import type { AppEnv } from '../app-context.js';
import { currentUser, requireRole } from '../auth/auth-middleware.js';
import { answer } from '../lib/answer.js';
import { idParam, jsonBody } from '../lib/http.js';

// The issue's rule: a whole performance's guests are the box office's (and admins') business.
const boxOffice = requireRole('box_office');

/** Cancelling a whole performance and writing to its guests (mounted under /api/admin). */
export const broadcastRoutes = new Hono<AppEnv>()
  // The box office moves a performance (content staff may also through PATCH): the same update,
  // limited to the time, so the guests' emails and the doors' lists follow in one transaction.
  .post('/performances/:id/move', boxOffice, async (c) => {
    const id = idParam(c);
    const input = await jsonBody(c, performanceMoveSchema);
    return answer(c, 'POST /api/admin/performances/:id/move', await c.var.services.admin.updatePerformance(id, input, currentUser(c)));
  })
  .post('/performances/:id/cancel', boxOffice, async (c) => {
    const id = idParam(c);
    const input = await jsonBody(c, performanceCancelSchema);
    return answer(c, 'POST /api/admin/performances/:id/cancel', await c.var.services.broadcasts.cancel(id, input, currentUser(c)));
  })
  .get('/performances/:id/messages', boxOffice, async (c) =>
    answer(c, 'GET /api/admin/performances/:id/messages', await c.var.services.broadcasts.history(idParam(c))),
  )
  .post('/performances/:id/messages', boxOffice, async (c) => {
    const id = idParam(c);
    const input = await jsonBody(c, performanceMessageSchema);
    return answer(c, 'POST /api/admin/performances/:id/messages', await c.var.services.broadcasts.send(id, input, currentUser(c)), 201);
  })
  // A POST because it carries the draft's subject and text; it writes nothing.
  .post('/performances/:id/messages/preview', boxOffice, async (c) => {
    const id = idParam(c);
    const input = await jsonBody(c, performanceMessageSchema);
    return answer(c, 'POST /api/admin/performances/:id/messages/preview', await c.var.services.broadcasts.preview(id, input));
  });
