import type { SessionUserAnswer } from '../../../../shared/src/auth-contracts';
import type { RegisteredDevice } from '../../../../shared/src/door-contracts';
import type { UserRole } from '../../../../shared/src/statuses';
import { ApiError, api, onUnauthenticated } from '../../lib/api';
import { doorDb } from '../data/door-db';
import { connection } from './connection.svelte';

/*
 * Who is at the door and on which device. Signing in needs the network; after that the door
 * works offline with the user it remembers. The device is registered once ("Door 3") and keeps
 * its id in IndexedDB, across sign-outs, until an administrator revokes it.
 *
 * Local first: the app opens from what IndexedDB remembers, at once, whatever the network does.
 * Asking the server who is signed in runs in the background (it is also the connection's
 * heartbeat); a session that has ended there sends staff to the sign-in form.
 */

/** The roles the door routes let in (`requireRole('door')`; an admin may do everything). */
const DOOR_ROLES: readonly UserRole[] = ['door', 'admin'];

export type SignedOutReason = 'expired' | 'revoked' | 'signed_out';

class DoorSession {
  status = $state<'loading' | 'signed-out' | 'ready'>('loading');
  user = $state<SessionUserAnswer | null>(null);
  device = $state<RegisteredDevice | null>(null);
  /** Why the sign-in form is showing, when it was not the first visit. */
  reason = $state<SignedOutReason | null>(null);
  /** The server has not confirmed the session since start: working from what this device remembers. */
  fromMemory = $state(false);

  /** Bumped by every sign-in and sign-out: an answer to an older question is ignored. */
  #epoch = 0;

  constructor() {
    // The session ended (expired, user deactivated): sign in again; the scans waiting stay.
    onUnauthenticated(() => {
      if (this.status !== 'ready') return;
      this.#epoch += 1;
      this.status = 'signed-out';
      this.reason = 'expired';
    });
  }

  async start(): Promise<void> {
    const [device, remembered, owed] = await Promise.all([doorDb.getMeta('device'), doorDb.getMeta('user'), doorDb.getMeta('logout_owed')]);
    this.device = device ?? null;
    if (remembered && !owed) {
      this.user = remembered;
      this.fromMemory = true;
      this.status = 'ready';
    } else {
      this.status = 'signed-out';
    }
    connection.start(() => this.check());
  }

  /**
   * Asks the server who is signed in: at start, then whenever it has been silent for a while.
   * A sign-out the server has not heard of yet goes first.
   */
  async check(): Promise<void> {
    if (await doorDb.getMeta('logout_owed')) return this.#settleLogout();
    const epoch = this.#epoch;
    let user: SessionUserAnswer;
    try {
      ({ user } = await api.get('/api/auth/me'));
    } catch {
      // A 401 reaches onUnauthenticated; no answer changes nothing: the door works from memory.
      return;
    }
    if (epoch !== this.#epoch) return;
    // After a sign-out or an expiry the form stays: only a first visit carries on with a session
    // opened elsewhere in this browser (the staff admin).
    if (this.status === 'signed-out' && this.reason !== null) return;
    await this.#signedIn(user);
  }

  async login(email: string, password: string): Promise<void> {
    if (await doorDb.getMeta('logout_owed')) await this.#settleLogout();
    this.#epoch += 1;
    const { user } = await api.post('/api/auth/login', { body: { email, password } });
    if (!DOOR_ROLES.includes(user.role)) {
      // Not a door account: leave no session behind.
      await api.post('/api/auth/logout').catch(() => undefined);
      throw new ApiError(403, 'door_role_required', 'This account cannot use the door app.');
    }
    await this.#signedIn(user);
  }

  async registerDevice(name: string): Promise<void> {
    const device = await api.post('/api/door/devices', { body: { name } });
    await doorDb.setMeta('device', device);
    this.device = device;
  }

  /** The server no longer knows this device: it must be registered again (scans stay queued). */
  async forgetDevice(): Promise<void> {
    await doorDb.deleteMeta('device');
    this.device = null;
  }

  /**
   * Sign-out erases the guests and scans on this device (the caller warns about unsent scans)
   * and is done at once, network or not; the server is told when it can be reached.
   */
  async logout(): Promise<void> {
    await doorDb.eraseGuestData();
    await this.#oweLogout();
    this.#signedOut('signed_out');
    void this.#settleLogout();
  }

  /**
   * An administrator revoked this device: nothing of it may stay. The server has just answered
   * (it said so), so its session is ended before the sign-in form shows; only if that fails does
   * the owed sign-out stay behind.
   */
  async deviceRevoked(): Promise<void> {
    await doorDb.eraseEverything();
    this.device = null;
    await this.#oweLogout();
    await this.#settleLogout();
    this.#signedOut('revoked');
  }

  /** Written before the screen says "signed out": a closed app still ends the session later. */
  async #oweLogout(): Promise<void> {
    this.#epoch += 1;
    await doorDb.setMeta('logout_owed', true);
  }

  #signedOut(reason: SignedOutReason): void {
    this.user = null;
    this.fromMemory = false;
    this.reason = reason;
    this.status = 'signed-out';
  }

  /** Ends the server session; any answer (even "not signed in") settles it, silence does not. */
  async #settleLogout(): Promise<void> {
    try {
      await api.post('/api/auth/logout');
    } catch (error) {
      if (!(error instanceof ApiError) || error.status === 0 || error.status >= 500) return;
    }
    await doorDb.deleteMeta('logout_owed');
  }

  async #signedIn(user: SessionUserAnswer): Promise<void> {
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
}

export const session = new DoorSession();
