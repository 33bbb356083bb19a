import { LOCALE_PARAM, otherLocale, type Locale } from '../../../shared/src/locale.js';
import { icsEvent } from '../bookings/calendar.js';
import { formatDateTime, formatShortDateTime } from '../lib/dates.js';

/*
 * The frame every email shares. A template describes its email once, as blocks in the guest's
 * language; this module writes both the plain text and the HTML from them, escapes everything,
 * and adds the footer: the other language as a link (the same page, `?lang=`), the box office's
 * Reply-To when there is one, and the theatre's name.
 */

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  attachments?: { filename: string; content: Buffer; cid: string; contentType: string }[];
}

/** What every template is rendered with, besides its payload. */
export interface MailContext {
  timeZone: string;
  /** The public site (`https://tickets.example`): the programme link, and the host of calendar UIDs. */
  siteBaseUrl: string;
  /** The email goes out with the box office's Reply-To (MAIL_REPLY_TO): it may invite a reply. */
  replyTo: boolean;
}

/** Words inside a paragraph: plain, bold, or a show title (quoted in the text, bold in the HTML). */
export type Inline = string | { strong: string } | { title: string };

export type Block =
  | { kind: 'p'; parts: Inline[]; small?: true }
  | { kind: 'button'; url: string; label: string }
  | { kind: 'link'; url: string; label: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'quote'; body: string }
  | { kind: 'qr'; cid: string; alt: string }
  | { kind: 'code'; label: string; code: string };

export const strong = (text: string): Inline => ({ strong: text });
export const title = (text: string): Inline => ({ title: text });
export const p = (...parts: Inline[]): Block => ({ kind: 'p', parts });
export const small = (...parts: Inline[]): Block => ({ kind: 'p', parts, small: true });
export const button = (url: string, label: string): Block => ({ kind: 'button', url, label });
export const link = (url: string, label: string): Block => ({ kind: 'link', url, label });
export const list = (items: string[]): Block => ({ kind: 'list', items });
/** Words staff typed (a message, a cancellation note): kept as typed, in whatever language. */
export const quote = (body: string | undefined): Block | undefined => (body?.trim() ? { kind: 'quote', body: body.trim() } : undefined);
export const qr = (cid: string, alt: string): Block => ({ kind: 'qr', cid, alt });
export const code = (label: string, value: string | null | undefined): Block | undefined => (value ? { kind: 'code', label, code: value } : undefined);

export interface MailDraft {
  locale: Locale;
  subject: string;
  /** Blocks in order; a falsy entry (a condition not met) leaves its block out. */
  blocks: (Block | undefined | false | '' | null)[];
  /**
   * The email's page in the other language: its main link (ticket, confirmation, offer), or the
   * programme when it has none. `label` is written in that other language.
   */
  otherLanguage: { url: string; label: string };
  attachments?: RenderedMail['attachments'];
}

/** Pages several emails link to, named in each language (a button, or the other language's link). */
export const PAGE = {
  ticket: { it: 'Apri il biglietto', en: 'Open your ticket' },
  free: { it: 'Non posso venire: libera i posti', en: "I can't come: free my seats" },
  programme: { it: 'Il programma di AzioneLab', en: 'The AzioneLab programme' },
} satisfies Record<string, Record<Locale, string>>;

const LANGUAGE_NAME: Record<Locale, string> = { it: 'Italiano', en: 'English' };
const REPLY: Record<Locale, string> = {
  it: 'Hai domande? Rispondi a questa email: arriva alla biglietteria.',
  en: 'Questions? Reply to this email: it reaches the box office.',
};
const SIGNATURE = 'AzioneLab · Roma';

export const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** A page link opening in `locale` (`?lang=en`); the fragment with its token stays as it is. */
export function inLanguage(url: string, locale: Locale): string {
  const parsed = new URL(url);
  parsed.searchParams.set(LOCALE_PARAM, locale);
  return parsed.toString();
}

/** The programme, for an email with no page of its own (a cancellation). */
export const programmeUrl = (ctx: MailContext) => `${ctx.siteBaseUrl.replace(/\/+$/, '')}/`;

export function seats(n: number, locale: Locale): string {
  if (locale === 'it') return n === 1 ? '1 posto' : `${n} posti`;
  return n === 1 ? '1 seat' : `${n} seats`;
}

/** "sabato 5 dicembre 2026 alle ore 20:30", in the theatre's time zone. */
export const when = (iso: string, locale: Locale, ctx: MailContext) => formatDateTime(iso, locale, ctx.timeZone);

/** A subject: what the email is about, the show and its short date ("Il tuo biglietto: Amleto, sab 5 dic 20:30"). */
export const subjectFor = (what: string, showTitle: string, startsAt: string, locale: Locale, ctx: MailContext) =>
  `${what}: ${showTitle}, ${formatShortDateTime(startsAt, locale, ctx.timeZone)}`;

