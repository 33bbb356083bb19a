import { describe, expect, it } from 'vitest';
import type { MailContext } from './mail-layout.js';
import type { PerformanceMailPayload } from './mail-payloads.js';
import { renderPerformanceMail } from './performance-templates.js';

const ctx: MailContext = { timeZone: 'Europe/Rome', siteBaseUrl: 'https://tickets.example', replyTo: false };

const base: PerformanceMailPayload = {
  locale: 'it',
  name: 'Niccolò <Rossi>',
  performanceId: 7,
  showTitle: 'Il <Giardino> dei Ciliegi',
  venueName: 'Sala Grande',
  startsAt: '2026-12-12T20:00:00.000Z',
};

const links = { ticketUrl: 'https://tickets.example/ticket#token=abc', cancelUrl: 'https://tickets.example/ticket#token=abc&cancel=1', qrCodeUrl: 'x' };

describe('performance emails', () => {
  it('cancellation: the staff words escaped in HTML and kept as typed in the text', () => {
    const mail = renderPerformanceMail('performance_cancelled', { ...base, partySize: 2, body: 'Ci scusiamo.\n\n<script>alert(1)</script> & rimborso' }, ctx);
    expect(mail.subject).toBe('Replica annullata: Il <Giardino> dei Ciliegi, sab 12 dic 21:00');
    expect(mail.text).toContain('purtroppo la replica di «Il <Giardino> dei Ciliegi» del sabato 12 dicembre 2026 alle ore 21:00, Sala Grande, è annullata.');
    expect(mail.text).toContain('La tua prenotazione (2 posti) è cancellata.');
    expect(mail.text).toContain('<script>alert(1)</script> & rimborso');
    expect(mail.text).not.toContain('Hello');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; rimborso');
    expect(mail.html).toContain('Niccolò &lt;Rossi&gt;');
    expect(mail.html).not.toContain('<Giardino>');
    // No page of its own: the other language is the programme's.
    expect(mail.text).toContain('English: The AzioneLab programme\nhttps://tickets.example/?lang=en');
    expect(mail.attachments).toBeUndefined();
  });

  it('cancellation in English', () => {
    const mail = renderPerformanceMail('performance_cancelled', { ...base, locale: 'en', partySize: 1 }, ctx);
    expect(mail.subject).toBe('Performance cancelled: Il <Giardino> dei Ciliegi, Sat 12 Dec 21:00');
    expect(mail.text).toContain('we are sorry: the performance of "Il <Giardino> dei Ciliegi" on Saturday, 12 December 2026 at 21:00, Sala Grande, is cancelled.');
    expect(mail.text).toContain('Your reservation (1 seat) is cancelled.');
    expect(mail.text).toContain('Italiano: Il programma di AzioneLab\nhttps://tickets.example/?lang=it');
    expect(mail.html).toContain('<html lang="en">');
  });

  it('move: old and new time, an .ics at the new time, ticket links when the worker added them', () => {
    const mail = renderPerformanceMail(
      'performance_moved',
      { ...base, previousStartsAt: '2026-12-11T20:00:00.000Z', partySize: 1, reservationId: 42, ticketLinks: true, ...links },
      ctx,
    );
    expect(mail.subject).toBe('Nuovo orario: Il <Giardino> dei Ciliegi, sab 12 dic 21:00');
    expect(mail.text).toContain('prima: venerdì 11 dicembre 2026 alle ore 21:00');
    expect(mail.text).toContain('ora: sabato 12 dicembre 2026 alle ore 21:00');
    expect(mail.text).toContain('La tua prenotazione (1 posto) vale per il nuovo orario. Il biglietto che hai resta valido.');
    expect(mail.text).toContain('Apri il biglietto:\nhttps://tickets.example/ticket#token=abc');
    expect(mail.html).toContain('href="https://tickets.example/ticket#token=abc&amp;cancel=1"');
    // The other language: the same ticket page, opened in English.
    expect(mail.text).toContain('English: Open your ticket\nhttps://tickets.example/ticket?lang=en#token=abc');
    const ics = mail.attachments?.[0];
    expect(ics).toMatchObject({ filename: 'azionelab.ics', contentType: 'text/calendar; charset=utf-8' });
    const body = ics!.content.toString();
    expect(body).toContain('DTSTART:20261212T200000Z');
    expect(body).toContain('UID:reservation-42@tickets.example');
    expect(body).toContain('1 posto');
  });

  it('move without a reservation (the waiting list): an event of the performance, no ticket', () => {
    const mail = renderPerformanceMail('performance_moved', { ...base, locale: 'en', previousStartsAt: '2026-12-11T20:00:00.000Z' }, ctx);
    expect(mail.text).toContain('was: Friday, 11 December 2026 at 21:00');
    expect(mail.text).not.toContain('ticket#');
    expect(mail.attachments![0]!.content.toString()).toContain('UID:performance-7@tickets.example');
  });

  it('message: the staff subject and words, then the show and its date', () => {
    const mail = renderPerformanceMail('performance_message', { ...base, subject: 'Parcheggio', body: 'Il parcheggio è chiuso.\nVenite in bus.' }, ctx);
    expect(mail.subject).toBe('Parcheggio – Il <Giardino> dei Ciliegi, sab 12 dic 21:00');
    expect(mail.text).toContain('Il parcheggio è chiuso.\nVenite in bus.');
    expect(mail.html).toContain('Il parcheggio è chiuso.<br>Venite in bus.');
  });
});
