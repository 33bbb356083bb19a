import { Hono, type Context } from 'hono';
import { auditExportQuery, auditPageQuery } from '../../../shared/src/audit-contracts.js';
import type { AppEnv } from '../app-context.js';
import { requireRole } from '../auth/auth-middleware.js';
import { answer } from '../lib/answer.js';
import { parseWith } from '../lib/http.js';
import { auditExport, auditPage } from './audit-service.js';

async function exportFile(c: Context<AppEnv>, format: 'csv' | 'xlsx') {
  const { lang, ...filters } = parseWith(auditExportQuery, c.req.query());
  const file = await auditExport(c.var.services.database.db, filters, format, lang, c.var.services.env.TIME_ZONE);
  c.header('Content-Type', file.contentType);
  c.header('Content-Disposition', `attachment; filename="${file.fileName}"`);
  c.header('Cache-Control', 'no-store');
  return c.body(typeof file.body === 'string' ? file.body : new Uint8Array(file.body));
}

/** Admins only: the audit log names staff and guests. */
export const auditRoutes = new Hono<AppEnv>()
  .use(requireRole())
  .get('/', async (c) =>
    answer(c, 'GET /api/admin/audit', await auditPage(c.var.services.database.db, parseWith(auditPageQuery, c.req.query()), c.var.services.env.TIME_ZONE)),
  )
  .get('/export.csv', (c) => exportFile(c, 'csv'))
  .get('/export.xlsx', (c) => exportFile(c, 'xlsx'));
