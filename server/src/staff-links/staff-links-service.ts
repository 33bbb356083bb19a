import { STAFF_LINK_TTL_HOURS, type PasswordResetConfirmResponse } from '../../../shared/src/staff-link-contracts.js';
import { insertAudit } from '../audit/audit-repository.js';
import { clearFailedLogins, deleteUserSessions, findUserByEmail } from '../auth/auth-repository.js';
import { assertAcceptablePassword, hasUsablePassword } from '../auth/password-policy.js';
import { hashPassword } from '../auth/passwords.js';
import type { SessionUser } from '../auth/sessions.js';
import type { Db, Executor } from '../db/client.js';
import type { StaffTokenPurpose, users } from '../db/schema.js';
import type { Env } from '../env.js';
import { AppError, invalidToken, notFound } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { generateToken, hashToken, looksLikeToken } from '../lib/tokens.js';
import { DEFAULT_LOCALE, type Locale } from '../../../shared/src/locale.js';
import { enqueueMail } from '../mail/mail-repository.js';
import type { Throttle } from '../throttle/throttle-service.js';
import { findUser, updateUser } from '../users/users-repository.js';
import { closeOpenStaffTokens, findStaffTokenForUpdate, insertStaffToken } from './staff-links-repository.js';

type UserRow = typeof users.$inferSelect;

const TTL_MS = STAFF_LINK_TTL_HOURS * 3_600_000;

/**
 * One-time links that let a staff member choose a password: the invitation of a new account and
 * the "forgot password" reset. The raw token lives only in the emailed link (and in the outbox
 * payload until the email is sent); the database keeps its SHA-256. Confirming either kind is
 * the same rule: valid once, for 48 hours, and it ends every session of the account.
 */
export class StaffLinks {
  /** Reset requests whose mail is still being written (answered before they finish, see `requestReset`). */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly env: Env,
    private readonly throttle: Throttle,
    readonly kickMail: () => void,
    private readonly logger: Logger,
    private readonly now: () => Date,
  ) {}

  /** Issues an invitation link for a user who has no password yet, in the caller's transaction. */
  async invite(tx: Executor, user: UserRow, invitedBy: SessionUser | null): Promise<void> {
    await this.issue(tx, user, 'invitation', invitedBy);
  }

  /** Admin: a new invitation (the old links stop working), only while the user never chose a password. */
  async resendInvitation(userId: number, actor: SessionUser): Promise<void> {
    await this.db.transaction(async (tx) => {
      const user = await findUser(tx, userId);
      if (!user) throw notFound('User not found.');
      if (hasUsablePassword(user.passwordHash)) {
        throw new AppError('conflict', 'This user has already chosen a password; use "forgot password" or set one.');
      }
      if (!user.active) throw new AppError('conflict', 'This user is deactivated.');
      await this.issue(tx, user, 'invitation', actor);
      await insertAudit(tx, {
        actorUserId: actor.id,
        action: 'user.invite',
        entityType: 'user',
        entityId: user.id,
        summary: `${user.email}: invitation sent again`,
        details: { mail: 'staff_invitation' },
      });
    });
    this.kickMail();
  }

  /**
   * "Forgot password". The answer is the same whether or not the address belongs to an account,
   * and comes as fast: the link is written after the answer. Past the per-address limit the
   * client gets a 429 (that tells nothing about accounts); past the per-email limit nothing more
   * is sent, silently, so that nobody can flood a colleague's mailbox.
   */
  async requestReset(email: string, ip: string, locale: Locale = DEFAULT_LOCALE): Promise<void> {
    await this.throttle.hit('password_reset_ip', ip, this.env.THROTTLE_PASSWORD_RESET_IP);
    const normalized = email.trim().toLowerCase();
    const work = this.throttle
      .hit('password_reset_email', normalized, this.env.THROTTLE_PASSWORD_RESET_EMAIL)
      .then(async () => {
        const user = await findUserByEmail(this.db, normalized);
        if (!user?.active) return;
        await this.db.transaction((tx) => this.issue(tx, user, 'password_reset', null, locale));
        this.kickMail();
      })
      .catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'rate_limited') return;
        this.logger.error({ err: error }, 'password reset request failed');
      })
      .finally(() => this.pending.delete(work));
    this.pending.add(work);
  }

  /** Resolves once every reset request answered so far has written its link (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /**
   * Sets the password through a link (invitation or reset): the token is used up, every other
   * link of the account closed, and every session of the account ended.
   */
  async confirm(rawToken: string, password: string): Promise<PasswordResetConfirmResponse> {
    if (!looksLikeToken(rawToken)) throw invalidToken('This link is not valid (any more).');
    const now = this.now();
    return this.db.transaction(async (tx) => {
      const found = await findStaffTokenForUpdate(tx, hashToken(rawToken));
      if (!found || found.token.usedAt || !found.user.active) throw invalidToken('This link is not valid (any more).');
      if (found.token.expiresAt <= now) throw new AppError('expired_token', 'This link has expired. Ask for a new one.');
      // Checked after the token, so an expired link says so before the password is judged.
      assertAcceptablePassword(password);
      const { user, token } = found;
      await updateUser(tx, user.id, { passwordHash: await hashPassword(password), passwordChangedAt: now });
      await closeOpenStaffTokens(tx, user.id, now);
      await deleteUserSessions(tx, user.id);
      // Proof of the mailbox is proof enough: a wait earned by wrong guesses ends with the new password.
      await clearFailedLogins(tx, user.id);
      await insertAudit(tx, {
        actorUserId: user.id,
        action: 'auth.password_reset',
        entityType: 'user',
        entityId: user.id,
        summary: token.purpose === 'invitation' ? `${user.email}: password chosen from the invitation` : `${user.email}: password reset by link`,
        details: { reason: token.purpose },
      });
      return { email: user.email, role: user.role };
    });
  }

  /** `locale`: a reset speaks the asking browser's language; an invitation Italian (staff-templates.ts). */
  private async issue(tx: Executor, user: UserRow, purpose: StaffTokenPurpose, by: SessionUser | null, locale: Locale = DEFAULT_LOCALE): Promise<void> {
    const now = this.now();
    const raw = generateToken();
    const expiresAt = new Date(now.getTime() + TTL_MS);
    // The newest link is the only one that works: an old email in the inbox is no longer a key.
    await closeOpenStaffTokens(tx, user.id, now, purpose);
    await insertStaffToken(tx, { userId: user.id, purpose, tokenHash: hashToken(raw), expiresAt, createdByUserId: by?.id ?? null });
    const base = this.env.SITE_BASE_URL.replace(/\/+$/, '');
    // In the fragment: never sent to the server by the browser, so never in a proxy's log.
    const link = `${base}/admin/set-password#token=${raw}${purpose === 'password_reset' ? '&reset=1' : ''}`;
    await enqueueMail(
      tx,
      purpose === 'invitation' ? 'staff_invitation' : 'staff_password_reset',
      { locale, name: user.displayName || user.email, ...(by && { invitedBy: by.displayName || by.email }), link, expiresAt: expiresAt.toISOString() },
      { recipient: user.email, reservationId: null },
    );
  }
}
