import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locale } from '../../../shared/src/locale.js';
import { mailOutbox, reservations, waitlistEntries } from '../db/schema.js';
import type { OutgoingMail } from './mail-transport.js';
import { aConfirmedReservation, aPerformance, createTestContext, guest, loggedIn, tokenFromUrl, type TestContext } from '../test/harness.js';

/*
 * Every email a guest gets is in the language they booked in: the page's (`locale` in the
 * body), else their browser's (Accept-Language), else Italian; staff choose it for a manual
 * booking. The other language is a link (the same page with `?lang=`), never a second copy.
 */

let ctx: TestContext;
let boxOffice: string;
beforeAll(async () => {
  ctx = await createTestContext();
  boxOffice = (await loggedIn(ctx, 'box_office')).cookie;
});
afterAll(() => ctx.close());

let sequence = 0;
const address = () => `language-${(sequence += 1)}@example.com`;
const db = () => ctx.services.database.db;

/** Saturday 7 December 2030, 20:30 in Rome: the date every subject must carry. */
const STARTS_AT = new Date('2030-12-07T19:30:00Z');
const SHORT_DATE: Record<Locale, string> = { it: 'sab 7 dic 20:30', en: 'Sat 7 Dec 20:30' };

/** Words that give a sentence away as Italian, or as English (links removed: `/ticket` is a path). */
const WORDS: Record<Locale, RegExp> = {
  it: /\b(Ciao|prenotazione|biglietto|posti|posto|Conferma|Codice|ingresso|cancellata|annullata|Mostra|attesa|liberati)\b/i,
  en: /\b(Hello|reservation|ticket|seats?|Confirm|code|door|cancelled|waiting|asked|expires)\b/i,
};
const other = (locale: Locale): Locale => (locale === 'it' ? 'en' : 'it');
const withoutLinks = (text: string) => text.replace(/https?:\/\/\S+/g, '');

/** The email is written in `locale` only, and offers the other language as a link to the same page. */
function expectOnly(mail: OutgoingMail, locale: Locale) {
  const [body, footer = ''] = mail.text.split('\n---\n');
  expect(withoutLinks(body!), `${mail.subject}: the body`).not.toMatch(WORDS[other(locale)]);
  expect(withoutLinks(body!), `${mail.subject}: the body`).toMatch(WORDS[locale]);
  expect(mail.subject).not.toMatch(WORDS[other(locale)]);
  expect(mail.html).toContain(`<html lang="${locale}">`);
  // The words a reader sees: tags and their attributes (`cid:ticket-qr`) left out.
  const htmlBody = mail.html.slice(0, mail.html.indexOf('<hr')).replace(/<[^>]*>/g, ' ');
  expect(htmlBody).not.toMatch(WORDS[other(locale)]);
  // One link in the other language, to the page the email is about, opened in that language.
  const name = locale === 'en' ? 'Italiano' : 'English';
  expect(footer).toMatch(new RegExp(`^${name}: .+\\nhttps://tickets\\.azionelab\\.example/\\S*[?&]lang=${other(locale)}`, 'm'));
  expect(mail.html).toMatch(new RegExp(`<p lang="${other(locale)}"[^>]*>${name}: <a href="https://tickets\\.azionelab\\.example/[^"]*lang=${other(locale)}`));
}

async function mailsTo(to: string): Promise<OutgoingMail[]> {
  await ctx.services.mailWorker.drain();
  return ctx.mail.sent.filter((m) => m.to === to);
}

/** The first link of the body carrying a token (the footer's other-language link comes after). */
const linkIn = (mail: OutgoingMail) => /https?:\/\/\S+#token=[\w-]+/.exec(mail.text)![0];

/** Sends the reminder now rather than the day before. */
async function sendReminder(reservationId: number) {
  await db()
    .update(mailOutbox)
    .set({ nextAttemptAt: new Date() })
    .where(and(eq(mailOutbox.reservationId, reservationId), eq(mailOutbox.kind, 'reservation_reminder')));
}

const localeOf = async (reservationId: number) => (await db().select().from(reservations).where(eq(reservations.id, reservationId)))[0]!.locale;

