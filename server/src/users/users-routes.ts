import { Hono } from 'hono';
import { adminUserListSchema, adminUserSchema, sessionsEndedSchema } from '../../../shared/src/auth-contracts.js';
import { passwordSchema, userCreateSchema, userUpdateSchema } from '../../../shared/src/contracts.js';
import type { AppEnv } from '../app-context.js';
import { currentUser, requireRole } from '../auth/auth-middleware.js';
import { idParam, jsonBody } from '../lib/http.js';

/** Admins only. */
export const usersRoutes = new Hono<AppEnv>()
  .use(requireRole())
  .get('/', async (c) => c.json(adminUserListSchema.parse(await c.var.services.users.list())))
  .post('/', async (c) => c.json(await c.var.services.users.create(await jsonBody(c, userCreateSchema), currentUser(c)), 201))
  .patch('/:id', async (c) =>
    c.json(await c.var.services.users.update(idParam(c), await jsonBody(c, userUpdateSchema), currentUser(c))),
  )
  .post('/:id/password', async (c) => {
    const { password } = await jsonBody(c, passwordSchema);
    await c.var.services.users.setPassword(idParam(c), password, currentUser(c));
    return c.body(null, 204);
  })
  .post('/:id/unlock', async (c) => c.json(adminUserSchema.parse(await c.var.services.users.unlock(idParam(c), currentUser(c)))))
  .post('/:id/sessions/end', async (c) => c.json(sessionsEndedSchema.parse(await c.var.services.users.endSessions(idParam(c), currentUser(c)))));
