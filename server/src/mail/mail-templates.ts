import { qrPng } from '../lib/qr-png.js';
import type { MailKind } from '../db/schema.js';
import { formatDateTime } from '../lib/dates.js';
import { escapeHtml, layout, seats } from './mail-layout.js';
import { renderReservationChanged, type ReservationChangedPayload } from './change-templates.js';
import { renderPerformanceMail, type PerformanceMailPayload } from './performance-templates.js';
import { renderStaffMail, type StaffLinkPayload } from './staff-templates.js';
import { renderOffer, renderReminder, renderWaitlistConfirmation, type OfferPayload, type ReminderPayload, type WaitlistConfirmationPayload } from './waitlist-templates.js';

/**
 * What the outbox stores for each kind of email. Templates render at delivery time, so a
 * template fix also reaches messages still waiting in the queue.
 */
export interface ConfirmationPayload {
  name: string;
  showTitle: string;
  venueName: string;
  startsAt: string;
  partySize: number;
  confirmUrl: string;
  expiresAt: string;
}

/**
 * The guest's ticket links. Never queued: the mail worker derives them from the live ticket
 * when it sends a message whose payload says `ticketLinks: true` (bookings/ticket-links.ts).
 * Messages queued before derivable tickets carry them in the payload instead.
 */
export interface TicketLinks {
  ticketUrl: string;
  qrCodeUrl: string;
  cancelUrl: string;
}

export interface TicketPayload {
  name: string;
  showTitle: string;
  venueName: string;
  startsAt: string;
  partySize: number;
  /** Reservation code for admission without the phone (older queued messages may lack it). */
  code?: string;
  ticketLinks?: true;
}

export interface CancelledPayload {
  name: string;
  showTitle: string;
  venueName: string;
  startsAt: string;
  partySize: number;
  /** The reservation had been confirmed (it had a QR code to void); older rows lack it. */
  hadTicket?: boolean;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  attachments?: { filename: string; content: Buffer; cid: string; contentType: string }[];
}

export async function renderMail(kind: MailKind, payload: Record<string, unknown>, timeZone: string): Promise<RenderedMail> {
  switch (kind) {
    case 'reservation_confirmation':
      return renderConfirmation(payload as unknown as ConfirmationPayload, timeZone);
    case 'reservation_ticket':
      return renderTicket(payload as unknown as TicketPayload & TicketLinks, timeZone);
    case 'reservation_cancelled':
      return renderCancelled(payload as unknown as CancelledPayload, timeZone);
    case 'reservation_reminder':
      return renderReminder(payload as unknown as ReminderPayload & TicketLinks, timeZone);
    case 'waitlist_confirmation':
      return renderWaitlistConfirmation(payload as unknown as WaitlistConfirmationPayload, timeZone);
    case 'waitlist_offer':
      return renderOffer(payload as unknown as OfferPayload, timeZone);
    case 'reservation_changed':
      return renderReservationChanged(payload as unknown as ReservationChangedPayload, timeZone);
    case 'performance_cancelled':
    case 'performance_moved':
    case 'performance_message':
      return renderPerformanceMail(kind, payload as unknown as PerformanceMailPayload, timeZone);
    case 'staff_invitation':
    case 'staff_password_reset':
      return renderStaffMail(kind, payload as unknown as StaffLinkPayload, timeZone);
  }
}

function renderConfirmation(p: ConfirmationPayload, timeZone: string): RenderedMail {
  const whenIt = formatDateTime(p.startsAt, 'it', timeZone);
  const whenEn = formatDateTime(p.startsAt, 'en', timeZone);
  const expiresIt = formatDateTime(p.expiresAt, 'it', timeZone);
  const expiresEn = formatDateTime(p.expiresAt, 'en', timeZone);
  const text = [
    `Ciao ${p.name},`,
    '',
    `hai chiesto ${seats(p.partySize, 'it')} per «${p.showTitle}», ${whenIt}, ${p.venueName}.`,
    'La prenotazione resta in attesa finché non la confermi da questo link:',
    p.confirmUrl,
    `Il link scade il ${expiresIt}. Se non hai prenotato tu, ignora questa email.`,
    '',
    '---',
    `Hello ${p.name},`,
    '',
    `you asked for ${seats(p.partySize, 'en')} for "${p.showTitle}", ${whenEn}, ${p.venueName}.`,
    'Your reservation stays pending until you confirm it with this link:',
    p.confirmUrl,
    `The link expires on ${expiresEn}. If you did not book, ignore this email.`,
  ].join('\n');
  const link = escapeHtml(p.confirmUrl);
  const html = layout(`
<p>Ciao ${escapeHtml(p.name)},</p>
<p>hai chiesto <strong>${seats(p.partySize, 'it')}</strong> per <strong>${escapeHtml(p.showTitle)}</strong>, ${escapeHtml(whenIt)}, ${escapeHtml(p.venueName)}.</p>
<p>La prenotazione resta in attesa finché non la confermi:</p>
<p><a href="${link}" style="background:#b3261e;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block">Conferma la prenotazione</a></p>
<p style="font-size:14px">Il link scade il ${escapeHtml(expiresIt)}.</p>
<hr style="border:none;border-top:1px solid #eee">
<p lang="en">Hello ${escapeHtml(p.name)}, your reservation for <strong>${escapeHtml(p.showTitle)}</strong> (${escapeHtml(whenEn)}) stays pending until you <a href="${link}">confirm it</a>. The link expires on ${escapeHtml(expiresEn)}.</p>`);
  return { subject: `Conferma la prenotazione / Confirm your reservation: ${p.showTitle}`, text, html };
}

