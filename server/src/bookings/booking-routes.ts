import { Hono } from 'hono';
import { reservationCreateSchema, tokenBodySchema } from '../../../shared/src/contracts.js';
import type { AppEnv } from '../app-context.js';
import { clientIp } from '../lib/client-ip.js';
import { idParam, jsonBody, parseWith } from '../lib/http.js';
import { icsEvent } from './calendar.js';

export const bookingRoutes = new Hono<AppEnv>()
  .post('/performances/:id/reservations', async (c) => {
    const { services } = c.var;
    await services.throttle.hit('reservation_create', clientIp(c, services.env.TRUST_PROXY), services.env.THROTTLE_RESERVATION_CREATE);
    const performanceId = idParam(c);
    const input = await jsonBody(c, reservationCreateSchema(services.env.MAX_PARTY_SIZE));
    const { reservation } = await services.bookings.create(performanceId, input, { source: 'public' });
    return c.json(
      { reservation_id: reservation.id, status: reservation.status, party_size: reservation.partySize },
      201,
    );
  })
  // GET is kept for the seeds' contract (links in already-sent emails); the public pages POST.
  .on(['GET', 'POST'], '/reservations/confirm', async (c) => {
    const { services } = c.var;
    await services.throttle.hit('reservation_confirm', clientIp(c, services.env.TRUST_PROXY), services.env.THROTTLE_RESERVATION_CONFIRM);
    // From a link, only `token` counts: mail clients and trackers append their own parameters.
    const payload = c.req.method === 'GET' ? { token: c.req.query('token') } : await jsonBody(c, tokenBodySchema);
    const { token } = parseWith(tokenBodySchema, payload);
    const result = await services.bookings.confirm(token);
    return c.json({
      reservation_id: result.reservation.id,
      status: result.reservation.status,
      party_size: result.reservation.partySize,
      available_seats: result.availableSeats,
      qr_code_url: result.qrCodeUrl,
      qr_code_image: result.qrCodeImage,
      name: result.reservation.name,
      code: result.reservation.code,
    });
  })
  .get('/reservations/qr-code', async (c) => {
    const { services } = c.var;
    await services.throttle.hit('ticket_view', clientIp(c, services.env.TRUST_PROXY), services.env.THROTTLE_RESERVATION_CONFIRM);
    const { token } = parseWith(tokenBodySchema, { token: c.req.query('token') });
    const ticket = await services.bookings.ticketQr(token);
    return c.json({
      reservation_id: ticket.reservation.id,
      qr_code_url: ticket.qrCodeUrl,
      qr_code_image: ticket.qrCodeImage,
      printable: true,
      party_size: ticket.reservation.partySize,
      // On the ticket as on a paper one: the door staff read the name and type the code.
      name: ticket.reservation.name,
      code: ticket.reservation.code,
      performance: performanceSummaryJson(ticket.performance),
    });
  })
  .get('/reservations/calendar.ics', async (c) => {
    const { services } = c.var;
    await services.throttle.hit('ticket_view', clientIp(c, services.env.TRUST_PROXY), services.env.THROTTLE_RESERVATION_CONFIRM);
    const { token } = parseWith(tokenBodySchema, { token: c.req.query('token') });
    const ticket = await services.bookings.ticketQr(token);
    const seats = ticket.reservation.partySize;
    const ics = icsEvent({
      uid: `reservation-${ticket.reservation.id}@${new URL(services.env.SITE_BASE_URL).hostname}`,
      title: ticket.performance.showTitle,
      location: `${ticket.performance.venueName}, AzioneLab`,
      startsAt: ticket.performance.startsAt,
      durationMinutes: 120,
      description: `${seats} ${seats === 1 ? 'posto / seat' : 'posti / seats'}`,
      now: services.now(),
    });
    c.header('Content-Type', 'text/calendar; charset=utf-8');
    c.header('Content-Disposition', 'attachment; filename="azionelab.ics"');
    return c.body(ics);
  })
  // "I can't come": the guest frees the seats with the check-in token from the ticket email.
  .post('/reservations/cancel', async (c) => {
    const { services } = c.var;
    await services.throttle.hit('reservation_confirm', clientIp(c, services.env.TRUST_PROXY), services.env.THROTTLE_RESERVATION_CONFIRM);
    const { token } = await jsonBody(c, tokenBodySchema);
    const reservation = await services.bookings.cancelByGuest(token);
    return c.json({ reservation_id: reservation.id, status: reservation.status });
  });

/** A performance as a ticket or an offer names it: no seat figures. */
export function performanceSummaryJson(p: { id: number; showTitle: string; venueName: string; startsAt: Date }) {
  return { id: p.id, show_title: p.showTitle, venue_name: p.venueName, starts_at: p.startsAt.toISOString() };
}
