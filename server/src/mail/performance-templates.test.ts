import { describe, expect, it } from 'vitest';
import { renderPerformanceMail, type PerformanceMailPayload } from './performance-templates.js';

const base: PerformanceMailPayload = {
  name: 'Niccolò <Rossi>',
  performanceId: 7,
  showTitle: 'Il <Giardino> dei Ciliegi',
  venueName: 'Sala Grande',
  startsAt: '2026-12-12T20:00:00.000Z',
  siteHost: 'tickets.example',
};

describe('performance emails', () => {
  it('cancellation: bilingual, the staff words escaped in HTML and kept as typed in the text', () => {
    const mail = renderPerformanceMail('performance_cancelled', { ...base, partySize: 2, body: 'Ci scusiamo.\n\n<script>alert(1)</script> & rimborso' }, 'Europe/Rome');
    expect(mail.subject).toBe('Replica annullata / Performance cancelled: Il <Giardino> dei Ciliegi');
    expect(mail.text).toContain('è annullata. La tua prenotazione (2 posti) è cancellata');
    expect(mail.text).toContain('is cancelled. Your reservation (2 seats) is cancelled');
    expect(mail.text).toContain('<script>alert(1)</script> & rimborso');
    expect(mail.text).toContain('sabato 12 dicembre 2026 alle ore 21:00');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; rimborso');
    expect(mail.html).toContain('Niccolò &lt;Rossi&gt;');
    expect(mail.html).not.toContain('<Giardino>');
    expect(mail.attachments).toBeUndefined();
  });

  it('move: old and new time, an .ics at the new time, ticket links when the worker added them', () => {
    const mail = renderPerformanceMail(
      'performance_moved',
      {
        ...base,
        previousStartsAt: '2026-12-11T20:00:00.000Z',
        partySize: 1,
        reservationId: 42,
        ticketLinks: true,
        ...{ ticketUrl: 'https://tickets.example/ticket#token=abc', cancelUrl: 'https://tickets.example/ticket#token=abc&cancel=1', qrCodeUrl: 'x' },
      } as PerformanceMailPayload,
      'Europe/Rome',
    );
    expect(mail.subject).toMatch(/^Nuovo orario \/ New time: Il <Giardino> dei Ciliegi, sabato 12 dicembre 2026/);
    expect(mail.text).toContain('prima: venerdì 11 dicembre 2026 alle ore 21:00');
    expect(mail.text).toContain('ora: sabato 12 dicembre 2026 alle ore 21:00');
    expect(mail.text).toContain('was: Friday, 11 December 2026 at 21:00');
    expect(mail.text).toContain('Il biglietto che hai resta valido.\nIl tuo biglietto:\nhttps://tickets.example/ticket#token=abc');
    expect(mail.html).toContain('href="https://tickets.example/ticket#token=abc&amp;cancel=1"');
    const ics = mail.attachments?.[0];
    expect(ics).toMatchObject({ filename: 'azionelab.ics', contentType: 'text/calendar; charset=utf-8' });
    const body = ics!.content.toString();
    expect(body).toContain('DTSTART:20261212T200000Z');
    expect(body).toContain('UID:reservation-42@tickets.example');
  });

  it('move without a reservation (the waiting list): an event of the performance, no ticket', () => {
    const mail = renderPerformanceMail('performance_moved', { ...base, previousStartsAt: '2026-12-11T20:00:00.000Z' }, 'Europe/Rome');
    expect(mail.text).not.toContain('ticket#');
    expect(mail.attachments![0]!.content.toString()).toContain('UID:performance-7@tickets.example');
  });

  it('message: the staff subject and words', () => {
    const mail = renderPerformanceMail('performance_message', { ...base, subject: 'Parcheggio', body: 'Il parcheggio è chiuso.\nVenite in bus.' }, 'Europe/Rome');
    expect(mail.subject).toBe('Parcheggio – Il <Giardino> dei Ciliegi');
    expect(mail.text).toContain('Il parcheggio è chiuso.\nVenite in bus.');
    expect(mail.html).toContain('Il parcheggio è chiuso.<br>Venite in bus.');
  });
});
