import { Hono } from 'hono';
import { passwordResetConfirmSchema, passwordResetRequestSchema } from '../../../shared/src/staff-link-contracts.js';
import type { AppEnv } from '../app-context.js';
import { currentUser, requireRole } from '../auth/auth-middleware.js';
import { guestLocale } from '../lib/accept-language.js';
import { answer } from '../lib/answer.js';
import { clientIp } from '../lib/client-ip.js';
import { idParam, jsonBody } from '../lib/http.js';

/** Anonymous: "forgot password" and the confirmation of an invitation or reset link. */
export const staffLinkAuthRoutes = new Hono<AppEnv>()
  .post('/password-reset', async (c) => {
    const { email } = await jsonBody(c, passwordResetRequestSchema);
    const { services } = c.var;
    // The email speaks the language of the browser that asked for it.
    await services.staffLinks.requestReset(email, clientIp(c, services.env.TRUST_PROXY), guestLocale(undefined, c.req.header('accept-language')));
    return c.body(null, 202);
  })
  .post('/password-reset/confirm', async (c) => {
    const { token, password } = await jsonBody(c, passwordResetConfirmSchema);
    return answer(c, 'POST /api/auth/password-reset/confirm', await c.var.services.staffLinks.confirm(token, password));
  });

/** Admins only: a new invitation email for a user who never chose a password. */
export const staffLinkAdminRoutes = new Hono<AppEnv>().use(requireRole()).post('/:id/invitation', async (c) => {
  await c.var.services.staffLinks.resendInvitation(idParam(c), currentUser(c));
  return c.body(null, 202);
});
