import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { inject } from 'vitest';
import { CHROMIUM, CHROMIUM_FLAGS } from '../../scripts/chromium.js';
import { freePort } from '../../scripts/pg-cluster.js';
import { seedDemoData } from '../../server/src/db/seed-demo.js';
import { testEnv } from '../../server/src/env.js';
import { createLogger } from '../../server/src/lib/logger.js';
import { startRuntime, type Runtime } from '../../server/src/server.js';
import { WEB_ROOT } from '../../server/src/web/static-routes.js';

/**
 * Browser tests run the real server (built web apps, real routes, PGlite in memory or a fresh
 * PostgreSQL database) on a loopback port, deliver mail to a real SMTP server listening in the
 * test, and drive Debian's Chromium with playwright-core.
 */

export { CHROMIUM, CHROMIUM_FLAGS } from '../../scripts/chromium.js';
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots', import.meta.url));

export class Mailbox {
  readonly messages: ParsedMail[] = [];
  private server: SMTPServer | undefined;
  port = 0;

  async start(): Promise<void> {
    this.port = await freePort();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            this.messages.push(mail);
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  /** Waits for a message to `to` whose subject matches. */
  async waitFor(to: string, subject: RegExp, timeoutMs = 15_000): Promise<ParsedMail> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.messages.find((m) => recipients(m).includes(to.toLowerCase()) && subject.test(m.subject ?? ''));
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no mail to ${to} matching ${subject} (got: ${this.messages.map((m) => m.subject).join(' | ')})`);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function recipients(mail: ParsedMail): string {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.map((a) => a.text.toLowerCase()).join(',');
}

/** The first https?:// link in a mail's text. */
export function linkIn(mail: ParsedMail, pattern = /https?:\/\/\S+/): string {
  const match = pattern.exec(mail.text ?? '');
  if (!match) throw new Error(`no link in mail "${mail.subject}"`);
  return match[0];
}

export interface Stack {
  baseUrl: string;
  runtime: Runtime;
  mailbox: Mailbox;
  browser: Browser;
  /** A fresh browser context (own cookies and storage), as a separate person or device. */
  newContext(options?: { width?: number; height?: number; locale?: string }): Promise<BrowserContext>;
  stop(): Promise<void>;
}

async function freshDatabaseUrl(): Promise<string | undefined> {
  const clusterUrl = inject('pgClusterUrl');
  if (!clusterUrl) return undefined;
  const { default: postgres } = await import('postgres');
  const { databaseUrl } = await import('../../scripts/pg-cluster.js');
  const { TEMPLATE_DB } = await import('../../server/src/test/pg-global-setup.js');
  const name = `e2e_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(clusterUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${TEMPLATE_DB}`);
  await admin.end();
  return databaseUrl(clusterUrl, name);
}

export async function startStack(overrides: Record<string, string> = {}): Promise<Stack> {
  if (!existsSync(path.join(WEB_ROOT, 'admin', 'index.html'))) {
    throw new Error(`web apps not built in ${WEB_ROOT}: run npm run build first (npm test does)`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  const mailbox = new Mailbox();
  await mailbox.start();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const url = await freshDatabaseUrl();
  const env = testEnv({
    DATA_DIR: 'memory://',
    SITE_BASE_URL: baseUrl,
    SMTP_URL: `smtp://127.0.0.1:${mailbox.port}`,
    MAIL_POLL_INTERVAL: '1s',
    ...(url && { DATABASE_URL: url }),
    ...overrides,
  });
  const runtime = await startRuntime(env, { logger: createLogger('silent') });
  await seedDemoData(runtime.services.database, env.TIME_ZONE);
  runtime.services.mailWorker.start();
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: runtime.app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  return {
    baseUrl,
    runtime,
    mailbox,
    browser,
    newContext: (options = {}) =>
      browser.newContext({
        baseURL: baseUrl,
        viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
        locale: options.locale ?? 'en-GB',
        acceptDownloads: true,
      }),
    async stop() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.close();
      await mailbox.stop();
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
