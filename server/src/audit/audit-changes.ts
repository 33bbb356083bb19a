import type { AuditChange } from '../../../shared/src/audit-details.js';

type Value = AuditChange['before'];

/** A column's value as audit data: dates as ISO instants, the rest as they are. */
export function auditValue(value: unknown): Value {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

/**
 * The fields that differ between two versions of a row, before → after, by their API names
 * (`fields` maps an API name to the row's column). What the audit trail shows of an edit.
 */
export function auditChanges<Row extends object>(before: Row, after: Row, fields: Record<string, keyof Row>): AuditChange[] {
  return Object.entries(fields)
    .map(([field, column]) => ({ field, before: auditValue(before[column]), after: auditValue(after[column]) }))
    .filter((change) => change.before !== change.after);
}

/** The same changes in plain English, for the summary (`field: before → after, …`). */
export const changesSummary = (changes: AuditChange[]) => changes.map((c) => `${c.field}: ${String(c.before)} → ${String(c.after)}`).join(', ');
