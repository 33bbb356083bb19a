import { otherLocale, type Locale } from '../../../shared/src/locale.js';
import { formatShortDateTime } from '../lib/dates.js';
import {
  button,
  calendarAttachment,
  calendarUid,
  composeMail,
  link,
  p,
  PAGE,
  programmeUrl,
  quote,
  seats,
  small,
  strong,
  subjectFor,
  title,
  when,
  type Block,
  type MailContext,
  type MailDraft,
  type RenderedMail,
} from './mail-layout.js';
import type { PerformanceMailPayload } from './mail-payloads.js';

/*
 * The emails staff send to a whole performance: its cancellation, its move to another time,
 * and a message written to some of its guests. The frame is in the guest's language; the
 * staff's own words go in as they were typed (one language, whichever staff chose), escaped in
 * the HTML.
 */

export type PerformanceMailKind = 'performance_cancelled' | 'performance_moved' | 'performance_message';

/** The ticket's button and "I can't come" link, when the worker added the guest's ticket links. */
function ticketBlocks(m: PerformanceMailPayload, l: Locale): Block[] {
  if (!m.ticketUrl) return [];
  return [button(m.ticketUrl, PAGE.ticket[l]), ...(m.cancelUrl ? [link(m.cancelUrl, PAGE.free[l])] : [])];
}

/** The ticket page when there is one, else the programme. */
function otherLanguage(m: PerformanceMailPayload, l: Locale, ctx: MailContext): MailDraft['otherLanguage'] {
  const other = otherLocale(l);
  return m.ticketUrl ? { url: m.ticketUrl, label: PAGE.ticket[other] } : { url: programmeUrl(ctx), label: PAGE.programme[other] };
}

export function renderPerformanceMail(kind: PerformanceMailKind, m: PerformanceMailPayload, ctx: MailContext): RenderedMail {
  switch (kind) {
    case 'performance_cancelled':
      return renderCancelled(m, ctx);
    case 'performance_moved':
      return renderMoved(m, ctx);
    case 'performance_message':
      return renderMessage(m, ctx);
  }
}

function renderCancelled(m: PerformanceMailPayload, ctx: MailContext): RenderedMail {
  const l = m.locale;
  const start = when(m.startsAt, l, ctx);
  const held = m.partySize ? seats(m.partySize, l) : undefined;
  const words = {
    it: {
      subject: 'Replica annullata',
      blocks: [
        p(`Ciao ${m.name},`),
        p('purtroppo la replica di ', title(m.showTitle), ' del ', strong(start), `, ${m.venueName}, è `, strong('annullata'), '.'),
        held && p(`La tua prenotazione (${held}) è cancellata.`),
      ],
    },
    en: {
      subject: 'Performance cancelled',
      blocks: [
        p(`Hello ${m.name},`),
        p('we are sorry: the performance of ', title(m.showTitle), ' on ', strong(start), `, ${m.venueName}, is `, strong('cancelled'), '.'),
        held && p(`Your reservation (${held}) is cancelled.`),
      ],
    },
  }[l];
  return composeMail(
    {
      locale: l,
      subject: subjectFor(words.subject, m.showTitle, m.startsAt, l, ctx),
      blocks: [...words.blocks, quote(m.body)],
      otherLanguage: otherLanguage(m, l, ctx),
    },
    ctx,
  );
}

function renderMoved(m: PerformanceMailPayload, ctx: MailContext): RenderedMail {
  const l = m.locale;
  const start = when(m.startsAt, l, ctx);
  const was = m.previousStartsAt ? when(m.previousStartsAt, l, ctx) : undefined;
  const held = m.partySize ? seats(m.partySize, l) : undefined;
  const words = {
    it: {
      subject: 'Nuovo orario',
      blocks: [
        p(`Ciao ${m.name},`),
        p('la replica di ', title(m.showTitle), `, ${m.venueName}, cambia orario:`),
        was && p(`prima: ${was}`),
        p('ora: ', strong(start)),
        held && p(`La tua prenotazione (${held}) vale per il nuovo orario.${m.ticketUrl ? ' Il biglietto che hai resta valido.' : ''}`),
        ...ticketBlocks(m, 'it'),
        small('In allegato trovi l’evento aggiornato per il calendario.'),
      ],
    },
    en: {
      subject: 'New time',
      blocks: [
        p(`Hello ${m.name},`),
        p('the performance of ', title(m.showTitle), `, ${m.venueName}, has a new time:`),
        was && p(`was: ${was}`),
        p('now: ', strong(start)),
        held && p(`Your reservation (${held}) holds for the new time.${m.ticketUrl ? ' The ticket you have stays valid.' : ''}`),
        ...ticketBlocks(m, 'en'),
        small('The updated calendar event is attached.'),
      ],
    },
  }[l];
  // The ticket page's "add to calendar" uses the reservation's UID: the calendar updates that event.
  const uid = m.reservationId ? calendarUid('reservation', m.reservationId, ctx) : calendarUid('performance', m.performanceId, ctx);
  return composeMail(
    {
      locale: l,
      subject: subjectFor(words.subject, m.showTitle, m.startsAt, l, ctx),
      blocks: words.blocks,
      otherLanguage: otherLanguage(m, l, ctx),
      attachments: [calendarAttachment({ uid, ...m }, l)],
    },
    ctx,
  );
}

function renderMessage(m: PerformanceMailPayload, ctx: MailContext): RenderedMail {
  const l = m.locale;
  const start = when(m.startsAt, l, ctx);
  const intro = {
    it: [p(`Ciao ${m.name},`), p('un messaggio per ', title(m.showTitle), `, ${start}, ${m.venueName}:`)],
    en: [p(`Hello ${m.name},`), p('a message about ', title(m.showTitle), `, ${start}, ${m.venueName}:`)],
  }[l];
  // The staff's subject as typed, then the show and its date.
  const about = `${m.showTitle}, ${formatShortDateTime(m.startsAt, l, ctx.timeZone)}`;
  const subject = m.subject?.trim() ? `${m.subject.trim()} – ${about}` : about;
  return composeMail(
    { locale: l, subject, blocks: [...intro, quote(m.body), ...ticketBlocks(m, l)], otherLanguage: otherLanguage(m, l, ctx) },
    ctx,
  );
}
