import { icsEvent } from '../bookings/calendar.js';
import { formatDateTime } from '../lib/dates.js';
import type { RenderedMail, TicketLinks } from './mail-templates.js';
import { button, escapeHtml, layout, seats } from './mail-layout.js';

/*
 * The emails of the waiting list and of the reminder. Like the others they are bilingual
 * (Italian first) and render at delivery time from the payload stored in the outbox.
 */

interface PerformanceMail {
  name: string;
  showTitle: string;
  venueName: string;
  startsAt: string;
  partySize: number;
}

export interface ReminderPayload extends PerformanceMail {
  ticketLinks?: true;
  /** For the .ics attachment's UID: the same event as "add to calendar" on the ticket page. */
  reservationId: number;
  siteHost: string;
  code?: string;
}

export interface WaitlistConfirmationPayload extends PerformanceMail {
  confirmUrl: string;
  expiresAt: string;
}

export interface OfferPayload extends PerformanceMail {
  offerUrl: string;
  expiresAt: string;
}

export function renderReminder(p: ReminderPayload & TicketLinks, timeZone: string): RenderedMail {
  const whenIt = formatDateTime(p.startsAt, 'it', timeZone);
  const whenEn = formatDateTime(p.startsAt, 'en', timeZone);
  const text = [
    `Ciao ${p.name},`,
    '',
    `ti aspettiamo: «${p.showTitle}», ${whenIt}, ${p.venueName} (${seats(p.partySize, 'it')}).`,
    'Il tuo biglietto con il codice QR:',
    p.ticketUrl,
    ...(p.code ? [`Codice prenotazione: ${p.code}`] : []),
    'Non puoi più venire? Libera i posti per chi è in lista d’attesa:',
    p.cancelUrl,
    '',
    '---',
    `Hello ${p.name},`,
    '',
    `see you soon: "${p.showTitle}", ${whenEn}, ${p.venueName} (${seats(p.partySize, 'en')}).`,
    'Your ticket with the QR code:',
    p.ticketUrl,
    ...(p.code ? [`Reservation code: ${p.code}`] : []),
    "Can't come any more? Free your seats for the people on the waiting list:",
    p.cancelUrl,
  ].join('\n');
  const html = layout(`
<p>Ciao ${escapeHtml(p.name)},</p>
<p>ti aspettiamo: <strong>${escapeHtml(p.showTitle)}</strong>, ${escapeHtml(whenIt)}, ${escapeHtml(p.venueName)} (${seats(p.partySize, 'it')}).</p>
${button(p.ticketUrl, 'Apri il biglietto / Open your ticket')}
${p.code ? `<p>Codice prenotazione / Reservation code: <strong style="font-family:monospace;font-size:18px">${escapeHtml(p.code)}</strong></p>` : ''}
<p><a href="${escapeHtml(p.cancelUrl)}">Non posso venire: libera i posti</a> · <a href="${escapeHtml(p.cancelUrl)}" lang="en">I can't come: free my seats</a></p>
<hr style="border:none;border-top:1px solid #eee">
<p lang="en">Hello ${escapeHtml(p.name)}, see you soon at <strong>${escapeHtml(p.showTitle)}</strong> (${escapeHtml(whenEn)}, ${seats(p.partySize, 'en')}).</p>`);
  const ics = icsEvent({
    uid: `reservation-${p.reservationId}@${p.siteHost}`,
    title: p.showTitle,
    location: `${p.venueName}, AzioneLab`,
    startsAt: new Date(p.startsAt),
    durationMinutes: 120,
    description: `${p.partySize} ${p.partySize === 1 ? 'posto / seat' : 'posti / seats'}`,
    now: new Date(),
  });
  return {
    subject: `Promemoria / Reminder: ${p.showTitle}`,
    text,
    html,
    attachments: [{ filename: 'azionelab.ics', content: Buffer.from(ics), cid: 'event-ics', contentType: 'text/calendar; charset=utf-8' }],
  };
}

