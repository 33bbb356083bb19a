import { formatDateTime } from '../lib/dates.js';
import { button, escapeHtml, layout } from './mail-layout.js';
import type { RenderedMail } from './mail-templates.js';

/*
 * Emails to staff: an invitation to set a first password, and a password reset. Like the
 * guests' emails they are bilingual (Italian first). The link carries a one-time token in its
 * fragment; the payload holds it only until the email is sent.
 */

export interface StaffLinkPayload {
  /** The staff member's display name, or their email when they have none. */
  name: string;
  /** Who invited them (invitations only). */
  invitedBy?: string;
  link: string;
  expiresAt: string;
}

export function renderStaffMail(kind: 'staff_invitation' | 'staff_password_reset', p: StaffLinkPayload, timeZone: string): RenderedMail {
  const expiresIt = formatDateTime(p.expiresAt, 'it', timeZone);
  const expiresEn = formatDateTime(p.expiresAt, 'en', timeZone);
  const invitation = kind === 'staff_invitation';
  const it = invitation
    ? `${p.invitedBy ? `${p.invitedBy} ti ha invitato` : 'Sei stato invitato'} a usare AzioneLab Tickets. Scegli la tua password da questo link:`
    : 'Hai chiesto di reimpostare la password di AzioneLab Tickets. Scegline una nuova da questo link:';
  const en = invitation
    ? `${p.invitedBy ? `${p.invitedBy} invited you` : 'You have been invited'} to AzioneLab Tickets. Choose your password from this link:`
    : 'You asked to reset your AzioneLab Tickets password. Choose a new one from this link:';
  const ignoreIt = invitation ? '' : 'Se non sei stato tu, ignora questa email: la password resta quella di prima.';
  const ignoreEn = invitation ? '' : 'If this was not you, ignore this email: your password stays as it was.';
  const text = [
    `Ciao ${p.name},`,
    '',
    it,
    p.link,
    `Il link vale una sola volta, fino al ${expiresIt}.`,
    ...(ignoreIt ? [ignoreIt] : []),
    '',
    '---',
    `Hello ${p.name},`,
    '',
    en,
    p.link,
    `The link works once, until ${expiresEn}.`,
    ...(ignoreEn ? [ignoreEn] : []),
  ].join('\n');
  const html = layout(`
<p>Ciao ${escapeHtml(p.name)},</p>
<p>${escapeHtml(it)}</p>
${button(p.link, invitation ? 'Scegli la password / Choose your password' : 'Nuova password / New password')}
<p style="font-size:14px">Il link vale una sola volta, fino al ${escapeHtml(expiresIt)}. ${escapeHtml(ignoreIt)}</p>
<hr style="border:none;border-top:1px solid #eee">
<p lang="en">Hello ${escapeHtml(p.name)}, ${escapeHtml(en)} The link works once, until ${escapeHtml(expiresEn)}. ${escapeHtml(ignoreEn)}</p>`);
  const subject = invitation ? 'Benvenuto in AzioneLab Tickets / Welcome to AzioneLab Tickets' : 'Reimposta la password / Reset your password';
  return { subject, text, html };
}
