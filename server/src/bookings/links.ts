import { qrPngDataUrl } from '../lib/qr-png.js';

/*
 * Every URL that carries a raw token is built here. The QR code encodes only the check-in URL:
 * an opaque token, no name, email or reservation data (seeds' security notes).
 */

/*
 * Links in emails open public pages and carry the token in the fragment (#token=…): browsers
 * never send a fragment to a server, so the token stays out of server and proxy logs, and a
 * mail scanner that fetches the link confirms nothing. The page POSTs the token.
 */
export const confirmationUrl = (siteBaseUrl: string, rawToken: string) => `${siteBaseUrl}/confirm#token=${rawToken}`;

export const checkInUrl = (siteBaseUrl: string, rawToken: string) =>
  `${siteBaseUrl}/api/check-ins/preview/?token=${rawToken}`;

export const ticketUrl = (siteBaseUrl: string, rawToken: string) => `${siteBaseUrl}/ticket#token=${rawToken}`;

export async function qrCodeDataUrl(content: string): Promise<string> {
  return qrPngDataUrl(content);
}

/** "I can't come" from the reminder: the ticket page opens on its cancellation step (a click still confirms). */
export const cancelUrl = (siteBaseUrl: string, rawToken: string) => `${siteBaseUrl}/ticket#token=${rawToken}&cancel=1`;

/** Waiting list: the double opt-in link, and the link that takes offered seats. */
export const waitlistJoinUrl = (siteBaseUrl: string, rawToken: string) => `${siteBaseUrl}/waitlist/confirm#token=${rawToken}`;
export const waitlistOfferUrl = (siteBaseUrl: string, rawToken: string) => `${siteBaseUrl}/waitlist/offer#token=${rawToken}`;
