import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../../scripts/pg-cluster.js';

/**
 * A real SMTP server on a loopback port that keeps every message it accepts. It can be
 * stopped and started again on the same port, so a server process configured with its
 * address sees an outage and then the mail server coming back.
 */
export class SmtpMailbox {
  readonly messages: ParsedMail[] = [];
  /** Accept and drop messages without parsing them (a benchmark's load generator needs the CPU). */
  discard = false;
  discarded = 0;
  private server: SMTPServer | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<SmtpMailbox> {
    const mailbox = new SmtpMailbox(await freePort());
    await mailbox.start();
    return mailbox;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      // A stopped mailbox must refuse connections at once, not hold old ones open for 30 s.
      closeTimeout: 100,
      onData: (stream, _session, callback) => {
        if (this.discard) {
          stream.on('end', () => {
            this.discarded += 1;
            callback();
          });
          stream.resume();
          return;
        }
        simpleParser(stream).then((mail) => {
          this.messages.push(mail);
          callback();
        }, callback);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Message-ID → how many times it arrived. */
  deliveries(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const mail of this.messages) {
      const id = mail.messageId ?? '';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }

  /** Waits until `done()` holds, polling; throws with `what` after the timeout. */
  async waitUntil(done: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${this.messages.length} messages so far)`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** The raw token of the first `#token=` / `?token=` link in a mail's text. */
export function tokenInMail(mail: ParsedMail): string | undefined {
  return /[#?&]token=([A-Za-z0-9_-]{43})/.exec(mail.text ?? '')?.[1];
}

export function recipientOf(mail: ParsedMail): string {
  const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
  return to?.value[0]?.address?.toLowerCase() ?? '';
}
