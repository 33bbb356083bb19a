import { Hono } from 'hono';
import { loginSchema } from '../../../shared/src/contracts.js';
import type { AppEnv } from '../app-context.js';
import { clientIp } from '../lib/client-ip.js';
import { jsonBody } from '../lib/http.js';
import { clearSessionCookie, currentUser, setSessionCookie } from './auth-middleware.js';
import type { SessionUser } from './sessions.js';

const userJson = (user: SessionUser) => ({
  id: user.id,
  email: user.email,
  display_name: user.displayName,
  role: user.role,
});

export const authRoutes = new Hono<AppEnv>()
  .post('/login', async (c) => {
    const { email, password } = await jsonBody(c, loginSchema);
    const { services } = c.var;
    const session = await services.auth.login(email, password, clientIp(c, services.env.TRUST_PROXY));
    setSessionCookie(c, session.token, session.expiresAt);
    return c.json({ user: userJson(session.user), expires_at: session.expiresAt.toISOString() });
  })
  .post('/logout', async (c) => {
    const sessionId = c.var.sessionId;
    if (sessionId) await c.var.services.sessions.invalidate(sessionId);
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .get('/me', (c) => c.json({ user: userJson(currentUser(c)) }));
