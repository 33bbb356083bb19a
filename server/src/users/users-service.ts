import type { z } from 'zod';
import type { AdminUser, SessionsEnded } from '../../../shared/src/auth-contracts.js';
import type { userCreateSchema, userUpdateSchema } from '../../../shared/src/contracts.js';
import { auditChanges } from '../audit/audit-changes.js';
import { insertAudit } from '../audit/audit-repository.js';
import { clearFailedLogins, deleteUserSessions } from '../auth/auth-repository.js';
import type { AuthService } from '../auth/auth-service.js';
import { assertAcceptablePassword, hasUsablePassword } from '../auth/password-policy.js';
import { hashPassword } from '../auth/passwords.js';
import type { SessionUser } from '../auth/sessions.js';
import type { Db } from '../db/client.js';
import type { users } from '../db/schema.js';
import { AppError, notFound } from '../lib/errors.js';
import { closeOpenStaffTokens } from '../staff-links/staff-links-repository.js';
import type { StaffLinks } from '../staff-links/staff-links-service.js';
import { findUser, listUsers, updateUser } from './users-repository.js';

/** A staff account as the Users page shows it (the session's own user is auth's `sessionUserSchema`, a smaller answer). */
const adminUserJson = (u: typeof users.$inferSelect): AdminUser => ({
  id: u.id,
  email: u.email,
  display_name: u.displayName,
  role: u.role,
  active: u.active,
  /** Invited and never chose a password: the admin may send the invitation again. */
  invitation_pending: !hasUsablePassword(u.passwordHash),
  created_at: u.createdAt.toISOString(),
  failed_logins: u.failedLogins,
  locked_until: u.lockedUntil?.toISOString() ?? null,
});

/** Staff accounts. Deactivating or resetting a password ends the user's sessions at once. */
export class UsersService {
  constructor(
    private readonly db: Db,
    private readonly auth: AuthService,
    private readonly staffLinks: StaffLinks,
  ) {}

  async list(): Promise<AdminUser[]> {
    return (await listUsers(this.db)).map(adminUserJson);
  }

  /** Without a password the user is invited: they choose one through an emailed link. */
  async create(input: z.infer<typeof userCreateSchema>, actor: SessionUser): Promise<AdminUser> {
    const row = await this.db.transaction(async (tx) => {
      const created = await this.auth.createUser(
        { email: input.email, password: input.password ?? null, role: input.role, displayName: input.display_name ?? '' },
        tx,
      );
      const user = (await findUser(tx, created.id))!;
      await insertAudit(tx, { actorUserId: actor.id, action: 'user.create', entityType: 'user', entityId: created.id, summary: `${created.email} (${created.role})` });
      if (input.password === undefined) {
        await this.staffLinks.invite(tx, user, actor);
        await insertAudit(tx, { actorUserId: actor.id, action: 'user.invite', entityType: 'user', entityId: created.id, summary: created.email, details: { mail: 'staff_invitation' } });
      }
      return user;
    });
    if (input.password === undefined) this.staffLinks.kickMail();
    return adminUserJson(row);
  }

  async update(id: number, input: z.infer<typeof userUpdateSchema>, actor: SessionUser): Promise<AdminUser> {
    if (id === actor.id && (input.active === false || (input.role && input.role !== 'admin'))) {
      // The last door out of the admin must not be closed from the inside by accident.
      throw new AppError('conflict', 'You cannot deactivate yourself or remove your own admin role.');
    }
    const values = {
      ...(input.display_name !== undefined && { displayName: input.display_name }),
      ...(input.role !== undefined && { role: input.role }),
      ...(input.active !== undefined && { active: input.active }),
    };
    if (Object.keys(values).length === 0) {
      // Nothing to change: an UPDATE with an empty SET is a query error (a 500), and nothing to audit.
      const user = await findUser(this.db, id);
      if (!user) throw notFound('User not found.');
      return adminUserJson(user);
    }
    return this.db.transaction(async (tx) => {
      const before = await findUser(tx, id);
      if (!before) throw notFound('User not found.');
      const user = (await updateUser(tx, id, values))!;
      // Sessions end when access shrinks or changes, not when a form re-sends the same role.
      if ((input.active === false && before.active) || (input.role !== undefined && input.role !== before.role)) {
        await deleteUserSessions(tx, id);
      }
      const changes = Object.entries(input).map(([key, value]) => `${key}=${String(value)}`).join(', ');
      await insertAudit(tx, {
        actorUserId: actor.id,
        action: input.active === false ? 'user.deactivate' : 'user.update',
        entityType: 'user',
        entityId: id,
        summary: `${user.email}: ${changes}`,
        details: { changes: auditChanges(before, user, { display_name: 'displayName', role: 'role', active: 'active' }) },
      });
      return adminUserJson(user);
    });
  }

  async setPassword(id: number, password: string, actor: SessionUser) {
    assertAcceptablePassword(password);
    const passwordHash = await hashPassword(password);
    await this.db.transaction(async (tx) => {
      const user = await updateUser(tx, id, { passwordHash, passwordChangedAt: new Date() });
      if (!user) throw notFound('User not found.');
      await deleteUserSessions(tx, id);
      // A password set by an admin closes any invitation or reset link still in a mailbox.
      await closeOpenStaffTokens(tx, id, new Date());
      await insertAudit(tx, { actorUserId: actor.id, action: 'user.password_reset', entityType: 'user', entityId: id, summary: user.email });
    });
  }

  /** Lets a locked account sign in again at once: no failures, no wait. Audited only when it changed something. */
  async unlock(id: number, actor: SessionUser): Promise<AdminUser> {
    return this.db.transaction(async (tx) => {
      const before = await findUser(tx, id);
      if (!before) throw notFound('User not found.');
      if (await clearFailedLogins(tx, id)) {
        await insertAudit(tx, {
          actorUserId: actor.id,
          action: 'user.unlock',
          entityType: 'user',
          entityId: id,
          summary: `${before.email}: unlocked after ${before.failedLogins} failed sign-ins`,
          details: {
            changes: [
              { field: 'failed_logins', before: before.failedLogins, after: 0 },
              { field: 'locked_until', before: before.lockedUntil?.toISOString() ?? null, after: null },
            ],
          },
        });
      }
      return adminUserJson((await findUser(tx, id))!);
    });
  }

  /** Signs the user out everywhere (a lost phone, a shared laptop). */
  async endSessions(id: number, actor: SessionUser): Promise<SessionsEnded> {
    return this.db.transaction(async (tx) => {
      const user = await findUser(tx, id);
      if (!user) throw notFound('User not found.');
      const ended = await deleteUserSessions(tx, id);
      await insertAudit(tx, {
        actorUserId: actor.id,
        action: 'user.sessions_revoke',
        entityType: 'user',
        entityId: id,
        summary: `${user.email}: ${ended} sessions ended`,
        details: { changes: [{ field: 'sessions', before: ended, after: 0 }] },
      });
      return { ended };
    });
  }
}
