import { AdminService } from './admin/admin-service.js';
import { AuthService } from './auth/auth-service.js';
import { BroadcastService } from './broadcasts/broadcast-service.js';
import { SessionStore } from './auth/sessions.js';
import { BookingService } from './bookings/booking-service.js';
import { ReservationChanges } from './bookings/reservation-changes.js';
import { TicketLinksResolver } from './bookings/ticket-links.js';
import { CatalogService } from './catalog/catalog-service.js';
import { CheckInService } from './check-ins/check-in-service.js';
import type { Database } from './db/client.js';
import { allowedOrigins, type Env } from './env.js';
import type { Logger } from './lib/logger.js';
import { MailWorker } from './mail/mail-worker.js';
import type { MailTransport } from './mail/mail-transport.js';
import { Throttle } from './throttle/throttle-service.js';
import { StaffLinks } from './staff-links/staff-links-service.js';
import { UsersService } from './users/users-service.js';
import { ReservationsService } from './reservations/reservations-service.js';
import { DashboardService } from './dashboard/dashboard-service.js';
import { DoorService } from './door/door-service.js';
import { SigningKeys } from './door/signing-keys.js';
import { SyncService } from './door/sync-service.js';
import { HealthService } from './health/health-service.js';
import { RetentionService } from './retention/retention-service.js';
import { WaitlistOffers } from './waitlist/waitlist-offers.js';
import { WaitlistService } from './waitlist/waitlist-service.js';

export interface ServiceDeps {
  env: Env;
  database: Database;
  logger: Logger;
  transport: MailTransport;
  now?: () => Date;
}

/** Wires the feature services together once; handlers reach them through `c.var.services`. */
export function createServices(deps: ServiceDeps) {
  const { env, database, logger, transport } = deps;
  const now = deps.now ?? (() => new Date());
  const db = database.db;
  const mailWorker = new MailWorker(db, transport, logger, {
    pollIntervalMs: env.MAIL_POLL_INTERVAL,
    leaseMs: env.MAIL_LEASE,
    timeZone: env.TIME_ZONE,
    siteBaseUrl: env.SITE_BASE_URL,
    replyTo: env.MAIL_REPLY_TO,
    now,
    // Ticket links are derived when each email goes out: the outbox holds no raw token.
    ticketLinks: (reservationId) => ticketLinks.linksFor(reservationId),
  });
  const throttle = new Throttle(db, now);
  const sessions = new SessionStore(db, env.SESSION_TTL, now);
  const auth = new AuthService(db, env, sessions, throttle, now);
  const signingKeys = new SigningKeys(db);
  const kickMail = () => mailWorker.kick();
  const staffLinks = new StaffLinks(db, env, throttle, kickMail, logger, now);
  // Every change that frees seats tells the waiting list, in the change's own transaction.
  const offers = new WaitlistOffers(env);
  const bookings = new BookingService(db, env, offers, kickMail, now);
  const ticketLinks = new TicketLinksResolver(db, bookings.tickets, env.SITE_BASE_URL);
  const waitlist = new WaitlistService(db, env, bookings, offers, kickMail, now);
  const broadcasts = new BroadcastService(db, env, kickMail, now);
  const reservationChanges = new ReservationChanges(db, env, bookings.tickets, offers, kickMail, now);
  return {
    env,
    database,
    logger,
    now,
    trustedOrigins: allowedOrigins(env),
    throttle,
    sessions,
    mailWorker,
    auth,
    staffLinks,
    users: new UsersService(db, auth, staffLinks),
    reservations: new ReservationsService(db),
    reservationChanges,
    dashboard: new DashboardService(db, env.TIME_ZONE, now),
    signingKeys,
    door: new DoorService(db, env, signingKeys, now),
    sync: new SyncService(db, env, now),
    health: new HealthService(db),
    retention: new RetentionService(db, env.RETENTION_DAYS, now),
    catalog: new CatalogService(db, now, env.PUBLIC_CACHE_TTL, {
      maxPartySize: env.MAX_PARTY_SIZE,
      confirmationLinkHours: Math.round(env.CONFIRMATION_TOKEN_TTL / 3_600_000),
    }),
    bookings,
    waitlist,
    checkIns: new CheckInService(db, now, { opensBeforeMs: env.DOOR_OPENS_BEFORE, closesAfterMs: env.CHECK_IN_GRACE }),
    broadcasts,
    admin: new AdminService(db, offers, kickMail, env.REMINDER_BEFORE, broadcasts, now),
  };
}

export type Services = ReturnType<typeof createServices>;
