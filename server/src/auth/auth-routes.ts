import { Hono } from 'hono';
import { loginSchema } from '../../../shared/src/contracts.js';
import type { AppEnv } from '../app-context.js';
import { answer } from '../lib/answer.js';
import { clientIp } from '../lib/client-ip.js';
import { jsonBody } from '../lib/http.js';
import { clearSessionCookie, currentUser, setSessionCookie } from './auth-middleware.js';

export const authRoutes = new Hono<AppEnv>()
  .post('/login', async (c) => {
    const { email, password } = await jsonBody(c, loginSchema);
    const { services } = c.var;
    const session = await services.auth.login(email, password, {
      ip: clientIp(c, services.env.TRUST_PROXY),
      userAgent: c.req.header('user-agent'),
    });
    setSessionCookie(c, session.token, session.expiresAt);
    return answer(c, 'POST /api/auth/login', session.answer);
  })
  .post('/logout', async (c) => {
    const sessionId = c.var.sessionId;
    if (sessionId) await c.var.services.sessions.invalidate(sessionId);
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .get('/me', (c) => answer(c, 'GET /api/auth/me', c.var.services.auth.me(currentUser(c))))
  .get('/sessions', async (c) => answer(c, 'GET /api/auth/sessions', await c.var.services.auth.sessionsOf(currentUser(c), c.var.sessionId)))
  // Every session but the one asking: "sign out everywhere else".
  .delete('/sessions', async (c) => answer(c, 'DELETE /api/auth/sessions', await c.var.services.auth.endOtherSessions(currentUser(c), c.var.sessionId)))
  .delete('/sessions/:id', async (c) => {
    const id = c.req.param('id');
    await c.var.services.auth.endOwnSession(currentUser(c), id);
    if (id === c.var.sessionId) clearSessionCookie(c);
    return c.body(null, 204);
  });