describe.each<[Locale, Record<string, string>]>([
  // The page's language wins over the browser's.
  ['en', { 'accept-language': 'it-IT,it;q=0.9' }],
  ['it', { 'accept-language': 'en-GB,en;q=0.9' }],
])('a booking made in %s', (locale, headers) => {
  it(`gets every email in that language only, with a link to the other one, subjects with show and date`, async () => {
    const { performance, show } = await aPerformance(ctx, { capacity: 10, startsAt: STARTS_AT });
    const to = address();
    const booked = await ctx.client.post(`/api/performances/${performance.id}/reservations`, { ...guest({ email: to }), locale }, { headers });
    expect(booked.status).toBe(201);
    const reservationId = booked.body.reservation_id as number;
    expect(await localeOf(reservationId)).toBe(locale);

    const [confirmation] = await mailsTo(to);
    expect(confirmation!.subject).toBe(`${locale === 'it' ? 'Conferma la prenotazione' : 'Confirm your reservation'}: ${show.title}, ${SHORT_DATE[locale]}`);
    expectOnly(confirmation!, locale);
    // The other language opens the same confirmation page, token and all.
    const confirmUrl = linkIn(confirmation!);
    expect(confirmation!.text).toContain(confirmUrl.replace('/confirm#', `/confirm?lang=${other(locale)}#`));

    expect((await ctx.client.post('/api/reservations/confirm', { token: tokenFromUrl(confirmUrl) })).status).toBe(200);
    await sendReminder(reservationId);
    const [, ticket, reminder] = await mailsTo(to);
    expect(ticket!.subject).toBe(`${locale === 'it' ? 'Il tuo biglietto' : 'Your ticket'}: ${show.title}, ${SHORT_DATE[locale]}`);
    expectOnly(ticket!, locale);
    expect(reminder!.subject).toBe(`${locale === 'it' ? 'Promemoria' : 'Reminder'}: ${show.title}, ${SHORT_DATE[locale]}`);
    expectOnly(reminder!, locale);

    const cancelled = await ctx.client.post(`/api/admin/reservations/${reservationId}/cancel`, undefined, { cookie: boxOffice });
    expect(cancelled.status).toBe(200);
    const mails = await mailsTo(to);
    expect(mails).toHaveLength(4);
    expect(mails[3]!.subject).toContain(`${show.title}, ${SHORT_DATE[locale]}`);
    expectOnly(mails[3]!, locale);
  });

  it('gets the waiting list’s emails in that language, and so does the reservation its offer becomes', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 2, startsAt: STARTS_AT });
    const holder = await aConfirmedReservation(ctx, performance.id, 2);
    const to = address();
    const joined = await ctx.client.post(`/api/performances/${performance.id}/waitlist`, { name: 'Luca', email: to, party_size: 1, locale }, { headers });
    expect(joined.status).toBe(201);
    const [joinMail] = await mailsTo(to);
    expectOnly(joinMail!, locale);
    expect((await ctx.client.post('/api/waitlist/confirm', { token: tokenFromUrl(linkIn(joinMail!)) })).status).toBe(200);

    await ctx.services.bookings.cancel(holder.reservation.id, null);
    const [, offer] = await mailsTo(to);
    expectOnly(offer!, locale);
    const accepted = await ctx.client.post('/api/waitlist/accept', { token: tokenFromUrl(linkIn(offer!)) });
    expect(accepted.status).toBe(200);
    const [entry] = await db().select().from(waitlistEntries).where(eq(waitlistEntries.email, to));
    expect(entry!.locale).toBe(locale);
    expect(await localeOf(entry!.reservationId!)).toBe(locale);
    const [, , ticket] = await mailsTo(to);
    expectOnly(ticket!, locale);
  });
});

describe('without a language in the body', () => {
  it.each<[string | undefined, Locale]>([
    ['en-GB,en;q=0.9,it;q=0.8', 'en'],
    ['de-DE,de;q=0.9,it;q=0.5,en;q=0.4', 'it'],
    ['fr-FR,fr;q=0.9', 'it'],
    [undefined, 'it'],
  ])('Accept-Language %s → %s', async (header, expected) => {
    const { performance } = await aPerformance(ctx, { startsAt: STARTS_AT });
    const to = address();
    const booked = await ctx.client.post(`/api/performances/${performance.id}/reservations`, guest({ email: to }), {
      ...(header && { headers: { 'accept-language': header } }),
    });
    expect(booked.status).toBe(201);
    expect(await localeOf(booked.body.reservation_id as number)).toBe(expected);
    expectOnly((await mailsTo(to))[0]!, expected);
  });

  it('refuses a language we do not write in', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: STARTS_AT });
    const refused = await ctx.client.post(`/api/performances/${performance.id}/reservations`, { ...guest({ email: address() }), locale: 'fr' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toHaveProperty('locale');
  });
});

