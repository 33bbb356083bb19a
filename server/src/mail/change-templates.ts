import { icsEvent } from '../bookings/calendar.js';
import { formatDateTime } from '../lib/dates.js';
import { button, escapeHtml, layout, seats } from './mail-layout.js';
import type { RenderedMail, TicketLinks } from './mail-templates.js';

/** What a reservation was and is: a date (performance) and a number of seats. */
export interface ReservationTerms {
  startsAt: string;
  venueName: string;
  partySize: number;
}

/**
 * "Your reservation changed": the box office moved it to another date of the show or changed
 * its seats. Sent with `ticketLinks: true` for a confirmed reservation, so the worker adds the
 * links of the guest's *same* ticket at send time (the QR they hold keeps working). A pending
 * reservation has no ticket yet: its guest still confirms from the first email's link.
 */
export interface ReservationChangedPayload {
  name: string;
  showTitle: string;
  before: ReservationTerms;
  after: ReservationTerms;
  status: 'pending' | 'confirmed';
  code?: string | null;
  /** For the .ics UID: the same event as the ticket page's "add to calendar" and the reminder's. */
  reservationId: number;
  siteHost: string;
  ticketLinks?: true;
}

export function renderReservationChanged(p: ReservationChangedPayload & Partial<TicketLinks>, timeZone: string): RenderedMail {
  const moved = p.before.startsAt !== p.after.startsAt || p.before.venueName !== p.after.venueName;
  const resized = p.before.partySize !== p.after.partySize;
  const when = (terms: ReservationTerms, lang: 'it' | 'en') => `${formatDateTime(terms.startsAt, lang, timeZone)}, ${terms.venueName}`;
  const changesIt = [
    ...(moved ? [`Data: ${when(p.before, 'it')} → ${when(p.after, 'it')}`] : []),
    ...(resized ? [`Posti: ${p.before.partySize} → ${p.after.partySize}`] : []),
  ];
  const changesEn = [
    ...(moved ? [`Date: ${when(p.before, 'en')} → ${when(p.after, 'en')}`] : []),
    ...(resized ? [`Seats: ${p.before.partySize} → ${p.after.partySize}`] : []),
  ];
  const ticketUrl = p.status === 'confirmed' ? p.ticketUrl : undefined;
  const nowIt = `Ora: ${seats(p.after.partySize, 'it')} per «${p.showTitle}», ${when(p.after, 'it')}.`;
  const nowEn = `Now: ${seats(p.after.partySize, 'en')} for "${p.showTitle}", ${when(p.after, 'en')}.`;
  const ticketIt = ticketUrl
    ? ['Il tuo biglietto resta lo stesso: il codice QR che hai già vale per la nuova prenotazione.', ticketUrl]
    : p.status === 'pending'
      ? ['La prenotazione resta in attesa: confermala dal link dell’email che hai ricevuto.']
      : [];
  const ticketEn = ticketUrl
    ? ['Your ticket stays the same: the QR code you already have is valid for the new reservation.', ticketUrl]
    : p.status === 'pending'
      ? ['Your reservation is still pending: confirm it with the link in the email you received.']
      : [];
  const codeIt = p.code ? [`Codice prenotazione: ${p.code}`] : [];
  const codeEn = p.code ? [`Reservation code: ${p.code}`] : [];

  const text = [
    `Ciao ${p.name},`,
    '',
    `la biglietteria ha modificato la tua prenotazione per «${p.showTitle}».`,
    ...changesIt,
    nowIt,
    ...ticketIt,
    ...codeIt,
    '',
    '---',
    `Hello ${p.name},`,
    '',
    `the box office changed your reservation for "${p.showTitle}".`,
    ...changesEn,
    nowEn,
    ...ticketEn,
    ...codeEn,
  ].join('\n');

  const list = (items: string[]) => (items.length ? `<ul>${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>` : '');
  const html = layout(`
<p>Ciao ${escapeHtml(p.name)},</p>
<p>la biglietteria ha modificato la tua prenotazione per <strong>${escapeHtml(p.showTitle)}</strong>.</p>
${list(changesIt)}
<p><strong>${escapeHtml(nowIt)}</strong></p>
${ticketUrl ? `<p>${escapeHtml(ticketIt[0]!)}</p>${button(ticketUrl, 'Apri il biglietto / Open your ticket')}` : ticketIt.map((line) => `<p>${escapeHtml(line)}</p>`).join('')}
${p.code ? `<p>Codice prenotazione / Reservation code: <strong style="font-family:monospace;font-size:18px">${escapeHtml(p.code)}</strong></p>` : ''}
<hr style="border:none;border-top:1px solid #eee">
<div lang="en">
<p>Hello ${escapeHtml(p.name)}, the box office changed your reservation for <strong>${escapeHtml(p.showTitle)}</strong>.</p>
${list(changesEn)}
<p>${escapeHtml(nowEn)} ${escapeHtml(ticketEn[0] ?? '')}</p>
</div>`);

  // A new date: a calendar entry for it, with the UID of the one the guest may already have.
  const attachments = moved
    ? [
        {
          filename: 'azionelab.ics',
          content: Buffer.from(
            icsEvent({
              uid: `reservation-${p.reservationId}@${p.siteHost}`,
              title: p.showTitle,
              location: `${p.after.venueName}, AzioneLab`,
              startsAt: new Date(p.after.startsAt),
              durationMinutes: 120,
              description: `${p.after.partySize} ${p.after.partySize === 1 ? 'posto / seat' : 'posti / seats'}`,
              now: new Date(),
            }),
          ),
          cid: 'event-ics',
          contentType: 'text/calendar; charset=utf-8',
        },
      ]
    : undefined;
  return {
    subject: `Prenotazione modificata / Reservation changed: ${p.showTitle}`,
    text,
    html,
    ...(attachments && { attachments }),
  };
}
