import { z } from 'zod';
import { checkInConflictSchema } from './door-contracts.js';
import { CHECK_IN_METHODS } from './statuses.js';

/*
 * The facts of an audit entry (audit_log.details), written by the server and read by the admin,
 * which words them in the admin's language (pwa/src/admin/audit-render.ts), and by the export.
 *
 * One flat shape for every action rather than one type per action: most actions share their
 * subjects (a reservation of a performance of a show), and an entry written by an older server
 * must still parse. Names are copied in when the entry is written (the server's insertAudit fills
 * the subjects from the entity), so the trail reads the same after a show is renamed or a device
 * revoked. Guests' personal data (a changed name, email or phone in `changes`) is erased by
 * the retention job with the reservation's (server/src/retention/retention-service.ts).
 */

const text = z.string().max(2000);
const id = z.number().int();
const value = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

/** One edited field: its API name and the values before and after, as data. */
export const auditChangeSchema = z.object({ field: z.string().max(64), before: value, after: value });
export type AuditChange = z.infer<typeof auditChangeSchema>;

export const auditDetailsSchema = z.object({
  /** The staff member's display name (else email) at the time. */
  actor: z.object({ name: text }).optional(),
  reservation: z.object({ id, code: text.nullable(), seats: z.number().int().optional() }).optional(),
  performance: z.object({ id, starts_at: text, show_id: id.optional(), show_title: text.optional(), venue: text.optional() }).optional(),
  show: z.object({ id, title: text }).optional(),
  venue: z.object({ id, name: text }).optional(),
  user: z.object({ id, name: text, email: text.optional(), role: text.optional() }).optional(),
  /** A door phone: its uuid (not an audit entity id, which is a number) and its name. */
  device: z.object({ id: text.optional(), name: text }).optional(),
  /** Edits: the fields that changed, before → after. */
  changes: z.array(auditChangeSchema).optional(),
  seats: z.number().int().optional(),
  /** How a reservation came to be: 'public' | 'admin' | 'box_office' | 'waitlist'. */
  source: text.optional(),
  /** Check-ins: online (through the server) or offline (a phone's scan, synced later). */
  mode: z.enum(CHECK_IN_METHODS).optional(),
  scanned_at: text.optional(),
  synced_at: text.optional(),
  /** A check-in undone: when it had been made, and the staff member's reason. */
  checked_in_at: text.optional(),
  reason: text.optional(),
  previous_status: text.optional(),
  /** Messages to guests (and moves announced): how many emails, to whom, about what. */
  recipients: z.number().int().optional(),
  audience: text.optional(),
  subject: text.optional(),
  message_id: id.optional(),
  /** A cancelled performance: what went with it. */
  reservations_cancelled: z.number().int().optional(),
  waitlist_removed: z.number().int().optional(),
  /** Waiting list: the entry and, for an offer, how long the seats are held. */
  waitlist_entry: id.optional(),
  held_until: text.optional(),
  /** Resent emails: which one. */
  mail: text.optional(),
  /** Door conflicts: the two scans and the rule that chose between them. */
  conflict: checkInConflictSchema.optional(),
  /** Sign-in: the address tried and where from (never the password). */
  email_tried: text.optional(),
  ip: text.optional(),
  /** Fields whose values the retention job erased (`reason`, or a change's field): the trail says so. */
  erased: z.array(text).optional(),
  /** A box-office ticket without an email address. */
  no_email: z.boolean().optional(),
});
export type AuditDetails = z.infer<typeof auditDetailsSchema>;

/** Details read back from the database: anything that does not parse is treated as absent. */
export function readAuditDetails(raw: unknown): AuditDetails | null {
  if (raw === null || raw === undefined) return null;
  const parsed = auditDetailsSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** Every action the server writes; the admin words each (pwa/src/admin/audit-render.ts). */
export const AUDIT_ACTIONS = [
  'reservation.create',
  'reservation.confirm',
  'reservation.cancel',
  'reservation.resend',
  'reservation.reissue',
  'reservation.issue',
  'reservation.update',
  'reservation.expire',
  'check_in.create',
  'check_in.undo',
  'check_in.reassign',
  'check_in.duplicate',
  'performance.create',
  'performance.update',
  'performance.delete',
  'performance.cancel',
  'performance.message',
  'show.create',
  'show.update',
  'show.publish',
  'show.unpublish',
  'show.delete',
  'venue.create',
  'venue.update',
  'venue.delete',
  'device.register',
  'device.revoke',
  'waitlist.offer',
  'waitlist.decline',
  'waitlist.remove',
  'user.create',
  'user.update',
  'user.deactivate',
  'user.password_reset',
  'user.unlock',
  'user.invite',
  'user.sessions_revoke',
  'auth.login_failed',
  'auth.locked',
  'auth.password_reset',
] as const;

export const AUDIT_ENTITY_TYPES = ['venue', 'show', 'performance', 'reservation', 'user', 'device'] as const;
