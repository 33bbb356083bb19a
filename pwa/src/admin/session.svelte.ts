import { ApiError, api, onUnauthenticated } from '../lib/api';
import type { SessionUserAnswer } from '../../../shared/src/auth-contracts';
import type { UserRole } from '../../../shared/src/statuses';

/*
 * Who is signed in, and what their role lets them see. The server enforces every rule; this
 * only hides what a role could not use anyway.
 */

export type Capability = 'dashboard' | 'reservations' | 'programme.read' | 'programme.write' | 'users' | 'audit' | 'account';

const CAPABILITIES: Record<UserRole, readonly Capability[]> = {
  admin: ['dashboard', 'reservations', 'programme.read', 'programme.write', 'users', 'audit', 'account'],
  content: ['programme.read', 'programme.write', 'account'],
  box_office: ['dashboard', 'reservations', 'programme.read', 'account'],
  door: [],
};

class Session {
  user = $state<SessionUserAnswer | null>(null);
  /** `loading` until the first answer of /me; `unreachable` when the API could not be asked. */
  status = $state<'loading' | 'ready' | 'unreachable'>('loading');
  loadError = $state<unknown>(undefined);

  constructor() {
    // A session that ends while a page is open (expired, user deactivated): back to sign-in,
    // on the same URL, so that signing in again returns to the same page.
    onUnauthenticated(() => {
      this.user = null;
    });
  }

  async load(): Promise<void> {
    this.status = 'loading';
    try {
      const { user } = await api.get('/api/auth/me');
      this.user = user;
      this.status = 'ready';
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.user = null;
        this.status = 'ready';
      } else {
        this.loadError = error;
        this.status = 'unreachable';
      }
    }
  }

  async login(email: string, password: string): Promise<void> {
    const { user } = await api.post('/api/auth/login', { body: { email, password } });
    this.user = user;
    this.status = 'ready';
  }

  async logout(): Promise<void> {
    try {
      await api.post('/api/auth/logout');
    } finally {
      this.user = null;
    }
  }

  can(capability: Capability): boolean {
    return this.user !== null && CAPABILITIES[this.user.role].includes(capability);
  }
}

export const session = new Session();
