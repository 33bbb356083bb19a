import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { UserRole } from '../db/schema.js';
import { AppError, forbidden, notAuthenticated } from '../lib/errors.js';
import type { AppEnv } from '../app-context.js';
import { SESSION_COOKIE, type SessionUser } from './sessions.js';

export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: Date): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: c.var.services.env.SITE_BASE_URL.startsWith('https://'),
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

/** Resolves the session cookie (if any) into `c.var.user`; never rejects by itself. */
export const loadSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE);
  if (token) {
    const session = await c.var.services.sessions.validate(token);
    if (session) {
      c.set('user', session.user);
      c.set('sessionId', session.sessionId);
      if (session.renewed) setSessionCookie(c, token, session.expiresAt);
    } else {
      clearSessionCookie(c);
    }
  }
  await next();
};

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF defence for cookie sessions: an unsafe request that carries our session cookie must
 * come from one of our origins. SameSite=Lax already stops most cross-site posts; this also
 * covers same-site subdomains and old browsers.
 */
export const requireTrustedOrigin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (UNSAFE.has(c.req.method)) {
    const carriesSession = getCookie(c, SESSION_COOKIE) !== undefined;
    const origin = c.req.header('origin');
    const trusted = origin !== undefined && c.var.services.trustedOrigins.has(origin);
    if ((carriesSession && !trusted) || (origin !== undefined && !trusted && c.req.path.startsWith('/api/auth/'))) {
      throw new AppError('origin_not_allowed', 'This request must come from the AzioneLab site.');
    }
  }
  await next();
};

/** Admins may do everything; other roles only what the route lists. */
export function requireRole(...roles: UserRole[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = c.var.user;
    if (!user) throw notAuthenticated();
    if (user.role !== 'admin' && !roles.includes(user.role)) throw forbidden();
    await next();
  };
}

export function currentUser(c: Context<AppEnv>): SessionUser {
  const user = c.var.user;
  if (!user) throw notAuthenticated();
  return user;
}
