import { Hono } from 'hono';
import { z } from 'zod';
import { MAX_ID } from '../../../shared/src/contracts.js';
import type { AppEnv } from '../app-context.js';
import { requireRole } from '../auth/auth-middleware.js';
import { parseWith } from '../lib/http.js';
import { pageQuery, pageOf } from '../lib/pagination.js';
import { listAudit } from './audit-repository.js';

const auditQuery = pageQuery.extend({
  action: z.string().max(64).optional(),
  entity_type: z.string().max(64).optional(),
  entity_id: z.coerce.number().int().positive().max(MAX_ID).optional(),
  user_id: z.coerce.number().int().positive().max(MAX_ID).optional(),
});

/** Admins only: the audit log names staff and guests. */
export const auditRoutes = new Hono<AppEnv>().use(requireRole()).get('/', async (c) => {
  const query = parseWith(auditQuery, c.req.query());
  const page = pageOf(query);
  const { items, total } = await listAudit(
    c.var.services.database.db,
    { action: query.action, entityType: query.entity_type, entityId: query.entity_id, actorUserId: query.user_id },
    page,
  );
  return c.json({
    items: items.map(({ entry, actorEmail }) => ({
      id: entry.id,
      at: entry.at.toISOString(),
      actor: entry.actorUserId ? { id: entry.actorUserId, email: actorEmail } : null,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      summary: entry.summary,
    })),
    total,
    page: page.page,
    page_size: page.pageSize,
  });
});
