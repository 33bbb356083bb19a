import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import {
  MAIL_STATUSES,
  MESSAGE_AUDIENCES,
  PERFORMANCE_MESSAGE_KINDS,
  RESERVATION_SOURCES,
  RESERVATION_STATUSES,
  SCAN_RESULTS,
  STAFF_TOKEN_PURPOSES,
  TOKEN_PURPOSES,
  USER_ROLES,
  WAITLIST_STATUSES,
  WAITLIST_TOKEN_PURPOSES,
} from '../../../shared/src/statuses.js';

export type {
  MessageAudience,
  PerformanceMessageKind,
  ReservationSource,
  ReservationStatus,
  ScanResult,
  StaffTokenPurpose,
  TokenPurpose,
  UserRole,
  WaitlistStatus,
  WaitlistTokenPurpose,
} from '../../../shared/src/statuses.js';
import { LOCALES } from '../../../shared/src/locale.js';

/*
 * One schema for PGlite and PostgreSQL. Timestamps are timestamptz; ids are identity
 * integers (the seeds' API exposes numeric reservation ids; they grant nothing by themselves,
 * every public access goes through an opaque token).
 */

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/**
 * `column in ('a', 'b')` from one of the lists of shared/src/statuses.ts, so the constraint
 * follows the list. The values are our own identifiers, written inline as the constraint's
 * text (drizzle-kit compares it): anything but [a-z_] is refused rather than quoted.
 */
const isOneOf = (column: AnyPgColumn, values: readonly string[]) => {
  const bad = values.find((value) => !/^[a-z_]+$/.test(value));
  if (bad !== undefined) throw new Error(`Not an identifier for a CHECK list: ${bad}`);
  return sql`${column} in (${sql.raw(values.map((value) => `'${value}'`).join(', '))})`;
};

export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    email: text('email').notNull(),
    displayName: text('display_name').notNull().default(''),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: USER_ROLES }).notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * Failed sign-ins in a row since the last success (a success clears it): from the fifth on,
     * the account waits `locked_until` before the next try (1, 2, 4 … 15 minutes). Admins unlock.
     */
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    check('users_role_check', isOneOf(t.role, USER_ROLES)),
  ],
);

/** Lucia-style sessions: the id is the SHA-256 of the cookie token, never the token itself. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
    /** What the user sees in their list of sessions: the browser, the address, when it was last used. */
    userAgent: text('user_agent'),
    ipAddress: text('ip_address'),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const venues = pgTable(
  'venues',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    capacity: integer('capacity').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [check('venues_capacity_check', sql`${t.capacity} >= 0`)],
);

export const shows = pgTable(
  'shows',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    title: text('title').notNull(),
    slug: text('slug').notNull(),
    description: text('description').notNull().default(''),
    published: boolean('published').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('shows_slug_key').on(t.slug)],
);

export const performances = pgTable(
  'performances',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    showId: integer('show_id')
      .notNull()
      .references(() => shows.id, { onDelete: 'restrict' }),
    venueId: integer('venue_id')
      .notNull()
      .references(() => venues.id, { onDelete: 'restrict' }),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    additionalSeats: integer('additional_seats').notNull().default(0),
    manuallyOccupiedSeats: integer('manually_occupied_seats').notNull().default(0),
    bookingOpen: boolean('booking_open').notNull().default(true),
    /**
     * Set when staff cancelled the whole performance: every reservation and waiting-list entry
     * was cancelled with it, and the public programme shows the date as cancelled.
     */
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('performances_show_starts_idx').on(t.showId, t.startsAt),
    index('performances_starts_idx').on(t.startsAt),
    check('performances_additional_seats_check', sql`${t.additionalSeats} >= 0`),
    check('performances_manually_occupied_seats_check', sql`${t.manuallyOccupiedSeats} >= 0`),
  ],
);

