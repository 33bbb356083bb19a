import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Env } from '../env.js';
import type { RenderedMail } from './mail-layout.js';

export interface OutgoingMail extends RenderedMail {
  to: string;
  /** The box office (MAIL_REPLY_TO) on guest emails: a reply reaches people, not the no-reply sender. */
  replyTo?: string;
  /** Stable per outbox row, so a receiving side can spot a re-delivery after a crash. */
  messageId: string;
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<{ messageId: string | null }>;
  close(): void;
}

/** Real SMTP through nodemailer (`smtp://user:pass@host:587`, `smtps://…`). */
export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    async send(mail) {
      const info = await transporter.sendMail({ from, ...mail, attachments: mail.attachments ?? [] });
      return { messageId: info.messageId ?? mail.messageId };
    },
    close: () => transporter.close(),
  };
}

/**
 * Development transport: the full message is printed to the console and kept as an .eml file
 * under DATA_DIR/mail, so links can be clicked while trying the app locally. Production
 * refuses to start with it (env.ts).
 */
export function consoleTransport(dataDir: string, from: string, print: (text: string) => void): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  // An in-memory database (`memory://`, tests) has no folder to keep copies in.
  const folder = dataDir.startsWith('memory://') ? undefined : path.resolve(dataDir, 'mail');
  return {
    async send(mail) {
      const info = await transporter.sendMail({ from, ...mail, attachments: mail.attachments ?? [] });
      let saved = '';
      if (folder) {
        await mkdir(folder, { recursive: true });
        const file = path.join(folder, `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.messageId.replace(/[^a-z0-9]/gi, '')}.eml`);
        await writeFile(file, (info as unknown as { message: Buffer }).message);
        saved = ` saved as ${path.relative(process.cwd(), file)} `;
      }
      print(`\n──── mail to ${mail.to} ────\nSubject: ${mail.subject}\n\n${mail.text}\n────${saved}────\n`);
      return { messageId: mail.messageId };
    },
    close: () => transporter.close(),
  };
}

export function createTransport(env: Env): MailTransport {
  if (env.SMTP_URL) return smtpTransport(env.SMTP_URL, env.MAIL_FROM);
  return consoleTransport(env.DATA_DIR, env.MAIL_FROM, (text) => process.stdout.write(text));
}
