import { Hono } from 'hono';
import { loginAnswerSchema, meAnswerSchema, sessionListSchema, sessionsEndedSchema } from '../../../shared/src/auth-contracts.js';
import { loginSchema } from '../../../shared/src/contracts.js';
import type { AppEnv } from '../app-context.js';
import { clientIp } from '../lib/client-ip.js';
import { notFound } from '../lib/errors.js';
import { jsonBody } from '../lib/http.js';
import { clearSessionCookie, currentUser, setSessionCookie } from './auth-middleware.js';
import type { SessionUser } from './sessions.js';

const userJson = (user: SessionUser) => ({
  id: user.id,
  email: user.email,
  display_name: user.displayName,
  role: user.role,
});

/** Session ids are hex SHA-256 digests; anything else cannot name a session. */
const SESSION_ID = /^[0-9a-f]{64}$/;

export const authRoutes = new Hono<AppEnv>()
  .post('/login', async (c) => {
    const { email, password } = await jsonBody(c, loginSchema);
    const { services } = c.var;
    const session = await services.auth.login(email, password, {
      ip: clientIp(c, services.env.TRUST_PROXY),
      userAgent: c.req.header('user-agent'),
    });
    setSessionCookie(c, session.token, session.expiresAt);
    return c.json(loginAnswerSchema.parse({ user: userJson(session.user), expires_at: session.expiresAt.toISOString() }));
  })
  .post('/logout', async (c) => {
    const sessionId = c.var.sessionId;
    if (sessionId) await c.var.services.sessions.invalidate(sessionId);
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .get('/me', (c) => c.json(meAnswerSchema.parse({ user: userJson(currentUser(c)) })))
  .get('/sessions', async (c) => {
    const user = currentUser(c);
    const rows = await c.var.services.sessions.listForUser(user.id);
    return c.json(
      sessionListSchema.parse({
        sessions: rows.map((row) => ({
          id: row.id,
          user_agent: row.userAgent,
          ip_address: row.ipAddress,
          created_at: row.createdAt.toISOString(),
          last_seen_at: row.lastSeenAt?.toISOString() ?? null,
          expires_at: row.expiresAt.toISOString(),
          current: row.id === c.var.sessionId,
        })),
      }),
    );
  })
  // Every session but the one asking: "sign out everywhere else".
  .delete('/sessions', async (c) => {
    const user = currentUser(c);
    const ended = await c.var.services.sessions.endOthers(user.id, c.var.sessionId ?? '');
    return c.json(sessionsEndedSchema.parse({ ended }));
  })
  .delete('/sessions/:id', async (c) => {
    const user = currentUser(c);
    const id = c.req.param('id');
    // Someone else's session answers exactly like one that does not exist.
    if (!SESSION_ID.test(id) || !(await c.var.services.sessions.endOwn(user.id, id))) throw notFound('Session not found.');
    if (id === c.var.sessionId) clearSessionCookie(c);
    return c.body(null, 204);
  });
