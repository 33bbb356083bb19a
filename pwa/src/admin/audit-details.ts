import { isCheckInConflictAction, readCheckInConflict, type CheckInConflict } from '../../../shared/src/door-contracts';
import { formatTimeWithSeconds, t } from '../lib/i18n';

/*
 * Most audit summaries are short English notes for the record ("2 seats, offline scan"). A door
 * conflict's summary is data (shared/src/door-contracts.ts): here it becomes a sentence in the
 * admin's language, naming both scans to the second and the rule that chose between them.
 */

type Scan = CheckInConflict['won'];

function scanText(scan: Scan): string {
  const time = formatTimeWithSeconds(scan.at);
  if (scan.device === null) {
    return scan.staff ? t('admin.check_in_conflict.online', { staff: scan.staff, time }) : t('admin.check_in_conflict.online_no_staff', { time });
  }
  return scan.staff
    ? t('admin.check_in_conflict.scan', { device: scan.device, staff: scan.staff, time })
    : t('admin.check_in_conflict.scan_no_staff', { device: scan.device, time });
}

/** Words for a door conflict in a reservation's history; undefined for any other entry. */
export function conflictDetail(entry: { action: string; summary: string }): string | undefined {
  if (!isCheckInConflictAction(entry.action)) return undefined;
  const conflict = readCheckInConflict(entry.summary);
  if (!conflict) return undefined;
  const words = { won: scanText(conflict.won), lost: scanText(conflict.lost) };
  return entry.action === 'check_in.reassign' ? t('admin.check_in_conflict.reassign', words) : t('admin.check_in_conflict.duplicate', words);
}

/** What the audit log shows under an entry: a conflict in words, anything else as written. */
export const auditDetail = (entry: { action: string; summary: string }): string => conflictDetail(entry) ?? entry.summary;
