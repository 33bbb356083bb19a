import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getPath } from 'hono/utils/url';
import { secureHeaders } from 'hono/secure-headers';
import { adminRoutes } from './admin/admin-routes.js';
import { auditRoutes } from './audit/audit-routes.js';
import { reservationsRoutes } from './reservations/reservations-routes.js';
import { usersRoutes } from './users/users-routes.js';
import { staticRoutes } from './web/static-routes.js';
import { doorRoutes } from './door/door-routes.js';
import { waitlistAdminRoutes, waitlistRoutes } from './waitlist/waitlist-routes.js';
import type { AppEnv } from './app-context.js';
import { loadSession, requireTrustedOrigin } from './auth/auth-middleware.js';
import { authRoutes } from './auth/auth-routes.js';
import { staffLinkAdminRoutes, staffLinkAuthRoutes } from './staff-links/staff-links-routes.js';
import { bookingRoutes } from './bookings/booking-routes.js';
import { catalogRoutes } from './catalog/catalog-routes.js';
import { checkInAdminRoutes } from './check-ins/check-in-admin-routes.js';
import { checkInRoutes } from './check-ins/check-in-routes.js';
import { guestScanRoutes } from './check-ins/guest-scan-route.js';
import { answer } from './lib/answer.js';
import { openApiRoutes } from './openapi/openapi-routes.js';
import { AppError, fromDatabaseError, notFound } from './lib/errors.js';
import { pathOnly } from './lib/logger.js';
import type { Services } from './services.js';

/** Paths work with and without a trailing slash (the seeds' URLs end in `/`). */
function pathWithoutTrailingSlash(request: Request): string {
  const path = getPath(request);
  return path.length > 1 && path.endsWith('/') ? path.replace(/\/+$/, '') || '/' : path;
}

function errorBody(error: AppError) {
  return {
    status: error.code,
    detail: error.message,
    ...(error.extra.errors && { errors: error.extra.errors }),
    ...error.extra.data,
  };
}

/** `webRoot`: where the built web apps are read from (the tests serve small stand-in pages). */
export function createApp(services: Services, options: { webRoot?: string } = {}) {
  const app = new Hono<AppEnv>({ getPath: pathWithoutTrailingSlash });
  const isHttps = services.env.SITE_BASE_URL.startsWith('https://');

  app.use('*', async (c, next) => {
    c.set('services', services);
    c.set('requestId', randomUUID());
    const started = performance.now();
    await next();
    // Path only: query strings may carry tokens. Bodies are never logged.
    services.logger.info(
      {
        reqId: c.var.requestId,
        method: c.req.method,
        path: pathOnly(c.req.path),
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        user: c.var.user?.id,
      },
      'request',
    );
  });
  app.use(
    '*',
    secureHeaders({
      strictTransportSecurity: isHttps ? 'max-age=31536000; includeSubDomains' : false,
      referrerPolicy: 'no-referrer',
      xFrameOptions: 'DENY',
      crossOriginEmbedderPolicy: false,
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        mediaSrc: ["'self'", 'blob:'],
        workerSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
      permissionsPolicy: { camera: ['self'], microphone: [], geolocation: [] },
    }),
  );
  app.use('/api/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
    // Whatever a request that may write changed, this instance's public reads show it at once.
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') services.catalog.invalidate();
  });
  const tooLarge = (c: Context) => c.json({ status: 'payload_too_large', detail: 'The request body is too large.' }, 413);
  const smallBodies = bodyLimit({ maxSize: 64 * 1024, onError: tooLarge });
  // A door device back online after hours sends thousands of scans at once.
  const syncBodies = bodyLimit({ maxSize: 4 * 1024 * 1024, onError: tooLarge });
  app.use('/api/*', (c, next) => (c.req.path === '/api/door/sync' ? syncBodies(c, next) : smallBodies(c, next)));

  // `%00` in a path is decoded to U+0000, which PostgreSQL refuses in text (a slug lookup would be a 500).
  app.use('/api/*', async (c, next) => {
    if (c.req.path.includes('\u0000')) throw notFound();
    await next();
  });
  app.use('/api/*', requireTrustedOrigin);
  app.use('/api/*', loadSession);

  app.route('/api', openApiRoutes);
  app.route('/api/auth', authRoutes);
  app.route('/api/auth', staffLinkAuthRoutes);
  app.route('/api', catalogRoutes);
  app.route('/api', bookingRoutes);
  app.route('/api', waitlistRoutes);
  app.route('/api/check-ins', guestScanRoutes);
  app.route('/api/check-ins', checkInRoutes);
  app.route('/api/door', doorRoutes);
  app.route('/api/admin/check-ins', checkInAdminRoutes);
  app.route('/api/admin/reservations', reservationsRoutes);
  app.route('/api/admin/users', usersRoutes);
  app.route('/api/admin/users', staffLinkAdminRoutes);
  app.route('/api/admin/audit', auditRoutes);
  app.route('/api/admin', waitlistAdminRoutes);
  app.route('/api/admin', adminRoutes);

  // Liveness: the process answers. Readiness: the database answers with the expected schema.
  app.get('/healthz', (c) => answer(c, 'GET /healthz', { status: 'ok' }));
  app.get('/readyz', async (c) => {
    const readiness = await services.health.readiness();
    return answer(c, 'GET /readyz', { status: readiness.ready ? 'ready' : 'not_ready', ...readiness }, readiness.ready ? 200 : 503);
  });
  app.route('/', staticRoutes(options.webRoot));

  app.notFound((c) => c.json({ status: 'not_found', detail: 'Not found.' }, 404));

  app.onError((caught, c) => {
    const error = caught instanceof AppError ? caught : (fromDatabaseError(caught) ?? caught);
    if (error instanceof AppError) {
      if (error.extra.retryAfterSeconds) c.header('Retry-After', String(error.extra.retryAfterSeconds));
      return c.json(errorBody(error), error.httpStatus);
    }
    // Unknown failures: logged with a request id, answered without any internals.
    services.logger.error({ reqId: c.var.requestId, err: error }, 'unhandled error');
    return c.json({ status: 'internal_error', detail: 'Something went wrong. Please try again.' }, 500);
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
