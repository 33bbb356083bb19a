import { icsEvent } from '../bookings/calendar.js';
import { formatDateTime } from '../lib/dates.js';
import { button, escapeHtml, layout, seats } from './mail-layout.js';
import type { RenderedMail, TicketLinks } from './mail-templates.js';

/*
 * The emails staff send to a whole performance: its cancellation, its move to another time,
 * and a message written to some of its guests. Bilingual like the others (Italian first); the
 * staff's own words go in as they were typed (one language, whichever staff chose), escaped in
 * the HTML. They render at delivery time from the payload the outbox keeps.
 */

export type PerformanceMailKind = 'performance_cancelled' | 'performance_moved' | 'performance_message';

export interface PerformanceMailPayload {
  /** The guest's name (the first one when several bookings share the address). */
  name: string;
  performanceId: number;
  showTitle: string;
  venueName: string;
  /** The performance's time: for a move, the new one. */
  startsAt: string;
  /** A move: the time the guest booked for. */
  previousStartsAt?: string;
  /** The seats this address holds, when it holds any (waiting-list guests hold none). */
  partySize?: number;
  /** The staff's subject (a message) and words (a message or a cancellation). */
  subject?: string;
  body?: string;
  /** For the .ics of a move: the same calendar event as the ticket page's "add to calendar". */
  reservationId?: number;
  siteHost: string;
  /** The worker adds the guest's ticket links at send time (one reservation per email only). */
  ticketLinks?: true;
}

type Payload = PerformanceMailPayload & Partial<TicketLinks>;

const rule = '<hr style="border:none;border-top:1px solid #eee">';

/** Staff text: escaped, paragraphs and line breaks kept. */
function staffHtml(body: string): string {
  return body
    .trim()
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => `<p style="white-space:normal">${escapeHtml(paragraph).replace(/\r?\n/g, '<br>')}</p>`)
    .join('\n');
}

function staffBlock(body: string | undefined): string {
  if (!body?.trim()) return '';
  return `<blockquote style="margin:16px 0;padding:8px 16px;border-left:4px solid #b3261e;background:#faf7f5">${staffHtml(body)}</blockquote>`;
}

function ticketText(p: Payload, lang: 'it' | 'en'): string[] {
  if (!p.ticketUrl) return [];
  return lang === 'it' ? ['Il tuo biglietto:', p.ticketUrl] : ['Your ticket:', p.ticketUrl];
}

function ticketHtml(p: Payload): string {
  if (!p.ticketUrl) return '';
  const cancel = p.cancelUrl
    ? `<p><a href="${escapeHtml(p.cancelUrl)}">Non posso venire: libera i posti</a> · <a href="${escapeHtml(p.cancelUrl)}" lang="en">I can't come: free my seats</a></p>`
    : '';
  return `${button(p.ticketUrl, 'Apri il biglietto / Open your ticket')}\n${cancel}`;
}

export function renderPerformanceMail(kind: PerformanceMailKind, payload: PerformanceMailPayload, timeZone: string): RenderedMail {
  const p = payload as Payload;
  switch (kind) {
    case 'performance_cancelled':
      return renderCancelled(p, timeZone);
    case 'performance_moved':
      return renderMoved(p, timeZone);
    case 'performance_message':
      return renderMessage(p, timeZone);
  }
}

function renderCancelled(p: Payload, timeZone: string): RenderedMail {
  const whenIt = formatDateTime(p.startsAt, 'it', timeZone);
  const whenEn = formatDateTime(p.startsAt, 'en', timeZone);
  const heldIt = p.partySize ? ` La tua prenotazione (${seats(p.partySize, 'it')}) è cancellata e il codice QR non è più valido.` : '';
  const heldEn = p.partySize ? ` Your reservation (${seats(p.partySize, 'en')}) is cancelled and the QR code is no longer valid.` : '';
  const text = [
    `Ciao ${p.name},`,
    '',
    `purtroppo la replica di «${p.showTitle}» del ${whenIt}, ${p.venueName}, è annullata.${heldIt}`,
    '',
    ...(p.body ? [p.body.trim(), ''] : []),
    '---',
    `Hello ${p.name},`,
    '',
    `we are sorry: the performance of "${p.showTitle}" on ${whenEn}, ${p.venueName}, is cancelled.${heldEn}`,
  ].join('\n');
  const html = layout(`
<p>Ciao ${escapeHtml(p.name)},</p>
<p>purtroppo la replica di <strong>${escapeHtml(p.showTitle)}</strong> del <strong>${escapeHtml(whenIt)}</strong>, ${escapeHtml(p.venueName)}, è <strong>annullata</strong>.${escapeHtml(heldIt)}</p>
${staffBlock(p.body)}
${rule}
<p lang="en">Hello ${escapeHtml(p.name)}, we are sorry: the performance of <strong>${escapeHtml(p.showTitle)}</strong> on <strong>${escapeHtml(whenEn)}</strong>, ${escapeHtml(p.venueName)}, is <strong>cancelled</strong>.${escapeHtml(heldEn)}</p>`);
  return { subject: `Replica annullata / Performance cancelled: ${p.showTitle}`, text, html };
}

