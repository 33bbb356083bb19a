import { z } from 'zod';
import { auditDetailsSchema } from './audit-details.js';
import { MAX_ID } from './contracts.js';
import { FORMATS } from './field-errors.js';

/*
 * GET /api/admin/audit (a page of entries) and GET /api/admin/audit/export.(csv|xlsx) (every
 * entry the same filters select): request and response contracts, shared by server and admin.
 */

const day = z.string().regex(FORMATS.day);

/** The filters, shared by the page and the export. `from` and `to` are days in the theatre's zone, both included. */
export const auditFilterQuery = z.strictObject({
  action: z.string().max(64).optional(),
  entity_type: z.string().max(64).optional(),
  entity_id: z.coerce.number().int().positive().max(MAX_ID).optional(),
  user_id: z.coerce.number().int().positive().max(MAX_ID).optional(),
  from: day.optional(),
  to: day.optional(),
});
export type AuditFilterQuery = z.infer<typeof auditFilterQuery>;

export const auditPageQuery = auditFilterQuery.extend({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  page_size: z.coerce.number().int().min(1).max(500).default(25),
});
export type AuditPageQuery = z.infer<typeof auditPageQuery>;

export const AUDIT_EXPORT_LANGUAGES = ['it', 'en'] as const;
export const auditExportQuery = auditFilterQuery.extend({ lang: z.enum(AUDIT_EXPORT_LANGUAGES).default('it') });

export const auditEntrySchema = z.strictObject({
  id: z.number().int(),
  at: z.string(),
  /** The account as it is now (null: a guest or the system, or a deleted account). */
  actor: z.strictObject({ id: z.number().int(), email: z.string().nullable(), name: z.string().nullable() }).nullable(),
  action: z.string(),
  entity_type: z.string(),
  entity_id: z.number().int().nullable(),
  /** Plain English, kept for entries written before details existed. */
  summary: z.string(),
  details: auditDetailsSchema.nullable(),
});
export type AuditEntryJson = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = z.strictObject({
  items: z.array(auditEntrySchema),
  total: z.number().int(),
  page: z.number().int(),
  page_size: z.number().int(),
});
export type AuditPageJson = z.infer<typeof auditPageSchema>;
