import { Hono } from 'hono';
import type { AppEnv } from '../app-context.js';
import { idParam } from '../lib/http.js';

export const catalogRoutes = new Hono<AppEnv>()
  .get('/shows', async (c) => c.json(await c.var.services.catalog.programme()))
  .get('/shows/:idOrSlug', async (c) => c.json(await c.var.services.catalog.show(c.req.param('idOrSlug'))))
  .get('/performances/:id', async (c) => c.json(await c.var.services.catalog.performance(idParam(c))));
