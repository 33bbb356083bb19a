import { simpleParser, type ParsedMail } from 'mailparser';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/pg-cluster.js';
import { aPerformance, createTestContext, guest, tokenFromUrl, type TestContext } from '../test/harness.js';

/** Real delivery: nodemailer speaks SMTP to an smtp-server listening on loopback. */

const received: ParsedMail[] = [];
let smtp: SMTPServer;
let ctx: TestContext;

beforeAll(async () => {
  const port = await freePort();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
  ctx = await createTestContext({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_REPLY_TO: 'biglietteria@azionelab.example' }, { realSmtp: true });
});

afterAll(async () => {
  await ctx.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

async function waitForMail(predicate: (mail: ParsedMail) => boolean): Promise<ParsedMail> {
  for (let i = 0; i < 100; i += 1) {
    await ctx.services.mailWorker.drain();
    const found = received.find(predicate);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('mail not received');
}

describe('email delivery through a real SMTP server', () => {
  it('delivers the confirmation email whose link confirms the reservation, then the ticket with its QR', async () => {
    const { performance, show } = await aPerformance(ctx, { capacity: 10 });
    const booking = await ctx.client.post(`/api/performances/${performance.id}/reservations`, {
      ...guest({ email: 'anna@example.com', name: 'Anna Bianchi' }),
      locale: 'en',
    });
    expect(booking.status).toBe(201);

    const confirmation = await waitForMail((m) => m.subject?.startsWith('Confirm your reservation') === true);
    expect(confirmation.to && 'text' in confirmation.to ? confirmation.to.text : '').toContain('anna@example.com');
    expect(confirmation.subject).toContain(show.title);
    // The box office answers replies; the sender stays the no-reply address.
    expect(confirmation.replyTo?.text).toBe('biglietteria@azionelab.example');
    expect(confirmation.from?.text).toContain('no-reply@');
    const link = /https:\/\/tickets\.azionelab\.example\/confirm#token=[A-Za-z0-9_-]{43}/.exec(confirmation.text ?? '')?.[0];
    expect(link).toBeDefined();

    // What the confirmation page does with the link: POST the token from the fragment.
    const confirmed = await ctx.client.post('/api/reservations/confirm', { token: tokenFromUrl(link!) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ reservation_id: booking.body.reservation_id, status: 'confirmed' });

    const ticket = await waitForMail((m) => m.subject?.startsWith('Your ticket') === true);
    expect(ticket.replyTo?.text).toBe('biglietteria@azionelab.example');
    const qr = ticket.attachments.find((a) => a.contentType === 'image/png');
    expect(qr).toBeDefined();
    const png = PNG.sync.read(qr!.content);
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
    expect(decoded).toBe(confirmed.body.qr_code_url);
    expect(decoded).not.toContain('anna');
    expect(tokenFromUrl(decoded!)).not.toBe(tokenFromUrl(link!));
    expect(qr!.cid).toBe('ticket-qr');
  });
});
