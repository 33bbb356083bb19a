/** The pieces every email shares: escaping, the bilingual frame, seat counts in words. */

export const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

export function layout(body: string): string {
  return `<!doctype html><html lang="it"><body style="font-family:system-ui,sans-serif;color:#1d1d1f;max-width:560px;margin:auto;padding:16px">${body}<hr style="border:none;border-top:1px solid #ddd;margin-top:32px"><p style="color:#666;font-size:13px">AzioneLab · Roma</p></body></html>`;
}

export function seats(n: number, lang: 'it' | 'en'): string {
  if (lang === 'it') return n === 1 ? '1 posto' : `${n} posti`;
  return n === 1 ? '1 seat' : `${n} seats`;
}

/** The red call-to-action button of our emails. */
export function button(href: string, label: string): string {
  return `<p><a href="${escapeHtml(href)}" style="background:#b3261e;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(label)}</a></p>`;
}
