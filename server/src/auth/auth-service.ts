import type { Db } from '../db/client.js';
import type { UserRole } from '../db/schema.js';
import type { Env } from '../env.js';
import { AppError } from '../lib/errors.js';
import type { Throttle } from '../throttle/throttle-service.js';
import { findUserByEmail, insertUser } from './auth-repository.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords.js';
import type { SessionStore, SessionUser } from './sessions.js';

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly env: Env,
    private readonly sessions: SessionStore,
    private readonly throttle: Throttle,
  ) {}

  /**
   * Throttled per client address and per account before the password is even looked at,
   * so a brute force costs the attacker the limit, not our CPU on argon2.
   */
  async login(email: string, password: string, ip: string): Promise<{ token: string; expiresAt: Date; user: SessionUser }> {
    const normalized = email.trim().toLowerCase();
    await this.throttle.hit('login_ip', ip, this.env.THROTTLE_LOGIN_IP);
    await this.throttle.hit('login_account', normalized, this.env.THROTTLE_LOGIN_ACCOUNT);
    const user = await findUserByEmail(this.db, normalized);
    const valid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
    if (!user || !valid || !user.active) {
      throw new AppError('invalid_credentials', 'Email or password is wrong, or the account is disabled.');
    }
    const session = await this.sessions.create(user.id);
    return {
      ...session,
      user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role },
    };
  }

  async createUser(input: { email: string; password: string; role: UserRole; displayName?: string }): Promise<SessionUser> {
    const email = input.email.trim().toLowerCase();
    if (input.password.length < 10) {
      throw new AppError('validation_error', 'The password is too short.', {
        errors: { password: ['At least 10 characters.'] },
      });
    }
    if (await findUserByEmail(this.db, email)) {
      throw new AppError('conflict', 'A user with this email already exists.', {
        errors: { email: ['Already in use.'] },
      });
    }
    const user = await insertUser(this.db, {
      email,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      displayName: input.displayName ?? '',
    });
    return { id: user.id, email: user.email, displayName: user.displayName, role: user.role };
  }
}
