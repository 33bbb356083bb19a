import type { MailKind } from '../db/schema.js';
import { renderReservationChanged } from './change-templates.js';
import type { MailContext, RenderedMail } from './mail-layout.js';
import type { StoredPayload } from './mail-payloads.js';
import { renderPerformanceMail } from './performance-templates.js';
import { renderCancelled, renderConfirmation, renderReminder, renderTicket } from './reservation-templates.js';
import { renderStaffMail } from './staff-templates.js';
import { renderOffer, renderWaitlistConfirmation } from './waitlist-templates.js';

/** Which template writes each kind of email; each one gets its kind's payload, typed. */
const TEMPLATES: { [K in MailKind]: (payload: StoredPayload<K>, ctx: MailContext) => RenderedMail } = {
  reservation_confirmation: renderConfirmation,
  reservation_ticket: renderTicket,
  reservation_cancelled: renderCancelled,
  reservation_reminder: renderReminder,
  reservation_changed: renderReservationChanged,
  waitlist_confirmation: renderWaitlistConfirmation,
  waitlist_offer: renderOffer,
  performance_cancelled: (payload, ctx) => renderPerformanceMail('performance_cancelled', payload, ctx),
  performance_moved: (payload, ctx) => renderPerformanceMail('performance_moved', payload, ctx),
  performance_message: (payload, ctx) => renderPerformanceMail('performance_message', payload, ctx),
  staff_invitation: (payload, ctx) => renderStaffMail('staff_invitation', payload, ctx),
  staff_password_reset: (payload, ctx) => renderStaffMail('staff_password_reset', payload, ctx),
};

/** Emails to staff (their own account); every other kind goes to a guest. */
export const isStaffMail = (kind: MailKind) => kind === 'staff_invitation' || kind === 'staff_password_reset';

export function renderMail<K extends MailKind>(kind: K, payload: StoredPayload<K>, ctx: MailContext): RenderedMail {
  return TEMPLATES[kind](payload, ctx);
}
