import { Hono } from 'hono';
import type { AppEnv } from '../app-context.js';
import { answer } from '../lib/answer.js';
import { idParam } from '../lib/http.js';

export const catalogRoutes = new Hono<AppEnv>()
  .get('/shows', async (c) => answer(c, 'GET /api/shows', await c.var.services.catalog.programme()))
  .get('/shows/:idOrSlug', async (c) => answer(c, 'GET /api/shows/:idOrSlug', await c.var.services.catalog.show(c.req.param('idOrSlug'))))
  .get('/performances/:id', async (c) => answer(c, 'GET /api/performances/:id', await c.var.services.catalog.performance(idParam(c))));
