import { Hono } from 'hono';
import { passwordSchema, userCreateSchema, userUpdateSchema } from '../../../shared/src/contracts.js';
import type { AppEnv } from '../app-context.js';
import { currentUser, requireRole } from '../auth/auth-middleware.js';
import { answer } from '../lib/answer.js';
import { idParam, jsonBody } from '../lib/http.js';

/** Admins only. */
export const usersRoutes = new Hono<AppEnv>()
  .use(requireRole())
  .get('/', async (c) => answer(c, 'GET /api/admin/users', await c.var.services.users.list()))
  .post('/', async (c) => answer(c, 'POST /api/admin/users', await c.var.services.users.create(await jsonBody(c, userCreateSchema), currentUser(c)), 201))
  .patch('/:id', async (c) =>
    answer(c, 'PATCH /api/admin/users/:id', await c.var.services.users.update(idParam(c), await jsonBody(c, userUpdateSchema), currentUser(c))),
  )
  .post('/:id/password', async (c) => {
    const { password } = await jsonBody(c, passwordSchema);
    await c.var.services.users.setPassword(idParam(c), password, currentUser(c));
    return c.body(null, 204);
  })
  .post('/:id/unlock', async (c) => answer(c, 'POST /api/admin/users/:id/unlock', await c.var.services.users.unlock(idParam(c), currentUser(c))))
  .post('/:id/sessions/end', async (c) =>
    answer(c, 'POST /api/admin/users/:id/sessions/end', await c.var.services.users.endSessions(idParam(c), currentUser(c))),
  );