/** The calendar event of a guest's evening, with the UID the ticket page's "add to calendar" uses. */
export function calendarAttachment(
  event: { uid: string; showTitle: string; venueName: string; startsAt: string; partySize?: number },
  locale: Locale,
): NonNullable<RenderedMail['attachments']>[number] {
  const ics = icsEvent({
    uid: event.uid,
    title: event.showTitle,
    location: `${event.venueName}, AzioneLab`,
    startsAt: new Date(event.startsAt),
    durationMinutes: 120,
    description: event.partySize ? seats(event.partySize, locale) : event.showTitle,
    now: new Date(),
  });
  return { filename: 'azionelab.ics', content: Buffer.from(ics), cid: 'event-ics', contentType: 'text/calendar; charset=utf-8' };
}

export const calendarUid = (what: 'reservation' | 'performance', id: number, ctx: MailContext) => `${what}-${id}@${new URL(ctx.siteBaseUrl).hostname}`;

function inlineText(part: Inline, locale: Locale): string {
  if (typeof part === 'string') return part;
  if ('strong' in part) return part.strong;
  return locale === 'it' ? `«${part.title}»` : `"${part.title}"`;
}

function inlineHtml(part: Inline): string {
  if (typeof part === 'string') return escapeHtml(part);
  return `<strong>${escapeHtml('strong' in part ? part.strong : part.title)}</strong>`;
}

function blockText(block: Block, locale: Locale): string {
  switch (block.kind) {
    case 'p':
      return block.parts.map((part) => inlineText(part, locale)).join('');
    case 'button':
    case 'link':
      return `${block.label}:\n${block.url}`;
    case 'list':
      return block.items.map((item) => `- ${item}`).join('\n');
    case 'quote':
      return block.body;
    case 'qr':
      return '';
    case 'code':
      return `${block.label}: ${block.code}`;
  }
}

/** Staff text: escaped, paragraphs and line breaks kept. */
function staffHtml(body: string): string {
  return body
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => `<p style="white-space:normal">${escapeHtml(paragraph).replace(/\r?\n/g, '<br>')}</p>`)
    .join('\n');
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'p':
      return `<p${block.small ? ' style="font-size:14px"' : ''}>${block.parts.map(inlineHtml).join('')}</p>`;
    case 'button':
      return `<p><a href="${escapeHtml(block.url)}" style="background:#b3261e;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(block.label)}</a></p>`;
    case 'link':
      return `<p><a href="${escapeHtml(block.url)}">${escapeHtml(block.label)}</a></p>`;
    case 'list':
      return `<ul>${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
    case 'quote':
      return `<blockquote style="margin:16px 0;padding:8px 16px;border-left:4px solid #b3261e;background:#faf7f5">${staffHtml(block.body)}</blockquote>`;
    case 'qr':
      return `<p><img src="cid:${escapeHtml(block.cid)}" width="240" height="240" alt="${escapeHtml(block.alt)}"></p>`;
    case 'code':
      return `<p>${escapeHtml(block.label)}: <strong style="font-family:monospace;font-size:18px">${escapeHtml(block.code)}</strong></p>`;
  }
}

/** The email, in one language, with the other one a link away. */
export function composeMail(draft: MailDraft, ctx: MailContext): RenderedMail {
  const blocks = draft.blocks.filter((block): block is Block => Boolean(block));
  const other = otherLocale(draft.locale);
  const otherUrl = inLanguage(draft.otherLanguage.url, other);
  const reply = ctx.replyTo ? REPLY[draft.locale] : undefined;

  const text = [
    ...blocks.map((block) => blockText(block, draft.locale)).filter((line) => line !== ''),
    '---',
    ...(reply ? [reply] : []),
    `${LANGUAGE_NAME[other]}: ${draft.otherLanguage.label}\n${otherUrl}`,
    SIGNATURE,
  ].join('\n\n');

  const html = `<!doctype html><html lang="${draft.locale}"><body style="font-family:system-ui,sans-serif;color:#1d1d1f;max-width:560px;margin:auto;padding:16px">
${blocks.map(blockHtml).join('\n')}
<hr style="border:none;border-top:1px solid #ddd;margin-top:32px">
${reply ? `<p style="color:#666;font-size:13px">${escapeHtml(reply)}</p>\n` : ''}<p lang="${other}" style="font-size:14px">${LANGUAGE_NAME[other]}: <a href="${escapeHtml(otherUrl)}">${escapeHtml(draft.otherLanguage.label)}</a></p>
<p style="color:#666;font-size:13px">${SIGNATURE}</p>
</body></html>`;

  return { subject: draft.subject, text, html, ...(draft.attachments && { attachments: draft.attachments }) };
}
