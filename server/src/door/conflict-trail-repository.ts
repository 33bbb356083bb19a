import { eq } from 'drizzle-orm';
import type { CheckInConflict, CheckInConflictAction } from '../../../shared/src/door-contracts.js';
import { insertAudit } from '../audit/audit-repository.js';
import type { Executor } from '../db/client.js';
import { devices, users } from '../db/schema.js';

/** A scan as staff know it: the phone's name and the staff member's (display name, else email). */
export async function scanAuthor(db: Executor, deviceId: string | null, staffUserId: number | null) {
  const [device] = deviceId ? await db.select({ name: devices.name }).from(devices).where(eq(devices.id, deviceId)) : [];
  const [user] = staffUserId ? await db.select({ name: users.displayName, email: users.email }).from(users).where(eq(users.id, staffUserId)) : [];
  return { device: device?.name ?? null, staff: user ? user.name || user.email : null };
}

/**
 * A door conflict in the reservation's history, in the transaction that decided it. Names are
 * copied into the row: the history reads the same whatever later happens to the device or the
 * staff account.
 */
export async function insertConflictTrail(
  db: Executor,
  entry: { action: CheckInConflictAction; reservationId: number; actorUserId: number; conflict: CheckInConflict },
): Promise<void> {
  await insertAudit(db, {
    actorUserId: entry.actorUserId,
    action: entry.action,
    entityType: 'reservation',
    entityId: entry.reservationId,
    summary: JSON.stringify(entry.conflict),
    details: { conflict: entry.conflict },
  });
}
