import { Hono, type Context } from 'hono';
import { tokenBodySchema, waitlistJoinSchema } from '../../../shared/src/contracts.js';
import type { AppEnv } from '../app-context.js';
import { currentUser, requireRole } from '../auth/auth-middleware.js';
import { guestLocale } from '../lib/accept-language.js';
import { answer } from '../lib/answer.js';
import { clientIp } from '../lib/client-ip.js';
import { idParam, jsonBody } from '../lib/http.js';

/** Token links are throttled like reservation confirmations: guessing them must stay slow. */
async function throttledToken(c: Context<AppEnv>): Promise<string> {
  const { services } = c.var;
  await services.throttle.hit('reservation_confirm', clientIp(c, services.env.TRUST_PROXY), services.env.THROTTLE_RESERVATION_CONFIRM);
  return (await jsonBody(c, tokenBodySchema)).token;
}

/** The visitor's side of the waiting list. Links carry tokens in the fragment; pages POST them. */
export const waitlistRoutes = new Hono<AppEnv>()
  .post('/performances/:id/waitlist', async (c) => {
    const { services } = c.var;
    await services.throttle.hit('reservation_create', clientIp(c, services.env.TRUST_PROXY), services.env.THROTTLE_RESERVATION_CREATE);
    const performanceId = idParam(c);
    const input = await jsonBody(c, waitlistJoinSchema(services.env.MAX_PARTY_SIZE));
    const locale = guestLocale(input.locale, c.req.header('accept-language'));
    return answer(c, 'POST /api/performances/:id/waitlist', await services.waitlist.join(performanceId, { ...input, locale }), 201);
  })
  .post('/waitlist/confirm', async (c) => answer(c, 'POST /api/waitlist/confirm', await c.var.services.waitlist.confirmJoin(await throttledToken(c))))
  .post('/waitlist/offer', async (c) => answer(c, 'POST /api/waitlist/offer', await c.var.services.waitlist.offerDetails(await throttledToken(c))))
  .post('/waitlist/accept', async (c) => answer(c, 'POST /api/waitlist/accept', await c.var.services.waitlist.accept(await throttledToken(c))))
  .post('/waitlist/decline', async (c) => answer(c, 'POST /api/waitlist/decline', await c.var.services.waitlist.decline(await throttledToken(c))));

/**
 * Box office (and admins): each performance's list, removals, and offers out of turn. Mounted
 * under /api/admin beside other features' routes, so the role check is per route, not `use`.
 */
const boxOffice = requireRole('box_office');
export const waitlistAdminRoutes = new Hono<AppEnv>()
  .get('/performances/:id/waitlist', boxOffice, async (c) => answer(c, 'GET /api/admin/performances/:id/waitlist', await c.var.services.waitlist.list(idParam(c))))
  .post('/waitlist/:id/offer', boxOffice, async (c) =>
    answer(c, 'POST /api/admin/waitlist/:id/offer', await c.var.services.waitlist.offerManually(idParam(c), currentUser(c))),
  )
  .delete('/waitlist/:id', boxOffice, async (c) => answer(c, 'DELETE /api/admin/waitlist/:id', await c.var.services.waitlist.remove(idParam(c), currentUser(c))));
