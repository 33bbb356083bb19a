import { ApiError, api, onUnauthenticated } from '../../lib/api';
import { doorDb } from '../data/door-db';
import { DOOR_ROLES, type RegisteredDevice, type SessionUser } from '../door-types';
import { connection } from './connection.svelte';

/*
 * Who is at the door and on which device. Signing in needs the network; after that the door
 * works offline with the user it remembers. The device is registered once ("Door 1") and keeps
 * its id in IndexedDB, across sign-outs, until an administrator revokes it.
 */

export type SignedOutReason = 'expired' | 'revoked' | 'signed_out';

class DoorSession {
  status = $state<'loading' | 'signed-out' | 'ready'>('loading');
  user = $state<SessionUser | null>(null);
  device = $state<RegisteredDevice | null>(null);
  /** Why the sign-in form is showing, when it was not the first visit. */
  reason = $state<SignedOutReason | null>(null);
  /** The server could not be asked at start: working from what this device remembers. */
  fromMemory = $state(false);

  constructor() {
    // The session ended (expired, user deactivated): sign in again; the scans waiting stay.
    onUnauthenticated(() => {
      if (this.status !== 'ready') return;
      this.status = 'signed-out';
      this.reason = 'expired';
    });
  }

  async start(): Promise<void> {
    this.device = (await doorDb.getMeta('device')) ?? null;
    try {
      const { user } = await api.get<{ user: SessionUser }>('/api/auth/me');
      connection.report('ok');
      await this.#signedIn(user);
    } catch (error) {
      connection.report(error);
      const remembered = await doorDb.getMeta('user');
      if (error instanceof ApiError && error.status === 401) {
        this.status = 'signed-out';
        if (remembered) this.reason = 'expired';
      } else if (remembered) {
        // No network at the door: carry on; the scans wait for the server in the outbox.
        this.user = remembered;
        this.fromMemory = true;
        this.status = 'ready';
      } else {
        this.status = 'signed-out';
      }
    }
  }

  async login(email: string, password: string): Promise<void> {
    const { user } = await api.post<{ user: SessionUser }>('/api/auth/login', { email, password });
    if (!DOOR_ROLES.includes(user.role)) {
      // Not a door account: leave no session behind.
      await api.post<void>('/api/auth/logout').catch(() => undefined);
      throw new ApiError(403, 'door_role_required', 'This account cannot use the door app.');
    }
    await this.#signedIn(user);
  }

  async registerDevice(name: string): Promise<void> {
    const device = await api.post<RegisteredDevice>('/api/door/devices', { name });
    await doorDb.setMeta('device', device);
    this.device = device;
  }

  /** The server no longer knows this device: it must be registered again (scans stay queued). */
  async forgetDevice(): Promise<void> {
    await doorDb.deleteMeta('device');
    this.device = null;
  }

  /** Sign-out erases the guests and scans on this device (the caller warns about unsent scans). */
  async logout(): Promise<void> {
    await doorDb.eraseGuestData();
    await api.post<void>('/api/auth/logout').catch(() => undefined);
    this.#signedOut('signed_out');
  }

  /** An administrator revoked this device: nothing of it may stay. */
  async deviceRevoked(): Promise<void> {
    await doorDb.eraseEverything();
    this.device = null;
    await api.post<void>('/api/auth/logout').catch(() => undefined);
    this.#signedOut('revoked');
  }

  async #signedIn(user: SessionUser): Promise<void> {
    if (!DOOR_ROLES.includes(user.role)) {
      this.status = 'signed-out';
      return;
    }
    await doorDb.setMeta('user', user);
    this.user = user;
    this.fromMemory = false;
    this.reason = null;
    this.status = 'ready';
  }

  #signedOut(reason: SignedOutReason): void {
    this.user = null;
    this.reason = reason;
    this.status = 'signed-out';
  }
}

export const session = new DoorSession();
