import type { z } from 'zod';
import type { userCreateSchema, userUpdateSchema } from '../../../shared/src/contracts.js';
import { insertAudit } from '../audit/audit-repository.js';
import { deleteUserSessions } from '../auth/auth-repository.js';
import type { AuthService } from '../auth/auth-service.js';
import { hashPassword } from '../auth/passwords.js';
import type { SessionUser } from '../auth/sessions.js';
import type { Db } from '../db/client.js';
import type { users } from '../db/schema.js';
import { AppError, notFound } from '../lib/errors.js';
import { findUser, listUsers, updateUser } from './users-repository.js';

const userJson = (u: typeof users.$inferSelect) => ({
  id: u.id,
  email: u.email,
  display_name: u.displayName,
  role: u.role,
  active: u.active,
  created_at: u.createdAt.toISOString(),
});

/** Staff accounts. Deactivating or resetting a password ends the user's sessions at once. */
export class UsersService {
  constructor(
    private readonly db: Db,
    private readonly auth: AuthService,
  ) {}

  async list() {
    return (await listUsers(this.db)).map(userJson);
  }

  async create(input: z.infer<typeof userCreateSchema>, actor: SessionUser) {
    const created = await this.auth.createUser({
      email: input.email,
      password: input.password,
      role: input.role,
      displayName: input.display_name ?? '',
    });
    await insertAudit(this.db, { actorUserId: actor.id, action: 'user.create', entityType: 'user', entityId: created.id, summary: `${created.email} (${created.role})` });
    const row = await findUser(this.db, created.id);
    return userJson(row!);
  }

  async update(id: number, input: z.infer<typeof userUpdateSchema>, actor: SessionUser) {
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
      return userJson(user);
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
      });
      return userJson(user);
    });
  }

  async setPassword(id: number, password: string, actor: SessionUser) {
    const passwordHash = await hashPassword(password);
    await this.db.transaction(async (tx) => {
      const user = await updateUser(tx, id, { passwordHash, passwordChangedAt: new Date() });
      if (!user) throw notFound('User not found.');
      await deleteUserSessions(tx, id);
      await insertAudit(tx, { actorUserId: actor.id, action: 'user.password_reset', entityType: 'user', entityId: id, summary: user.email });
    });
  }
}