describe('a booking made by the box office', () => {
  it('is in the language staff chose (Italian unless told), whatever the staff’s browser says', async () => {
    const { performance, show } = await aPerformance(ctx, { startsAt: STARTS_AT });
    const english = address();
    const issued = await ctx.client.post(
      '/api/admin/reservations',
      { performance_id: performance.id, name: 'John Smith', email: english, party_size: 2, issue: 'confirmed_now', locale: 'en' },
      { cookie: boxOffice, headers: { 'accept-language': 'it-IT' } },
    );
    expect(issued.status).toBe(201);
    expect(await localeOf(issued.body.reservation_id as number)).toBe('en');
    const [ticket] = await mailsTo(english);
    expect(ticket!.subject).toBe(`Your ticket: ${show.title}, ${SHORT_DATE.en}`);
    expectOnly(ticket!, 'en');

    const italian = address();
    const pending = await ctx.client.post(
      '/api/admin/reservations',
      { performance_id: performance.id, name: 'Anna', email: italian, party_size: 1 },
      { cookie: boxOffice, headers: { 'accept-language': 'en-GB' } },
    );
    expect(pending.status).toBe(201);
    expect(await localeOf(pending.body.reservation_id as number)).toBe('it');
    expectOnly((await mailsTo(italian))[0]!, 'it');
  });

  it('can change the language of a reservation: the next emails follow it', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: STARTS_AT });
    const to = address();
    const issued = await ctx.client.post(
      '/api/admin/reservations',
      { performance_id: performance.id, name: 'John Smith', email: to, party_size: 2, issue: 'confirmed_now' },
      { cookie: boxOffice },
    );
    const id = issued.body.reservation_id as number;
    const changed = await ctx.client.patch(`/api/admin/reservations/${id}`, { locale: 'en' }, { cookie: boxOffice });
    expect(changed.status).toBe(200);
    // A new language alone is no news to email about.
    expect(changed.body).toMatchObject({ changed: ['locale'], emailed: false });
    expect(await localeOf(id)).toBe('en');
    const detail = await ctx.client.get(`/api/admin/reservations/${id}`, { cookie: boxOffice });
    expect(detail.body.locale).toBe('en');

    expect((await ctx.client.patch(`/api/admin/reservations/${id}`, { party_size: 1 }, { cookie: boxOffice })).body.emailed).toBe(true);
    const mails = await mailsTo(to);
    expect(mails).toHaveLength(2);
    expect(mails[0]!.subject).toMatch(/^Il tuo biglietto: /);
    expectOnly(mails[0]!, 'it');
    expect(mails[1]!.subject).toMatch(/^Reservation changed: /);
    expectOnly(mails[1]!, 'en');
    expect(mails[1]!.text).toContain('Seats: 2 → 1');
  });
});

describe('emails to a whole performance', () => {
  it('write to each address in its own language: a message, then the cancellation', async () => {
    const { performance, show } = await aPerformance(ctx, { capacity: 2, startsAt: STARTS_AT });
    const english = address();
    const italian = address();
    const book = async (to: string, locale: Locale, seats: number) => {
      const booked = await ctx.client.post(`/api/performances/${performance.id}/reservations`, { ...guest({ email: to, party_size: seats }), locale });
      const [confirmation] = await mailsTo(to);
      expect((await ctx.client.post('/api/reservations/confirm', { token: tokenFromUrl(linkIn(confirmation!)) })).status).toBe(200);
      return booked;
    };
    await book(english, 'en', 1);
    await book(italian, 'it', 1);
    // Sold out: an English visitor waits in line.
    const waiting = address();
    await ctx.client.post(`/api/performances/${performance.id}/waitlist`, { name: 'Luca', email: waiting, party_size: 1, locale: 'en' });
    expect((await ctx.client.post('/api/waitlist/confirm', { token: tokenFromUrl(linkIn((await mailsTo(waiting))[0]!)) })).status).toBe(200);

    const sent = await ctx.client.post(
      `/api/admin/performances/${performance.id}/messages`,
      { subject: 'Parcheggio', body: 'Il parcheggio è chiuso.', audience: 'confirmed' },
      { cookie: boxOffice },
    );
    expect(sent.status).toBe(201);
    // Delivered before the cancellation, which drops what is still queued for the performance.
    await mailsTo(english);
    const cancelled = await ctx.client.post(`/api/admin/performances/${performance.id}/cancel`, { message: 'Ci scusiamo.' }, { cookie: boxOffice });
    expect(cancelled.status).toBe(200);

    const message = (to: string) => ctx.mail.sent.find((m) => m.to === to && m.subject.startsWith('Parcheggio'));
    await mailsTo(english);
    // The staff's words as typed; the frame in the guest's language.
    expect(message(english)!.subject).toBe(`Parcheggio – ${show.title}, ${SHORT_DATE.en}`);
    expect(message(english)!.text).toMatch(/^Hello Maria Rossi,\n\na message about "/);
    expect(message(english)!.text).toContain('Il parcheggio è chiuso.');
    expect(message(italian)!.text).toMatch(/^Ciao Maria Rossi,\n\nun messaggio per «/);

    const cancellation = (to: string) => ctx.mail.sent.find((m) => m.to === to && /^(Performance cancelled|Replica annullata): /.test(m.subject))!;
    expect(cancellation(english).subject).toBe(`Performance cancelled: ${show.title}, ${SHORT_DATE.en}`);
    expect(cancellation(waiting).subject).toBe(`Performance cancelled: ${show.title}, ${SHORT_DATE.en}`);
    expect(cancellation(italian).subject).toBe(`Replica annullata: ${show.title}, ${SHORT_DATE.it}`);
    expect(cancellation(english).text).toContain('Your reservation (1 seat) is cancelled.');
    expect(withoutLinks(cancellation(english).text.split('\n---\n')[0]!).replace('Ci scusiamo.', '')).not.toMatch(WORDS.it);
  });
});