export function renderWaitlistConfirmation(p: WaitlistConfirmationPayload, timeZone: string): RenderedMail {
  const whenIt = formatDateTime(p.startsAt, 'it', timeZone);
  const whenEn = formatDateTime(p.startsAt, 'en', timeZone);
  const expiresIt = formatDateTime(p.expiresAt, 'it', timeZone);
  const expiresEn = formatDateTime(p.expiresAt, 'en', timeZone);
  const text = [
    `Ciao ${p.name},`,
    '',
    `hai chiesto di entrare in lista d’attesa per «${p.showTitle}», ${whenIt} (${seats(p.partySize, 'it')}).`,
    'Conferma da questo link per prendere il tuo posto in fila:',
    p.confirmUrl,
    `Il link scade il ${expiresIt}. Se non sei stato tu, ignora questa email.`,
    '',
    '---',
    `Hello ${p.name},`,
    '',
    `you asked to join the waiting list for "${p.showTitle}", ${whenEn} (${seats(p.partySize, 'en')}).`,
    'Confirm with this link to take your place in line:',
    p.confirmUrl,
    `The link expires on ${expiresEn}. If this was not you, ignore this email.`,
  ].join('\n');
  const html = layout(`
<p>Ciao ${escapeHtml(p.name)},</p>
<p>hai chiesto di entrare in lista d’attesa per <strong>${escapeHtml(p.showTitle)}</strong>, ${escapeHtml(whenIt)} (${seats(p.partySize, 'it')}).</p>
${button(p.confirmUrl, 'Conferma / Confirm')}
<p style="font-size:14px">Il link scade il ${escapeHtml(expiresIt)}.</p>
<hr style="border:none;border-top:1px solid #eee">
<p lang="en">Hello ${escapeHtml(p.name)}, confirm to join the waiting list for <strong>${escapeHtml(p.showTitle)}</strong> (${escapeHtml(whenEn)}). The link expires on ${escapeHtml(expiresEn)}.</p>`);
  return { subject: `Lista d’attesa: conferma / Waiting list: confirm – ${p.showTitle}`, text, html };
}

export function renderOffer(p: OfferPayload, timeZone: string): RenderedMail {
  const whenIt = formatDateTime(p.startsAt, 'it', timeZone);
  const whenEn = formatDateTime(p.startsAt, 'en', timeZone);
  const expiresIt = formatDateTime(p.expiresAt, 'it', timeZone);
  const expiresEn = formatDateTime(p.expiresAt, 'en', timeZone);
  const text = [
    `Ciao ${p.name},`,
    '',
    `si sono liberati ${seats(p.partySize, 'it')} per «${p.showTitle}», ${whenIt}, ${p.venueName}.`,
    `Li teniamo per te fino al ${expiresIt}. Prendili da qui:`,
    p.offerUrl,
    'Se non li prendi entro quell’ora passano alla persona successiva in lista.',
    '',
    '---',
    `Hello ${p.name},`,
    '',
    `${seats(p.partySize, 'en')} came free for "${p.showTitle}", ${whenEn}, ${p.venueName}.`,
    `We hold them for you until ${expiresEn}. Take them here:`,
    p.offerUrl,
    'If you do not take them by then, they go to the next person on the list.',
  ].join('\n');
  const html = layout(`
<p>Ciao ${escapeHtml(p.name)},</p>
<p>si sono liberati <strong>${seats(p.partySize, 'it')}</strong> per <strong>${escapeHtml(p.showTitle)}</strong>, ${escapeHtml(whenIt)}, ${escapeHtml(p.venueName)}.</p>
<p>Li teniamo per te fino al <strong>${escapeHtml(expiresIt)}</strong>.</p>
${button(p.offerUrl, 'Prendi i posti / Take the seats')}
<hr style="border:none;border-top:1px solid #eee">
<p lang="en">Hello ${escapeHtml(p.name)}, ${seats(p.partySize, 'en')} came free for <strong>${escapeHtml(p.showTitle)}</strong> (${escapeHtml(whenEn)}). We hold them for you until ${escapeHtml(expiresEn)}.</p>`);
  return { subject: `Posti liberi per te / Seats for you: ${p.showTitle}`, text, html };
}
