import { Hono } from 'hono';
import { checkInUndoSchema } from '../../../shared/src/check-in-contracts.js';
import type { AppEnv } from '../app-context.js';
import { currentUser, requireRole } from '../auth/auth-middleware.js';
import { answer } from '../lib/answer.js';
import { idParam, jsonBody } from '../lib/http.js';

/** Box office (and admins): corrections to the door's record. */
export const checkInAdminRoutes = new Hono<AppEnv>()
  .use(requireRole('box_office'))
  // Undo a check-in, with a reason for the history. Door phones learn it from the next delta.
  // `:id` is the reservation's id (a reservation has at most one check-in).
  .delete('/:id', async (c) => {
    const reservationId = idParam(c);
    const { reason } = await jsonBody(c, checkInUndoSchema);
    return answer(c, 'DELETE /api/admin/check-ins/:id', await c.var.services.checkIns.undo(reservationId, reason, currentUser(c)));
  });
