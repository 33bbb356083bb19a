import { tOr } from '../lib/i18n';

/** The actions the server writes to the audit log (and to a reservation's history). */
export const AUDIT_ACTIONS = [
  'reservation.create',
  'reservation.confirm',
  'reservation.cancel',
  'reservation.resend',
  'reservation.reissue',
  'reservation.issue',
  'reservation.update',
  'reservation.expire',
  'check_in.create',
  'check_in.undo',
  'check_in.reassign',
  'check_in.duplicate',
  'performance.create',
  'performance.update',
  'performance.delete',
  'performance.cancel',
  'performance.message',
  'show.create',
  'show.update',
  'show.publish',
  'show.unpublish',
  'show.delete',
  'venue.create',
  'venue.update',
  'venue.delete',
  'user.create',
  'user.update',
  'user.deactivate',
  'user.password_reset',
] as const;

/** Words for an action; one the UI does not know yet is shown as its code. */
export function actionLabel(action: string): string {
  return tOr(`admin.action.${action}`, action);
}
