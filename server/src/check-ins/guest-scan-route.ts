import { Hono } from 'hono';
import type { AppEnv } from '../app-context.js';
import { looksLikeToken } from '../lib/tokens.js';

/**
 * The URL inside every ticket's QR code, opened in a browser: a guest who scans their own
 * ticket with the phone's camera. The door app never requests it (it reads the token out of
 * the QR text and POSTs it), so a GET here is a person, and they get their ticket page with a
 * note to show it at the door instead of the API's JSON. The token moves into the fragment,
 * which the browser keeps to itself. Mounted before /api/check-ins, whose routes are staff only.
 */
export const guestScanRoutes = new Hono<AppEnv>().get('/preview/*', (c) => {
  const site = c.var.services.env.SITE_BASE_URL;
  const token = c.req.query('token')?.trim() ?? '';
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  const target = looksLikeToken(token) ? `${site}/ticket#token=${token}&scanned=1` : `${site}/ticket`;
  return c.redirect(target, 303);
});
