import type { MessageKey } from '../lib/i18n';

/*
 * A staff change of a reservation is audited as `field before → after, …` (server/src/bookings/
 * reservation-changes.ts), field names as the API spells them. In a reservation's history the
 * names become the admin's words; the values stay as they were typed.
 */

export const CHANGE_FIELD_LABELS: Record<string, MessageKey> = {
  name: 'admin.reservations.name',
  email: 'admin.reservations.email',
  phone: 'admin.reservations.phone',
  notes: 'admin.reservations.notes',
  party_size: 'admin.reservations.party_size',
  performance_id: 'admin.reservation.performance',
};

/** Words for a reservation change in the history (`label` words a field); undefined for any other entry. */
export function changeDetail(entry: { action: string; summary: string }, label: (key: MessageKey) => string): string | undefined {
  if (entry.action !== 'reservation.update' || !entry.summary) return undefined;
  return entry.summary.replace(
    /(^|, )(name|email|phone|notes|party_size|performance_id) /g,
    (_whole, separator: string, field: string) => `${separator}${label(CHANGE_FIELD_LABELS[field]!)}: `,
  );
}

/**
 * The reason given for undoing a check-in (audited as `… undone. Reason: <reason>` by
 * server/src/check-ins/check-in-service.ts): the staff's own words, shown as typed.
 */
export function undoReason(entry: { action: string; summary: string }): string | undefined {
  if (entry.action !== 'check_in.undo') return undefined;
  const marker = entry.summary.indexOf('Reason: ');
  return marker === -1 ? undefined : entry.summary.slice(marker + 'Reason: '.length);
}
