import type { AuditEntryJson, AuditFilterQuery, AuditPageJson, AuditPageQuery } from '../../../shared/src/audit-contracts.js';
import { readAuditDetails } from '../../../shared/src/audit-details.js';
import { renderAuditText } from '../../../pwa/src/admin/audit-render.js';
import type { Executor } from '../db/client.js';
import { zonedDateTime } from '../lib/dates.js';
import { pageOf } from '../lib/pagination.js';
import { CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, writeCsv, writeXlsx, type SheetColumn } from '../lib/spreadsheet.js';
import { listAudit, type AuditFilter, type AuditListRow } from './audit-repository.js';
import { auditWord, auditWords } from './audit-words.js';

/** An export holds at most this many entries (the newest): a bigger one is narrowed by the filters. */
export const AUDIT_EXPORT_MAX_ROWS = 50_000;

export function auditEntryJson({ entry, actorEmail, actorName }: AuditListRow): AuditEntryJson {
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    actor: entry.actorUserId ? { id: entry.actorUserId, email: actorEmail, name: actorName || null } : null,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    summary: entry.summary,
    details: readAuditDetails(entry.details),
  };
}

/** A day `YYYY-MM-DD` → the instant it starts in the theatre's zone (`offset` days later). */
function dayStart(day: string, timeZone: string, offset = 0): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const noon = new Date(Date.UTC(year, month - 1, date + offset, 12));
  return zonedDateTime({ year: noon.getUTCFullYear(), month: noon.getUTCMonth() + 1, day: noon.getUTCDate(), hour: 0 }, timeZone);
}

/** The API's filters as the repository's; `to` is a whole day, so the range ends when the next one starts. */
export function auditFilter(query: AuditFilterQuery, timeZone: string): AuditFilter {
  return {
    action: query.action,
    entityType: query.entity_type,
    entityId: query.entity_id,
    actorUserId: query.user_id,
    from: query.from ? dayStart(query.from, timeZone) : undefined,
    to: query.to ? dayStart(query.to, timeZone, 1) : undefined,
  };
}

/** A page of the filtered log, newest first. */
export async function auditPage(db: Executor, query: AuditPageQuery, timeZone: string): Promise<AuditPageJson> {
  const { page: _page, page_size: _size, ...filters } = query;
  const page = pageOf(query);
  const { items, total } = await listAudit(db, auditFilter(filters, timeZone), page);
  return { items: items.map(auditEntryJson), total, page: page.page, page_size: page.pageSize };
}

/**
 * The filtered log as a file, in the admin's language: when, who, the sentence the audit page
 * shows, and the entity. Same words as the page (pwa/src/admin/audit-render.ts).
 */
export async function auditExport(db: Executor, query: AuditFilterQuery, format: 'csv' | 'xlsx', lang: 'it' | 'en', timeZone: string) {
  const { items } = await listAudit(db, auditFilter(query, timeZone), { limit: AUDIT_EXPORT_MAX_ROWS, offset: 0 });
  const words = auditWords(lang, timeZone);
  const columns: SheetColumn[] = [
    { header: auditWord(lang, 'admin.audit.at'), kind: 'date' },
    { header: auditWord(lang, 'admin.audit.actor'), kind: 'text' },
    { header: auditWord(lang, 'admin.audit.entry'), kind: 'text' },
    { header: auditWord(lang, 'admin.audit.entity_type'), kind: 'text' },
    { header: auditWord(lang, 'admin.audit.filter.entity_id'), kind: 'number' },
  ];
  const rows = items.map((row) => {
    const entry = auditEntryJson(row);
    const actor = entry.details?.actor?.name ?? entry.actor?.name ?? entry.actor?.email ?? auditWord(lang, 'admin.audit.system');
    const type = auditWord(lang, `admin.audit.entity.${entry.entity_type}`);
    return [new Date(entry.at), actor, renderAuditText(entry, words), type.startsWith('admin.') ? auditWord(lang, 'admin.audit.entity.other') : type, entry.entity_id];
  });
  const stem = lang === 'it' ? 'registro-attivita' : 'audit-log';
  if (format === 'xlsx') {
    const body = await writeXlsx({ sheetName: auditWord(lang, 'admin.audit.title'), columns, rows, timeZone });
    return { fileName: `${stem}.xlsx`, contentType: XLSX_CONTENT_TYPE, body };
  }
  return { fileName: `${stem}.csv`, contentType: CSV_CONTENT_TYPE, body: writeCsv({ columns, rows, separator: lang === 'it' ? ';' : ',', timeZone }) };
}
