import { readAuditDetails, type AuditDetails } from '../../../shared/src/audit-details.js';
import type { Executor } from '../db/client.js';
import { auditEntriesOf, rewriteAuditEntry } from './retention-repository.js';

/** Fields of a reservation whose values are the guest's personal data. */
const PERSONAL_FIELDS = new Set(['name', 'email', 'phone', 'notes']);
/** Actions on a reservation whose entries may quote the guest: an edit's values, an undo's reason (free text). */
const ACTIONS_WITH_PERSONAL_DATA = ['reservation.update', 'check_in.undo'];
const ERASED = 'personal data erased after the retention period';

/** An entry's details without the guest's data; `erased` names what went, so the trail says so. */
export function withoutGuestData(details: AuditDetails): AuditDetails {
  const erased = new Set(details.erased ?? []);
  const changes = details.changes?.map((change) => {
    if (!PERSONAL_FIELDS.has(change.field)) return change;
    erased.add(change.field);
    return { field: change.field, before: null, after: null };
  });
  const { reason, ...rest } = details;
  if (reason !== undefined) erased.add('reason');
  return { ...rest, ...(changes && { changes }), ...(erased.size > 0 && { erased: [...erased] }) };
}

/**
 * The audit trail of anonymized reservations loses the guest's data with them: the summary of
 * an entry that quoted it becomes a plain note, its details keep the facts (which fields changed,
 * seats, times) without the values. Runs in the retention job's transaction.
 */
export async function eraseGuestDataInAudit(tx: Executor, reservationIds: number[]): Promise<void> {
  for (const row of await auditEntriesOf(tx, reservationIds, ACTIONS_WITH_PERSONAL_DATA)) {
    const details = readAuditDetails(row.details);
    await rewriteAuditEntry(tx, row.id, { summary: ERASED, details: details ? withoutGuestData(details) : null });
  }
}
