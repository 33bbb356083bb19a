import { otherLocale, type Locale } from '../../../shared/src/locale.js';
import { button, composeMail, p, small, strong, subjectFor, title, when, seats, type MailContext, type RenderedMail } from './mail-layout.js';
import type { StoredPayload } from './mail-payloads.js';

/*
 * The emails of the waiting list: the opt-in link, and the offer of seats that came free.
 * Each is written once per language; the guest gets theirs.
 */

const JOIN: Record<Locale, string> = { it: 'Conferma l’iscrizione alla lista', en: 'Confirm your place in line' };
const TAKE: Record<Locale, string> = { it: 'Prendi i posti', en: 'Take the seats' };

export function renderWaitlistConfirmation(m: StoredPayload<'waitlist_confirmation'>, ctx: MailContext): RenderedMail {
  const l = m.locale;
  const start = when(m.startsAt, l, ctx);
  const expires = when(m.expiresAt, l, ctx);
  const words = {
    it: {
      subject: 'Lista d’attesa, conferma',
      blocks: [
        p(`Ciao ${m.name},`),
        p('hai chiesto di entrare in lista d’attesa per ', title(m.showTitle), `, ${start} (${seats(m.partySize, 'it')}).`),
        p('Conferma da questo link per prendere il tuo posto in fila:'),
        button(m.confirmUrl, JOIN.it),
        small(`Il link scade il ${expires}. Se non sei stato tu, ignora questa email.`),
      ],
    },
    en: {
      subject: 'Waiting list, please confirm',
      blocks: [
        p(`Hello ${m.name},`),
        p('you asked to join the waiting list for ', title(m.showTitle), `, ${start} (${seats(m.partySize, 'en')}).`),
        p('Confirm with this link to take your place in line:'),
        button(m.confirmUrl, JOIN.en),
        small(`The link expires on ${expires}. If this was not you, ignore this email.`),
      ],
    },
  }[l];
  return composeMail(
    {
      locale: l,
      subject: subjectFor(words.subject, m.showTitle, m.startsAt, l, ctx),
      blocks: words.blocks,
      otherLanguage: { url: m.confirmUrl, label: JOIN[otherLocale(l)] },
    },
    ctx,
  );
}

export function renderOffer(m: StoredPayload<'waitlist_offer'>, ctx: MailContext): RenderedMail {
  const l = m.locale;
  const start = when(m.startsAt, l, ctx);
  const expires = when(m.expiresAt, l, ctx);
  const words = {
    it: {
      subject: 'Posti liberi per te',
      blocks: [
        p(`Ciao ${m.name},`),
        p('si sono liberati ', strong(seats(m.partySize, 'it')), ' per ', title(m.showTitle), `, ${start}, ${m.venueName}.`),
        p('Li teniamo per te fino al ', strong(expires), '. Prendili da qui:'),
        button(m.offerUrl, TAKE.it),
        small('Se non li prendi entro quell’ora passano alla persona successiva in lista.'),
      ],
    },
    en: {
      subject: 'Seats for you',
      blocks: [
        p(`Hello ${m.name},`),
        p(strong(seats(m.partySize, 'en')), ' came free for ', title(m.showTitle), `, ${start}, ${m.venueName}.`),
        p('We hold them for you until ', strong(expires), '. Take them here:'),
        button(m.offerUrl, TAKE.en),
        small('If you do not take them by then, they go to the next person on the list.'),
      ],
    },
  }[l];
  return composeMail(
    {
      locale: l,
      subject: subjectFor(words.subject, m.showTitle, m.startsAt, l, ctx),
      blocks: words.blocks,
      otherLanguage: { url: m.offerUrl, label: TAKE[otherLocale(l)] },
    },
    ctx,
  );
}