function renderMoved(p: Payload, timeZone: string): RenderedMail {
  const whenIt = formatDateTime(p.startsAt, 'it', timeZone);
  const whenEn = formatDateTime(p.startsAt, 'en', timeZone);
  const wasIt = p.previousStartsAt ? formatDateTime(p.previousStartsAt, 'it', timeZone) : undefined;
  const wasEn = p.previousStartsAt ? formatDateTime(p.previousStartsAt, 'en', timeZone) : undefined;
  const ticketIt = p.ticketUrl ? ' Il biglietto che hai resta valido.' : '';
  const ticketEn = p.ticketUrl ? ' The ticket you have stays valid.' : '';
  const heldIt = p.partySize ? ` La tua prenotazione (${seats(p.partySize, 'it')}) vale per il nuovo orario.${ticketIt}` : '';
  const heldEn = p.partySize ? ` Your reservation (${seats(p.partySize, 'en')}) holds for the new time.${ticketEn}` : '';
  const text = [
    `Ciao ${p.name},`,
    '',
    `la replica di «${p.showTitle}», ${p.venueName}, cambia orario:`,
    ...(wasIt ? [`prima: ${wasIt}`] : []),
    `ora: ${whenIt}`,
    heldIt.trim(),
    ...ticketText(p, 'it'),
    // No "reply to this email": it comes from a no-reply address.
    `In allegato trovi l’evento aggiornato per il calendario.${p.ticketUrl ? ' Se non puoi più venire, libera i posti dalla pagina del biglietto.' : ''}`,
    '',
    '---',
    `Hello ${p.name},`,
    '',
    `the performance of "${p.showTitle}", ${p.venueName}, has a new time:`,
    ...(wasEn ? [`was: ${wasEn}`] : []),
    `now: ${whenEn}`,
    heldEn.trim(),
    ...ticketText(p, 'en'),
    `The updated calendar event is attached.${p.ticketUrl ? " If you can no longer come, free your seats from the ticket page." : ''}`,
  ]
    .filter((line, index, lines) => line !== '' || lines[index - 1] !== '')
    .join('\n');
  const html = layout(`
<p>Ciao ${escapeHtml(p.name)},</p>
<p>la replica di <strong>${escapeHtml(p.showTitle)}</strong>, ${escapeHtml(p.venueName)}, cambia orario:</p>
<p>${wasIt ? `<s>${escapeHtml(wasIt)}</s><br>` : ''}<strong style="font-size:18px">${escapeHtml(whenIt)}</strong></p>
${heldIt ? `<p>${escapeHtml(heldIt.trim())}</p>` : ''}
${ticketHtml(p)}
<p style="font-size:14px">In allegato l’evento aggiornato per il calendario / The updated calendar event is attached.</p>
${rule}
<p lang="en">Hello ${escapeHtml(p.name)}, the performance of <strong>${escapeHtml(p.showTitle)}</strong> has a new time: <strong>${escapeHtml(whenEn)}</strong>${wasEn ? ` (was ${escapeHtml(wasEn)})` : ''}.${escapeHtml(heldEn)}</p>`);
  const host = p.siteHost;
  const ics = icsEvent({
    // The ticket page's "add to calendar" uses the reservation's UID: the calendar updates that event.
    uid: p.reservationId ? `reservation-${p.reservationId}@${host}` : `performance-${p.performanceId}@${host}`,
    title: p.showTitle,
    location: `${p.venueName}, AzioneLab`,
    startsAt: new Date(p.startsAt),
    durationMinutes: 120,
    description: p.partySize ? `${p.partySize} ${p.partySize === 1 ? 'posto / seat' : 'posti / seats'}` : p.showTitle,
    now: new Date(),
  });
  return {
    subject: `Nuovo orario / New time: ${p.showTitle}, ${whenIt}`,
    text,
    html,
    attachments: [{ filename: 'azionelab.ics', content: Buffer.from(ics), cid: 'event-ics', contentType: 'text/calendar; charset=utf-8' }],
  };
}

function renderMessage(p: Payload, timeZone: string): RenderedMail {
  const whenIt = formatDateTime(p.startsAt, 'it', timeZone);
  const whenEn = formatDateTime(p.startsAt, 'en', timeZone);
  const text = [
    `Ciao ${p.name},`,
    '',
    `un messaggio per «${p.showTitle}», ${whenIt}, ${p.venueName}:`,
    '',
    (p.body ?? '').trim(),
    '',
    ...ticketText(p, 'it'),
    '---',
    `Hello ${p.name}, a message about "${p.showTitle}", ${whenEn}, ${p.venueName} (above).`,
    ...ticketText(p, 'en'),
  ].join('\n');
  const html = layout(`
<p>Ciao ${escapeHtml(p.name)},</p>
<p>un messaggio per <strong>${escapeHtml(p.showTitle)}</strong>, ${escapeHtml(whenIt)}, ${escapeHtml(p.venueName)}:</p>
${staffBlock(p.body)}
${ticketHtml(p)}
${rule}
<p lang="en">Hello ${escapeHtml(p.name)}, a message about <strong>${escapeHtml(p.showTitle)}</strong> (${escapeHtml(whenEn)}, ${escapeHtml(p.venueName)}), above.</p>`);
  return { subject: `${(p.subject ?? '').trim() || p.showTitle} – ${p.showTitle}`, text, html };
}
