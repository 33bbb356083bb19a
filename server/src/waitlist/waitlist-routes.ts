import { Hono, type Context } from 'hono';
import { tokenBodySchema, waitlistJoinSchema } from '../../../shared/src/contracts.js';
import type { AppEnv } from '../app-context.js';
import { currentUser, requireRole } from '../auth/auth-middleware.js';
import { performanceSummaryJson } from '../bookings/booking-routes.js';
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
    const entry = await services.waitlist.join(performanceId, input);
    return c.json({ entry_id: entry.id, status: entry.status, party_size: entry.partySize }, 201);
  })
  .post('/waitlist/confirm', async (c) => {
    const { entry, position, performance } = await c.var.services.waitlist.confirmJoin(await throttledToken(c));
    return c.json({ status: entry.status, party_size: entry.partySize, position, performance: performanceSummaryJson(performance) });
  })
  .post('/waitlist/offer', async (c) => {
    const { entry, performance } = await c.var.services.waitlist.offerDetails(await throttledToken(c));
    return c.json({
      status: entry.status,
      party_size: entry.partySize,
      offer_expires_at: entry.offerExpiresAt?.toISOString() ?? null,
      performance: performanceSummaryJson(performance),
    });
  })
  .post('/waitlist/accept', async (c) => {
    const taken = await c.var.services.waitlist.accept(await throttledToken(c));
    // The same answer as a confirmation: the page goes on to the ticket the same way.
    return c.json({
      reservation_id: taken.reservation.id,
      status: taken.reservation.status,
      party_size: taken.reservation.partySize,
      qr_code_url: taken.qrCodeUrl,
      qr_code_image: taken.qrCodeImage,
      name: taken.reservation.name,
      code: taken.reservation.code,
    });
  })
  .post('/waitlist/decline', async (c) => {
    await c.var.services.waitlist.decline(await throttledToken(c));
    return c.json({ status: 'removed' });
  });

/**
 * Box office (and admins): each performance's list, removals, and offers out of turn. Mounted
 * under /api/admin beside other features' routes, so the role check is per route, not `use`.
 */
const boxOffice = requireRole('box_office');
export const waitlistAdminRoutes = new Hono<AppEnv>()
  .get('/performances/:id/waitlist', boxOffice, async (c) => c.json({ entries: await c.var.services.waitlist.list(idParam(c)) }))
  .post('/waitlist/:id/offer', boxOffice, async (c) => c.json(await c.var.services.waitlist.offerManually(idParam(c), currentUser(c))))
  .delete('/waitlist/:id', boxOffice, async (c) => c.json(await c.var.services.waitlist.remove(idParam(c), currentUser(c))));