export const reservations = pgTable(
  'reservations',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    performanceId: integer('performance_id')
      .notNull()
      .references(() => performances.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    /** Null for a guest issued a ticket at the box office without an address (phone, walk-in). */
    email: text('email'),
    phone: text('phone'),
    /**
     * What the admin search matches: name and email folded by shared/src/search-key.ts (no
     * accents, lower case), the phone's digits, the code without its dash. Written with the row.
     */
    searchText: text('search_text').notNull().default(''),
    /** Short code printed on the ticket email, for admitting a guest without their phone. */
    code: text('code'),
    /** The language of the guest's emails: the page they booked from, or the one staff chose. */
    locale: text('locale', { enum: LOCALES }).notNull().default('it'),
    notes: text('notes'),
    partySize: integer('party_size').notNull(),
    status: text('status', { enum: RESERVATION_STATUSES }).notNull().default('pending'),
    source: text('source', { enum: RESERVATION_SOURCES }).notNull().default('public'),
    createdByUserId: integer('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    /** Set when the retention job erased the guest's personal data (counts stay). */
    anonymizedAt: timestamp('anonymized_at', { withTimezone: true }),
  },
  (t) => [
    // Seat counting sums confirmed party sizes per performance on every booking and confirmation.
    index('reservations_performance_status_idx').on(t.performanceId, t.status),
    check('reservations_party_size_check', sql`${t.partySize} > 0`),
    check('reservations_status_check', isOneOf(t.status, RESERVATION_STATUSES)),
    check('reservations_source_check', isOneOf(t.source, RESERVATION_SOURCES)),
    check('reservations_locale_check', isOneOf(t.locale, LOCALES)),
  ],
);

/** Only SHA-256 hashes of tokens are stored; the raw token exists in the guest's email and QR only. */
export const reservationTokens = pgTable(
  'reservation_tokens',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    reservationId: integer('reservation_id')
      .notNull()
      .references(() => reservations.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: TOKEN_PURPOSES }).notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /**
     * Check-in tokens only: the guest's name sealed with a key derived from the raw token
     * (AES-GCM), computed when the token is issued. The door manifest carries this blob, so
     * a lost phone reveals no guest list: only a scanned ticket opens its own entry.
     */
    sealedGuest: text('sealed_guest'),
    /**
     * Check-in tokens only: the token is HMAC(key, "check_in" ‖ reservation ‖ generation), so
     * the server can derive it again (resend the same ticket) from these two columns. Null on
     * tokens issued before derivable tickets (random, not derivable).
     */
    generation: integer('generation'),
    keyId: text('key_id'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('reservation_tokens_hash_key').on(t.tokenHash),
    index('reservation_tokens_reservation_idx').on(t.reservationId, t.purpose),
    check('reservation_tokens_purpose_check', isOneOf(t.purpose, TOKEN_PURPOSES)),
  ],
);

/** Exactly one check-in per reservation, enforced by the unique index, not by application code. */
export const checkIns = pgTable(
  'check_ins',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    reservationId: integer('reservation_id')
      .notNull()
      .references(() => reservations.id, { onDelete: 'cascade' }),
    checkedInAt: timestamp('checked_in_at', { withTimezone: true }).notNull().defaultNow(),
    staffUserId: integer('staff_user_id').references(() => users.id, { onDelete: 'set null' }),
    method: text('method').notNull().default('online'),
    /** Offline check-ins: the door device and its scan event that won. */
    deviceId: text('device_id'),
    eventId: text('event_id'),
  },
  (t) => [uniqueIndex('check_ins_reservation_key').on(t.reservationId)],
);

/**
 * One-time links for staff: an invitation (a new staff member sets their own password) or a
 * password reset. Only the SHA-256 hash is stored; the link expires and works once.
 */
export const staffTokens = pgTable(
  'staff_tokens',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: STAFF_TOKEN_PURPOSES }).notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdByUserId: integer('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('staff_tokens_hash_key').on(t.tokenHash),
    index('staff_tokens_user_idx').on(t.userId, t.purpose),
    check('staff_tokens_purpose_check', isOneOf(t.purpose, STAFF_TOKEN_PURPOSES)),
  ],
);

