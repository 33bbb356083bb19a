import { otherLocale, type Locale } from '../../../shared/src/locale.js';
import { qrPng } from '../lib/qr-png.js';
import {
  button,
  calendarAttachment,
  calendarUid,
  code,
  composeMail,
  link,
  p,
  PAGE,
  programmeUrl,
  qr,
  seats,
  small,
  strong,
  subjectFor,
  title,
  when,
  type MailContext,
  type RenderedMail,
} from './mail-layout.js';
import { requireTicketLinks, type StoredPayload } from './mail-payloads.js';

/*
 * The emails of a guest's own reservation: the confirmation link, the ticket, the reminder the
 * day before, and the cancellation. Each is written once per language; the guest gets theirs.
 */

const CONFIRM: Record<Locale, string> = { it: 'Conferma la prenotazione', en: 'Confirm your reservation' };

export function renderConfirmation(m: StoredPayload<'reservation_confirmation'>, ctx: MailContext): RenderedMail {
  const l = m.locale;
  const start = when(m.startsAt, l, ctx);
  const expires = when(m.expiresAt, l, ctx);
  const words = {
    it: {
      subject: 'Conferma la prenotazione',
      blocks: [
        p(`Ciao ${m.name},`),
        p('hai chiesto ', strong(seats(m.partySize, 'it')), ' per ', title(m.showTitle), `, ${start}, ${m.venueName}.`),
        p('La prenotazione resta in attesa finché non la confermi da questo link:'),
        button(m.confirmUrl, CONFIRM.it),
        small(`Il link scade il ${expires}. Se non hai prenotato tu, ignora questa email.`),
      ],
    },
    en: {
      subject: 'Confirm your reservation',
      blocks: [
        p(`Hello ${m.name},`),
        p('you asked for ', strong(seats(m.partySize, 'en')), ' for ', title(m.showTitle), `, ${start}, ${m.venueName}.`),
        p('Your reservation stays pending until you confirm it with this link:'),
        button(m.confirmUrl, CONFIRM.en),
        small(`The link expires on ${expires}. If you did not book, ignore this email.`),
      ],
    },
  }[l];
  return composeMail(
    {
      locale: l,
      subject: subjectFor(words.subject, m.showTitle, m.startsAt, l, ctx),
      blocks: words.blocks,
      otherLanguage: { url: m.confirmUrl, label: CONFIRM[otherLocale(l)] },
    },
    ctx,
  );
}

export function renderTicket(m: StoredPayload<'reservation_ticket'>, ctx: MailContext): RenderedMail {
  const l = m.locale;
  const links = requireTicketLinks(m);
  const start = when(m.startsAt, l, ctx);
  const words = {
    it: {
      subject: 'Il tuo biglietto',
      blocks: [
        p(`Ciao ${m.name},`),
        p('la prenotazione è confermata: ', strong(seats(m.partySize, 'it')), ' per ', title(m.showTitle), `, ${start}, ${m.venueName}.`),
        p('Mostra questo codice QR all’ingresso (è anche allegato):'),
        qr('ticket-qr', 'Codice QR del biglietto'),
        button(links.ticketUrl, PAGE.ticket.it),
        code('Codice prenotazione (se vieni senza telefono)', m.code),
        small('Non puoi venire? Dalla pagina del biglietto puoi liberare i posti.'),
      ],
    },
    en: {
      subject: 'Your ticket',
      blocks: [
        p(`Hello ${m.name},`),
        p('your reservation is confirmed: ', strong(seats(m.partySize, 'en')), ' for ', title(m.showTitle), `, ${start}, ${m.venueName}.`),
        p('Show this QR code at the door (it is also attached):'),
        qr('ticket-qr', 'Ticket QR code'),
        button(links.ticketUrl, PAGE.ticket.en),
        code('Reservation code (if you come without your phone)', m.code),
        small("Can't come? Free your seats from the ticket page."),
      ],
    },
  }[l];
  return composeMail(
    {
      locale: l,
      subject: subjectFor(words.subject, m.showTitle, m.startsAt, l, ctx),
      blocks: words.blocks,
      otherLanguage: { url: links.ticketUrl, label: PAGE.ticket[otherLocale(l)] },
      attachments: [{ filename: l === 'it' ? 'biglietto.png' : 'ticket.png', content: qrPng(links.qrCodeUrl), cid: 'ticket-qr', contentType: 'image/png' }],
    },
    ctx,
  );
}

export function renderReminder(m: StoredPayload<'reservation_reminder'>, ctx: MailContext): RenderedMail {
  const l = m.locale;
  const links = requireTicketLinks(m);
  const start = when(m.startsAt, l, ctx);
  const words = {
    it: {
      subject: 'Promemoria',
      blocks: [
        p(`Ciao ${m.name},`),
        p('ti aspettiamo: ', title(m.showTitle), `, ${start}, ${m.venueName} (${seats(m.partySize, 'it')}).`),
        p('Il tuo biglietto con il codice QR:'),
        button(links.ticketUrl, PAGE.ticket.it),
        code('Codice prenotazione', m.code),
        p('Non puoi più venire? Libera i posti per chi è in lista d’attesa:'),
        link(links.cancelUrl, PAGE.free.it),
      ],
    },
    en: {
      subject: 'Reminder',
      blocks: [
        p(`Hello ${m.name},`),
        p('see you soon: ', title(m.showTitle), `, ${start}, ${m.venueName} (${seats(m.partySize, 'en')}).`),
        p('Your ticket with the QR code:'),
        button(links.ticketUrl, PAGE.ticket.en),
        code('Reservation code', m.code),
        p("Can't come any more? Free your seats for the people on the waiting list:"),
        link(links.cancelUrl, PAGE.free.en),
      ],
    },
  }[l];
  return composeMail(
    {
      locale: l,
      subject: subjectFor(words.subject, m.showTitle, m.startsAt, l, ctx),
      blocks: words.blocks,
      otherLanguage: { url: links.ticketUrl, label: PAGE.ticket[otherLocale(l)] },
      attachments: [calendarAttachment({ uid: calendarUid('reservation', m.reservationId, ctx), ...m }, l)],
    },
    ctx,
  );
}

export function renderCancelled(m: StoredPayload<'reservation_cancelled'>, ctx: MailContext): RenderedMail {
  const l = m.locale;
  const start = when(m.startsAt, l, ctx);
  // Older rows lack `hadTicket`: they were confirmed ones.
  const hadTicket = m.hadTicket !== false;
  const words = {
    it: {
      subject: 'Prenotazione cancellata',
      blocks: [
        p(`Ciao ${m.name},`),
        p('la tua prenotazione di ', strong(seats(m.partySize, 'it')), ' per ', title(m.showTitle), `, ${start}, è stata cancellata.`),
        hadTicket && p('Il codice QR non è più valido.'),
      ],
    },
    en: {
      subject: 'Reservation cancelled',
      blocks: [
        p(`Hello ${m.name},`),
        p('your reservation of ', strong(seats(m.partySize, 'en')), ' for ', title(m.showTitle), `, ${start}, has been cancelled.`),
        hadTicket && p('The QR code is no longer valid.'),
      ],
    },
  }[l];
  return composeMail(
    {
      locale: l,
      subject: subjectFor(words.subject, m.showTitle, m.startsAt, l, ctx),
      blocks: words.blocks,
      otherLanguage: { url: programmeUrl(ctx), label: PAGE.programme[otherLocale(l)] },
    },
    ctx,
  );
}
