import { describe, expect, it } from 'vitest';
import { localeOfSearch } from '../../../shared/src/locale.js';
import { tokenFromUrl } from '../test/harness.js';
import { button, composeMail, inLanguage, p, quote, title, type MailContext } from './mail-layout.js';

const ctx: MailContext = { timeZone: 'Europe/Rome', siteBaseUrl: 'https://tickets.example', replyTo: false };

describe('the mail layout', () => {
  it('opens a page in the other language without touching the token in its fragment', () => {
    const url = inLanguage('https://tickets.example/ticket#token=abc_DEF-123&cancel=1', 'en');
    expect(url).toBe('https://tickets.example/ticket?lang=en#token=abc_DEF-123&cancel=1');
    // What the public app reads back (pwa/src/lib/i18n/locale.svelte.ts), and the token the page posts.
    expect(localeOfSearch(new URL(url).search)).toBe('en');
    expect(tokenFromUrl(url)).toBe('abc_DEF-123');
    expect(inLanguage('https://tickets.example/?lang=en', 'it')).toBe('https://tickets.example/?lang=it');
  });

  it('writes text and HTML from the same blocks, escaping the HTML only', () => {
    const mail = composeMail(
      {
        locale: 'en',
        subject: 'S',
        blocks: [p('Hello <Eve>,'), p('about ', title('A & B'), '.'), false, button('https://x.example/a?b=1&c=2', 'Go'), quote('  ')],
        otherLanguage: { url: 'https://x.example/a', label: 'Vai' },
      },
      ctx,
    );
    expect(mail.text).toBe('Hello <Eve>,\n\nabout "A & B".\n\nGo:\nhttps://x.example/a?b=1&c=2\n\n---\n\nItaliano: Vai\nhttps://x.example/a?lang=it\n\nAzioneLab · Roma');
    expect(mail.html).toContain('<p>Hello &lt;Eve&gt;,</p>');
    expect(mail.html).toContain('<p>about <strong>A &amp; B</strong>.</p>');
    expect(mail.html).toContain('href="https://x.example/a?b=1&amp;c=2"');
    expect(mail.html).not.toContain('blockquote');
  });

  it('invites a reply only when the box office receives it', () => {
    const draft = { locale: 'it' as const, subject: 'S', blocks: [p('Ciao')], otherLanguage: { url: 'https://x.example/', label: 'Go' } };
    expect(composeMail(draft, { ...ctx, replyTo: true }).text).toContain('Hai domande? Rispondi a questa email: arriva alla biglietteria.');
    expect(composeMail(draft, ctx).text).not.toMatch(/rispondi/i);
  });
});