/**
 * Fixed-window throttle counters in the database, so that limits hold across several
 * server processes (no in-memory state to lose or to split).
 */
export const throttleCounters = pgTable(
  'throttle_counters',
  {
    key: text('key').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    hits: integer('hits').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] }), index('throttle_counters_window_idx').on(t.windowStart)],
);

export const MAIL_KINDS = [
  'reservation_confirmation',
  'reservation_ticket',
  'reservation_cancelled',
  'reservation_reminder',
  'reservation_changed',
  'waitlist_confirmation',
  'waitlist_offer',
  'performance_cancelled',
  'performance_moved',
  'performance_message',
  'staff_invitation',
  'staff_password_reset',
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/**
 * What staff wrote to a performance's guests: a message, a cancellation or a move. Each
 * recipient's email is an outbox row pointing here, which gives the progress (queued, sent,
 * failed) and, through the unique index on the outbox, at most one email per address.
 */
export const performanceMessages = pgTable(
  'performance_messages',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    performanceId: integer('performance_id')
      .notNull()
      .references(() => performances.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: PERFORMANCE_MESSAGE_KINDS }).notNull(),
    audience: text('audience', { enum: MESSAGE_AUDIENCES }),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    recipients: integer('recipients').notNull().default(0),
    createdByUserId: integer('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('performance_messages_performance_idx').on(t.performanceId, t.createdAt),
    check('performance_messages_kind_check', isOneOf(t.kind, PERFORMANCE_MESSAGE_KINDS)),
  ],
);

/**
 * Transactional outbox: an email is a row written in the same transaction as the booking it
 * belongs to, delivered after commit by the mail worker. `payload` holds what the template
 * needs (raw tokens included) and is emptied once the message is delivered.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    kind: text('kind', { enum: MAIL_KINDS }).notNull(),
    recipient: text('recipient').notNull(),
    reservationId: integer('reservation_id').references(() => reservations.id, { onDelete: 'set null' }),
    /** Set when the email is one of a performance message's (cancellation, move, message to guests). */
    performanceMessageId: integer('performance_message_id').references(() => performanceMessages.id, { onDelete: 'set null' }),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: MAIL_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    messageId: text('message_id'),
    subject: text('subject'),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    index('mail_outbox_due_idx').on(t.status, t.nextAttemptAt),
    index('mail_outbox_reservation_idx').on(t.reservationId),
    // One email per address per performance message: sending it again cannot write twice.
    uniqueIndex('mail_outbox_message_recipient_key').on(t.performanceMessageId, t.recipient),
  ],
);

/**
 * Who did what and when: staff actions and the guest-side events that matter to staff
 * (confirmed, checked in). Rows are only ever inserted.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorUserId: integer('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: integer('entity_id'),
    summary: text('summary').notNull().default(''),
    /**
     * The entry's facts as data (who, what, before → after, names of what it touched), rendered
     * in the reader's language by the admin; `summary` stays as a plain-English fallback.
     */
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (t) => [
    index('audit_log_entity_idx').on(t.entityType, t.entityId),
    index('audit_log_at_idx').on(t.at),
    index('audit_log_actor_idx').on(t.actorUserId),
  ],
);

/**
 * Ed25519 keys that sign door manifests. One is active; older ones stay so that devices holding
 * a manifest signed before a rotation can still verify it (they fetch /api/door/keys).
 */
export const signingKeys = pgTable('signing_keys', {
  id: text('id').primaryKey(),
  publicJwk: jsonb('public_jwk').$type<Record<string, string>>().notNull(),
  privateJwk: jsonb('private_jwk').$type<Record<string, string>>().notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  retiredAt: timestamp('retired_at', { withTimezone: true }),
});

