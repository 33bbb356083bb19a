import { otherLocale, type Locale } from '../../../shared/src/locale.js';
import {
  button,
  calendarAttachment,
  calendarUid,
  code,
  composeMail,
  list,
  p,
  PAGE,
  programmeUrl,
  seats,
  strong,
  subjectFor,
  title,
  when,
  type MailContext,
  type MailDraft,
  type RenderedMail,
} from './mail-layout.js';
import type { ReservationTerms, StoredPayload } from './mail-payloads.js';

/**
 * "Your reservation changed": the box office moved it to another date of the show or changed
 * its seats. Queued with `ticketLinks: true` for a confirmed reservation, so the worker adds the
 * links of the guest's *same* ticket at send time (the QR they hold keeps working). A pending
 * reservation has no ticket yet: its guest still confirms from the first email's link.
 */
export function renderReservationChanged(m: StoredPayload<'reservation_changed'>, ctx: MailContext): RenderedMail {
  const l = m.locale;
  const now: ReservationTerms = { startsAt: m.startsAt, venueName: m.venueName, partySize: m.partySize };
  const moved = m.before.startsAt !== now.startsAt || m.before.venueName !== now.venueName;
  const resized = m.before.partySize !== now.partySize;
  const at = (terms: ReservationTerms) => `${when(terms.startsAt, l, ctx)}, ${terms.venueName}`;
  const ticketUrl = m.status === 'confirmed' ? m.ticketUrl : undefined;
  const words: Record<Locale, { subject: string; blocks: MailDraft['blocks'] }> = {
    it: {
      subject: 'Prenotazione modificata',
      blocks: [
        p(`Ciao ${m.name},`),
        p('la biglietteria ha modificato la tua prenotazione per ', title(m.showTitle), '.'),
        list([...(moved ? [`Data: ${at(m.before)} → ${at(now)}`] : []), ...(resized ? [`Posti: ${m.before.partySize} → ${now.partySize}`] : [])]),
        p(strong(`Ora: ${seats(now.partySize, 'it')}, ${at(now)}.`)),
        ticketUrl && p('Il tuo biglietto resta lo stesso: il codice QR che hai già vale per la nuova prenotazione.'),
        ticketUrl && button(ticketUrl, PAGE.ticket.it),
        m.status === 'pending' && p('La prenotazione resta in attesa: confermala dal link dell’email che hai ricevuto.'),
        code('Codice prenotazione', m.code),
      ],
    },
    en: {
      subject: 'Reservation changed',
      blocks: [
        p(`Hello ${m.name},`),
        p('the box office changed your reservation for ', title(m.showTitle), '.'),
        list([...(moved ? [`Date: ${at(m.before)} → ${at(now)}`] : []), ...(resized ? [`Seats: ${m.before.partySize} → ${now.partySize}`] : [])]),
        p(strong(`Now: ${seats(now.partySize, 'en')}, ${at(now)}.`)),
        ticketUrl && p('Your ticket stays the same: the QR code you already have is valid for the new reservation.'),
        ticketUrl && button(ticketUrl, PAGE.ticket.en),
        m.status === 'pending' && p('Your reservation is still pending: confirm it with the link in the email you received.'),
        code('Reservation code', m.code),
      ],
    },
  };
  return composeMail(
    {
      locale: l,
      subject: subjectFor(words[l].subject, m.showTitle, m.startsAt, l, ctx),
      blocks: words[l].blocks,
      otherLanguage: ticketUrl ? { url: ticketUrl, label: PAGE.ticket[otherLocale(l)] } : { url: programmeUrl(ctx), label: PAGE.programme[otherLocale(l)] },
      // A new date: a calendar entry for it, with the UID of the one the guest may already have.
      ...(moved && { attachments: [calendarAttachment({ uid: calendarUid('reservation', m.reservationId, ctx), ...m }, l)] }),
    },
    ctx,
  );
}
