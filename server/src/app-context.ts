import type { SessionUser } from './auth/sessions.js';
import type { Services } from './services.js';

/** Hono's typed context: what every handler can read from `c.var`. */
export interface AppEnv {
  Variables: {
    services: Services;
    user?: SessionUser;
    sessionId?: string;
    requestId: string;
  };
}