/** An installed door app. Scans are attributed to it; revoking it makes its next sync wipe its data. */
export const devices = pgTable('devices', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  registeredByUserId: integer('registered_by_user_id').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/**
 * Every scan a door device reports, kept as an attempt, keyed by the device's own event id so
 * a retried batch is recognised. `correctedAt` is the device time plus its clock offset: the
 * earliest corrected valid scan of a ticket is its check-in.
 */
export const scanEvents = pgTable(
  'scan_events',
  {
    id: text('id').primaryKey(),
    deviceId: text('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    staffUserId: integer('staff_user_id').references(() => users.id, { onDelete: 'set null' }),
    performanceId: integer('performance_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    reservationId: integer('reservation_id').references(() => reservations.id, { onDelete: 'set null' }),
    scannedAt: timestamp('scanned_at', { withTimezone: true }).notNull(),
    clockOffsetMs: integer('clock_offset_ms').notNull().default(0),
    correctedAt: timestamp('corrected_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    result: text('result', { enum: SCAN_RESULTS }).notNull(),
    /** For a duplicate: the scan that won. */
    winningEventId: text('winning_event_id'),
  },
  (t) => [
    index('scan_events_reservation_idx').on(t.reservationId),
    index('scan_events_device_idx').on(t.deviceId, t.receivedAt),
  ],
);

/**
 * What changed for the door, in order: confirmations, cancellations, new ticket tokens and
 * check-ins. `seq` is the cursor of manifest deltas (`?since=`).
 */
export const doorChanges = pgTable(
  'door_changes',
  {
    seq: integer('seq').primaryKey().generatedAlwaysAsIdentity(),
    performanceId: integer('performance_id').notNull(),
    reservationId: integer('reservation_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('door_changes_performance_seq_idx').on(t.performanceId, t.seq)],
);

/**
 * The waiting list of a sold-out performance. An entry is `pending` until the visitor confirms
 * the email link (double opt-in), then `waiting` in line. When seats free up it is `offered`:
 * its party size is *held* (counted against the seats) until `offer_expires_at`; taking the
 * offer makes it `accepted` with a confirmed reservation, letting it lapse makes it `expired`.
 */
export const waitlistEntries = pgTable(
  'waitlist_entries',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    performanceId: integer('performance_id')
      .notNull()
      .references(() => performances.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    email: text('email').notNull(),
    partySize: integer('party_size').notNull(),
    /** The language of the entry's emails, and of the reservation an offer turns into. */
    locale: text('locale', { enum: LOCALES }).notNull().default('it'),
    status: text('status', { enum: WAITLIST_STATUSES }).notNull().default('pending'),
    createdAt: createdAt(),
    /** When the visitor confirmed the opt-in link: the entry's place in line. */
    joinedAt: timestamp('joined_at', { withTimezone: true }),
    offeredAt: timestamp('offered_at', { withTimezone: true }),
    offerExpiresAt: timestamp('offer_expires_at', { withTimezone: true }),
    reservationId: integer('reservation_id').references(() => reservations.id, { onDelete: 'set null' }),
    updatedAt: updatedAt(),
    anonymizedAt: timestamp('anonymized_at', { withTimezone: true }),
  },
  (t) => [
    index('waitlist_entries_performance_status_idx').on(t.performanceId, t.status),
    index('waitlist_entries_offer_expiry_idx').on(t.status, t.offerExpiresAt),
    check('waitlist_entries_party_size_check', sql`${t.partySize} > 0`),
    check('waitlist_entries_locale_check', isOneOf(t.locale, LOCALES)),
    check('waitlist_entries_status_check', isOneOf(t.status, WAITLIST_STATUSES)),
  ],
);

/** Opt-in and offer links of the waiting list: hashes only, like reservation tokens. */
export const waitlistTokens = pgTable(
  'waitlist_tokens',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    entryId: integer('entry_id')
      .notNull()
      .references(() => waitlistEntries.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: WAITLIST_TOKEN_PURPOSES }).notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('waitlist_tokens_hash_key').on(t.tokenHash),
    index('waitlist_tokens_entry_idx').on(t.entryId),
    check('waitlist_tokens_purpose_check', isOneOf(t.purpose, WAITLIST_TOKEN_PURPOSES)),
  ],
);
