import { Hono } from 'hono';
import { reservationCreateSchema, tokenBodySchema } from '../../../shared/src/contracts.js';
import type { AppEnv } from '../app-context.js';
import { answer } from '../lib/answer.js';
import { guestLocale } from '../lib/accept-language.js';
import { clientIp } from '../lib/client-ip.js';
import { idParam, jsonBody, parseWith } from '../lib/http.js';

export const bookingRoutes = new Hono<AppEnv>()
  .post('/performances/:id/reservations', async (c) => {
    const { services } = c.var;
    await services.throttle.hit('reservation_create', clientIp(c, services.env.TRUST_PROXY), services.env.THROTTLE_RESERVATION_CREATE);
    const performanceId = idParam(c);
    const input = await jsonBody(c, reservationCreateSchema(services.env.MAX_PARTY_SIZE));
    const locale = guestLocale(input.locale, c.req.header('accept-language'));
    return answer(c, 'POST /api/performances/:id/reservations', await services.bookings.bookByGuest(performanceId, { ...input, locale }), 201);
  })
  // GET is kept for the seeds' contract (links in already-sent emails); the public pages POST.
  .on(['GET', 'POST'], '/reservations/confirm', async (c) => {
    const { services } = c.var;
    await services.throttle.hit('reservation_confirm', clientIp(c, services.env.TRUST_PROXY), services.env.THROTTLE_RESERVATION_CONFIRM);
    // From a link, only `token` counts: mail clients and trackers append their own parameters.
    const payload = c.req.method === 'GET' ? { token: c.req.query('token') } : await jsonBody(c, tokenBodySchema);
    const { token } = parseWith(tokenBodySchema, payload);
    // One answer for both methods (`answer` names the POST route; the GET one declares the same).
    return answer(c, 'POST /api/reservations/confirm', await services.bookings.confirmByGuest(token));
  })
  .get('/reservations/qr-code', async (c) => {
    const { services } = c.var;
    await services.throttle.hit('ticket_view', clientIp(c, services.env.TRUST_PROXY), services.env.THROTTLE_RESERVATION_CONFIRM);
    const { token } = parseWith(tokenBodySchema, { token: c.req.query('token') });
    return answer(c, 'GET /api/reservations/qr-code', await services.bookings.ticketForGuest(token));
  })
  .get('/reservations/calendar.ics', async (c) => {
    const { services } = c.var;
    await services.throttle.hit('ticket_view', clientIp(c, services.env.TRUST_PROXY), services.env.THROTTLE_RESERVATION_CONFIRM);
    const { token } = parseWith(tokenBodySchema, { token: c.req.query('token') });
    const ics = await services.bookings.calendarForGuest(token);
    c.header('Content-Type', 'text/calendar; charset=utf-8');
    c.header('Content-Disposition', 'attachment; filename="azionelab.ics"');
    return c.body(ics);
  })
  // "I can't come": the guest frees the seats with the check-in token from the ticket email.
  .post('/reservations/cancel', async (c) => {
    const { services } = c.var;
    await services.throttle.hit('reservation_confirm', clientIp(c, services.env.TRUST_PROXY), services.env.THROTTLE_RESERVATION_CONFIRM);
    const { token } = await jsonBody(c, tokenBodySchema);
    return answer(c, 'POST /api/reservations/cancel', await services.bookings.cancelByGuest(token));
  });
