import { AUDIT_ACTIONS } from '../../../shared/src/audit-details';
import { formatNumber, formatShortDateTime, formatTime, formatTimeWithSeconds, locale, tOr } from '../lib/i18n';
import type { AuditLink, AuditWords } from './audit-render';
import { router } from './router';

/*
 * The admin's side of audit-render.ts: its words in the language chosen now, and where each
 * entity's page is. Reads `locale.current`, so markup using it follows a change of language.
 */

/** Marks a key the dictionaries lack (`tOr` answers the fallback then). */
const MISSING = '\u0000';

export function adminAuditWords(): AuditWords {
  const plural = new Intl.PluralRules(locale.intl);
  return {
    lookup: (key) => {
      const template = tOr(key, MISSING);
      return template === MISSING ? undefined : template;
    },
    plural: (count) => plural.select(count),
    dateTime: (iso) => formatShortDateTime(iso),
    time: (iso) => formatTime(iso),
    timeWithSeconds: (iso) => formatTimeWithSeconds(iso),
    number: (value) => formatNumber(value),
  };
}

/** The admin page of an entity an entry names. */
export function auditHref(link: AuditLink): string | undefined {
  switch (link.kind) {
    case 'reservation':
      return router.href(`/reservations/${link.id}`);
    case 'performance':
      return router.href(`/performances/${link.id}/door-list`);
    case 'show':
      return router.href('/shows');
    case 'venue':
      return router.href('/venues');
    case 'user':
      return router.href('/users');
    case 'device':
      return router.href('/door-devices');
  }
}

/** Words for an action (the filter's list); one this admin does not know reads as a generic label. */
export const actionLabel = (action: string): string => tOr(`admin.action.${action}`, tOr('admin.audit.say.unknown', action));

export { AUDIT_ACTIONS };
