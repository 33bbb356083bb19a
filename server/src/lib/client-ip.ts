import type { Context } from 'hono';

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/**
 * The client address used for anonymous throttles. X-Forwarded-For is believed only when
 * TRUST_PROXY is set (behind our own reverse proxy); otherwise any client could pick its key.
 */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for');
    // The proxy appends the address it saw last; earlier entries are client-controlled.
    const last = forwarded?.split(',').pop()?.trim();
    if (last) return last;
  }
  const env = c.env as NodeBindings | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
