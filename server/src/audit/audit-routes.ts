import { Hono, type Context } from 'hono';
import { auditExportQuery, auditPageQuery } from '../../../shared/src/audit-contracts.js';
import type { AppEnv } from '../app-context.js';
import { requireRole } from '../auth/auth-middleware.js';
import { parseWith } from '../lib/http.js';
import { pageOf } from '../lib/pagination.js';
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
  .get('/', async (c) => {
    const { page: _page, page_size: _size, ...filters } = parseWith(auditPageQuery, c.req.query());
    const page = pageOf({ page: _page, page_size: _size });
    const { items, total } = await auditPage(c.var.services.database.db, filters, page, c.var.services.env.TIME_ZONE);
    return c.json({ items, total, page: page.page, page_size: page.pageSize });
  })
  .get('/export.csv', (c) => exportFile(c, 'csv'))
  .get('/export.xlsx', (c) => exportFile(c, 'xlsx'));
