import { otherLocale, type Locale } from '../../../shared/src/locale.js';
import { button, composeMail, p, small, when, type MailContext, type RenderedMail } from './mail-layout.js';
import type { StaffLinkPayload } from './mail-payloads.js';

/*
 * Emails to staff: an invitation to set a first password, and a password reset. A reset is
 * written in the language of the browser that asked for it; an invitation in Italian, the
 * theatre's working language (nothing is known yet of the invitee's). Either offers the other
 * language as the same link opening the page in it. The link carries a one-time token in its
 * fragment; the payload holds it only until the email is sent.
 */

const ACTION: Record<'staff_invitation' | 'staff_password_reset', Record<Locale, string>> = {
  staff_invitation: { it: 'Scegli la password', en: 'Choose your password' },
  staff_password_reset: { it: 'Scegli una nuova password', en: 'Choose a new password' },
};

export function renderStaffMail(kind: 'staff_invitation' | 'staff_password_reset', m: StaffLinkPayload, ctx: MailContext): RenderedMail {
  const l = m.locale;
  const expires = when(m.expiresAt, l, ctx);
  const invitation = kind === 'staff_invitation';
  const words = {
    it: {
      subject: invitation ? 'Benvenuto in AzioneLab Tickets' : 'Reimposta la password',
      blocks: [
        p(`Ciao ${m.name},`),
        p(
          invitation
            ? `${m.invitedBy ? `${m.invitedBy} ti ha invitato` : 'Sei stato invitato'} a usare AzioneLab Tickets. Scegli la tua password da questo link:`
            : 'Hai chiesto di reimpostare la password di AzioneLab Tickets. Scegline una nuova da questo link:',
        ),
        button(m.link, ACTION[kind].it),
        small(`Il link vale una sola volta, fino al ${expires}.`),
        !invitation && small('Se non sei stato tu, ignora questa email: la password resta quella di prima.'),
      ],
    },
    en: {
      subject: invitation ? 'Welcome to AzioneLab Tickets' : 'Reset your password',
      blocks: [
        p(`Hello ${m.name},`),
        p(
          invitation
            ? `${m.invitedBy ? `${m.invitedBy} invited you` : 'You have been invited'} to AzioneLab Tickets. Choose your password from this link:`
            : 'You asked to reset your AzioneLab Tickets password. Choose a new one from this link:',
        ),
        button(m.link, ACTION[kind].en),
        small(`The link works once, until ${expires}.`),
        !invitation && small('If this was not you, ignore this email: your password stays as it was.'),
      ],
    },
  }[l];
  return composeMail({ locale: l, subject: words.subject, blocks: words.blocks, otherLanguage: { url: m.link, label: ACTION[kind][otherLocale(l)] } }, ctx);
}