async function renderTicket(p: TicketPayload & TicketLinks, timeZone: string): Promise<RenderedMail> {
  const whenIt = formatDateTime(p.startsAt, 'it', timeZone);
  const whenEn = formatDateTime(p.startsAt, 'en', timeZone);
  const png = qrPng(p.qrCodeUrl);
  const text = [
    `Ciao ${p.name},`,
    '',
    `la prenotazione è confermata: ${seats(p.partySize, 'it')} per «${p.showTitle}», ${whenIt}, ${p.venueName}.`,
    'Mostra il codice QR allegato all’ingresso. Puoi riaprire il biglietto qui:',
    p.ticketUrl,
    ...(p.code ? [`Codice prenotazione (se non hai il telefono): ${p.code}`] : []),
    'Non puoi venire? Dalla pagina del biglietto puoi liberare i posti.',
    '',
    '---',
    `Hello ${p.name},`,
    '',
    `your reservation is confirmed: ${seats(p.partySize, 'en')} for "${p.showTitle}", ${whenEn}, ${p.venueName}.`,
    'Show the attached QR code at the door. You can reopen your ticket here:',
    p.ticketUrl,
    ...(p.code ? [`Reservation code (if you come without your phone): ${p.code}`] : []),
    "Can't come? Free your seats from the ticket page.",
  ].join('\n');
  const html = layout(`
<p>Ciao ${escapeHtml(p.name)},</p>
<p>la prenotazione è confermata: <strong>${seats(p.partySize, 'it')}</strong> per <strong>${escapeHtml(p.showTitle)}</strong>, ${escapeHtml(whenIt)}, ${escapeHtml(p.venueName)}.</p>
<p>Mostra questo codice all’ingresso / Show this code at the door:</p>
<p><img src="cid:ticket-qr" width="240" height="240" alt="QR code del biglietto / ticket QR code"></p>
<p><a href="${escapeHtml(p.ticketUrl)}">Apri il biglietto / Open your ticket</a></p>
${p.code ? `<p>Codice prenotazione / Reservation code: <strong style="font-family:monospace;font-size:18px">${escapeHtml(p.code)}</strong></p>` : ''}
<hr style="border:none;border-top:1px solid #eee">
<p lang="en">Hello ${escapeHtml(p.name)}, your reservation for <strong>${escapeHtml(p.showTitle)}</strong> (${escapeHtml(whenEn)}, ${seats(p.partySize, 'en')}) is confirmed.</p>`);
  return {
    subject: `Il tuo biglietto / Your ticket: ${p.showTitle}`,
    text,
    html,
    attachments: [{ filename: 'biglietto-ticket.png', content: png, cid: 'ticket-qr', contentType: 'image/png' }],
  };
}

function renderCancelled(p: CancelledPayload, timeZone: string): RenderedMail {
  const whenIt = formatDateTime(p.startsAt, 'it', timeZone);
  const whenEn = formatDateTime(p.startsAt, 'en', timeZone);
  const text = [
    `Ciao ${p.name},`,
    '',
    `la tua prenotazione di ${seats(p.partySize, 'it')} per «${p.showTitle}», ${whenIt}, è stata cancellata.`,
    ...(p.hadTicket !== false ? ['Il codice QR non è più valido.'] : []),
    '',
    '---',
    `Hello ${p.name},`,
    '',
    `your reservation of ${seats(p.partySize, 'en')} for "${p.showTitle}", ${whenEn}, has been cancelled.`,
    ...(p.hadTicket !== false ? ['The QR code is no longer valid.'] : []),
  ].join('\n');
  const html = layout(`
<p>Ciao ${escapeHtml(p.name)},</p>
<p>la tua prenotazione di <strong>${seats(p.partySize, 'it')}</strong> per <strong>${escapeHtml(p.showTitle)}</strong>, ${escapeHtml(whenIt)}, è stata cancellata.${p.hadTicket !== false ? ' Il codice QR non è più valido.' : ''}</p>
<hr style="border:none;border-top:1px solid #eee">
<p lang="en">Hello ${escapeHtml(p.name)}, your reservation of ${seats(p.partySize, 'en')} for <strong>${escapeHtml(p.showTitle)}</strong> (${escapeHtml(whenEn)}) has been cancelled.${p.hadTicket !== false ? ' The QR code is no longer valid.' : ''}</p>`);
  return { subject: `Prenotazione cancellata / Reservation cancelled: ${p.showTitle}`, text, html };
}
