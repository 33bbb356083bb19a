import type { AuditEntryJson } from '../../../shared/src/audit-contracts';
import type { AuditChange } from '../../../shared/src/audit-details';
import { readCheckInConflict, type CheckInConflict } from '../../../shared/src/door-contracts';

/*
 * An audit entry in words: "Maria R. moved the performance of Il giardino dei ciliegi from
 * 12 Dec 21:00 to 13 Dec 21:00". The sentence comes from the action and its details (shared/src/
 * audit-details.ts), with the admin's dictionaries (`admin.audit.say.*`), and names the entities
 * it is about as links to their admin pages.
 *
 * Pure on purpose: the admin page and the reservation's history word entries with the admin's
 * current language, and the server's export (server/src/audit/audit-export.ts) words them with
 * the same phrases in the language asked for, so the file and the screen say the same thing.
 *
 * An entry written before details existed still reads as words: the action's label, the entity
 * and the number, and what can be read from its summary (a door conflict, a reservation change,
 * an undo's reason). Never an action code, never `key=value`.
 */

/** How the reader's language words things: the dictionary lookup and date formats. */
export interface AuditWords {
  /** The template for `key` in the reader's language (English if missing), or undefined. */
  lookup(key: string): string | undefined;
  /** The plural category of a count in the reader's language ('one', 'other' …). */
  plural(count: number): string;
  /** "12 Dec, 21:00" */
  dateTime(iso: string): string;
  /** "21:14" */
  time(iso: string): string;
  /** "21:14:05": door conflicts, where two scans of one ticket are often the same minute. */
  timeWithSeconds(iso: string): string;
  number(value: number): string;
}

/** The entity a part links to; the page turns it into an href (the export leaves it out). */
export type AuditLink =
  | { kind: 'reservation' | 'performance' | 'show' | 'venue' | 'user'; id: number }
  | { kind: 'device'; id: string | null };

export interface AuditPart {
  text: string;
  link?: AuditLink;
}

/**
 * An entry as the API answers it (shared/src/audit-contracts.ts), or as much of it as rendering
 * needs: a reservation's history names its actor only.
 */
export type AuditEntryLike = Pick<AuditEntryJson, 'action' | 'entity_type' | 'entity_id' | 'summary' | 'details'> & {
  /** The account as it is now (`id` absent: a history that names the actor only). */
  actor: { id?: number; email: string | null; name: string | null } | null;
};

/** Actions whose actor, when there is none, is the guest (else the system). */
const GUEST_ACTIONS = new Set(['reservation.create', 'reservation.confirm', 'reservation.cancel', 'waitlist.decline']);

const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;

class Sentence {
  constructor(private readonly words: AuditWords) {}

  word(key: string, params: Record<string, string | number> = {}): string {
    const count = params.count;
    const template = (typeof count === 'number' ? this.words.lookup(`${key}.${this.words.plural(count)}`) : undefined) ?? this.words.lookup(key) ?? '';
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      return value === undefined ? whole : typeof value === 'number' ? this.words.number(value) : value;
    });
  }

  /** Fills a template whose placeholders may be entities (links) or text. */
  parts(key: string, params: Record<string, AuditPart | string | number | undefined>): AuditPart[] | undefined {
    const template = this.words.lookup(key);
    if (template === undefined) return undefined;
    const out: AuditPart[] = [];
    let last = 0;
    for (const match of template.matchAll(/\{(\w+)\}/g)) {
      if (match.index > last) out.push({ text: template.slice(last, match.index) });
      const value = params[match[1]!];
      if (value === undefined) out.push({ text: '' });
      else if (typeof value === 'object') out.push(value);
      else out.push({ text: typeof value === 'number' ? this.words.number(value) : value });
      last = match.index + match[0].length;
    }
    if (last < template.length) out.push({ text: template.slice(last) });
    return out.filter((part) => part.text !== '' || part.link);
  }

  value(field: string, raw: AuditChange['before']): string {
    if (raw === null || raw === '') return this.word('admin.audit.value.empty');
    if (typeof raw === 'boolean') return this.word(raw ? 'admin.audit.value.yes' : 'admin.audit.value.no');
    if (typeof raw === 'number') return field.endsWith('_id') ? `#${raw}` : this.words.number(raw);
    const text = raw.length > 80 ? `${raw.slice(0, 77)}…` : raw;
    return text.replace(ISO_INSTANT, (iso) => this.words.dateTime(iso));
  }

  field(name: string): string {
    return this.words.lookup(`admin.audit.field.${name}`) ?? name.replace(/_/g, ' ');
  }

  changes(changes: AuditChange[] | undefined, erased: string[] = []): string {
    return (changes ?? [])
      .map((change) =>
        erased.includes(change.field)
          ? this.word('admin.audit.change_erased', { field: this.field(change.field) })
          : this.word('admin.audit.change', { field: this.field(change.field), before: this.value(change.field, change.before), after: this.value(change.field, change.after) }))
      .join('; ');
  }
}

function subjects(entry: AuditEntryLike, s: Sentence, words: AuditWords) {
  const d = entry.details ?? {};
  const id = entry.entity_id;
  const reservationId = d.reservation?.id ?? (entry.entity_type === 'reservation' ? id : null);
  const performanceId = d.performance?.id ?? (entry.entity_type === 'performance' ? id : null);
  const showId = d.show?.id ?? d.performance?.show_id ?? (entry.entity_type === 'show' ? id : null);
  const performanceText = d.performance
    ? [d.performance.show_title, words.dateTime(d.performance.starts_at)].filter(Boolean).join(', ')
    : performanceId !== null
      ? s.word('admin.audit.entity_numbered', { entity: s.word('admin.audit.entity.performance'), id: performanceId })
      : undefined;
  const actorName = d.actor?.name ?? (entry.actor ? entry.actor.name || entry.actor.email : null);
  return {
    actor: { text: actorName ?? s.word(GUEST_ACTIONS.has(entry.action) ? 'admin.audit.by_guest' : 'admin.audit.by_system'), ...(entry.actor?.id !== undefined && { link: { kind: 'user' as const, id: entry.actor.id } }) },
    reservation:
      reservationId !== null
        ? { text: d.reservation?.code ?? `#${reservationId}`, link: { kind: 'reservation' as const, id: reservationId } }
        : undefined,
    performance: performanceText && performanceId !== null ? { text: performanceText, link: { kind: 'performance' as const, id: performanceId } } : undefined,
    show:
      showId !== null
        ? { text: d.show?.title ?? d.performance?.show_title ?? `#${showId}`, link: { kind: 'show' as const, id: showId } }
        : undefined,
    venue: d.venue ? { text: d.venue.name, link: { kind: 'venue' as const, id: d.venue.id } } : undefined,
    user: d.user ? { text: d.user.name, link: { kind: 'user' as const, id: d.user.id } } : entry.entity_type === 'user' && id !== null ? { text: `#${id}`, link: { kind: 'user' as const, id } } : undefined,
    device: d.device ? { text: d.device.name, link: { kind: 'device' as const, id: d.device.id ?? null } } : undefined,
  };
}

function conflictText(s: Sentence, words: AuditWords, action: string, conflict: CheckInConflict): string {
  const scan = (one: CheckInConflict['won']) => {
    const time = words.timeWithSeconds(one.at);
    if (one.device === null) return one.staff ? s.word('admin.check_in_conflict.online', { staff: one.staff, time }) : s.word('admin.check_in_conflict.online_no_staff', { time });
    return one.staff ? s.word('admin.check_in_conflict.scan', { device: one.device, staff: one.staff, time }) : s.word('admin.check_in_conflict.scan_no_staff', { device: one.device, time });
  };
  const both = { won: scan(conflict.won), lost: scan(conflict.lost) };
  return action === 'check_in.reassign' ? s.word('admin.check_in_conflict.reassign', both) : s.word('admin.check_in_conflict.duplicate', both);
}

/** The phrase key for an entry with details: some actions have variants. */
function phraseKey(entry: AuditEntryLike): string {
  const d = entry.details ?? {};
  switch (entry.action) {
    case 'check_in.create':
      return d.mode === 'offline' ? 'admin.audit.say.check_in.create.offline' : 'admin.audit.say.check_in.create';
    case 'performance.update': {
      const fields = (d.changes ?? []).map((c) => c.field);
      if (fields.length === 1 && fields[0] === 'starts_at') return d.recipients ? 'admin.audit.say.performance.move.told' : 'admin.audit.say.performance.move';
      return 'admin.audit.say.performance.update';
    }
    case 'auth.password_reset':
      return d.reason === 'invitation' ? 'admin.audit.say.auth.password_reset.invitation' : 'admin.audit.say.auth.password_reset';
    case 'reservation.confirm':
      return d.source === 'waitlist' ? 'admin.audit.say.reservation.confirm.waitlist' : 'admin.audit.say.reservation.confirm';
    default:
      return `admin.audit.say.${entry.action}`;
  }
}

/** The entry as a sentence in parts (text, and entities to link). */
export function renderAuditParts(entry: AuditEntryLike, words: AuditWords): AuditPart[] {
  const s = new Sentence(words);
  const d = entry.details ?? {};
  const who = subjects(entry, s, words);
  const move = d.changes?.find((c) => c.field === 'starts_at');
  const conflict = d.conflict ?? (entry.action.startsWith('check_in.') ? readCheckInConflict(entry.summary) : null);
  const params = {
    ...who,
    seats: d.seats ?? d.reservation?.seats,
    seats_text: (d.seats ?? d.reservation?.seats) !== undefined ? s.word('admin.audit.seats', { count: (d.seats ?? d.reservation?.seats)! }) : undefined,
    changes: s.changes(d.changes, d.erased),
    from: typeof move?.before === 'string' ? words.dateTime(move.before) : undefined,
    to: typeof move?.after === 'string' ? words.dateTime(move.after) : undefined,
    synced: d.synced_at ? words.time(d.synced_at) : undefined,
    scanned: d.scanned_at ? words.time(d.scanned_at) : undefined,
    when: d.checked_in_at ? words.dateTime(d.checked_in_at) : undefined,
    until: d.held_until ? words.dateTime(d.held_until) : undefined,
    reason: d.reason ?? (d.erased?.includes('reason') ? s.word('admin.audit.value.erased') : undefined),
    recipients: d.recipients,
    cancelled: d.reservations_cancelled,
    subject: d.subject,
    audience: d.audience ? (words.lookup(`admin.broadcast.audience.${d.audience}`) ?? d.audience) : undefined,
    role: d.user?.role ? (words.lookup(`role.${d.user.role}`) ?? d.user.role) : undefined,
    email: d.email_tried,
    ip: d.ip ?? s.word('admin.audit.value.empty'),
    conflict: conflict ? conflictText(s, words, entry.action, conflict) : undefined,
    mail: d.mail ? (words.lookup(`admin.audit.mail.${d.mail}`) ?? s.word('admin.audit.mail.other')) : undefined,
  };
  if (entry.details) {
    let key = phraseKey(entry);
    // An update with nothing listed (an older server, a no-op) reads without the colon.
    if (key.endsWith('.update') && !params.changes) key = `${key}.plain`;
    const parts = s.parts(key, params);
    if (parts) return parts;
  }
  return fallbackParts(entry, s, params, conflict !== null);
}

/** An entry without details (or with an action this admin does not know): label, entity, what the summary says. */
function fallbackParts(entry: AuditEntryLike, s: Sentence, params: ReturnType<typeof subjects> & Record<string, unknown>, hasConflict: boolean): AuditPart[] {
  const label = s.word(`admin.action.${entry.action}`) || s.word('admin.audit.say.unknown');
  const parts: AuditPart[] = [{ text: label }];
  const entityWord = s.word(`admin.audit.entity.${entry.entity_type}`) || s.word('admin.audit.entity.other');
  if (entry.entity_id !== null) {
    const link = entityLink(entry.entity_type, entry.entity_id);
    parts.push({ text: ': ' }, { text: s.word('admin.audit.entity_numbered', { entity: entityWord, id: entry.entity_id }), ...(link && { link }) });
  }
  const extra = hasConflict ? (params.conflict as string) : legacyDetail(entry, s);
  if (extra) parts.push({ text: ` (${extra})` });
  return parts;
}

function entityLink(type: string, id: number): AuditLink | undefined {
  return type === 'reservation' || type === 'performance' || type === 'show' || type === 'venue' || type === 'user' ? { kind: type, id } : undefined;
}

/** What an old summary says that is worth showing: a reservation change or an undo's reason, in words. */
function legacyDetail(entry: AuditEntryLike, s: Sentence): string | undefined {
  if (entry.action === 'reservation.update' && entry.summary) {
    return entry.summary.replace(/(^|, )(name|email|phone|notes|party_size|performance_id) /g, (_whole, separator: string, field: string) => `${separator}${s.field(field)}: `);
  }
  if (entry.action === 'check_in.undo') {
    const marker = entry.summary.indexOf('Reason: ');
    if (marker !== -1) return s.word('admin.audit.reason', { reason: entry.summary.slice(marker + 'Reason: '.length) });
  }
  return undefined;
}

/** The entry as one line of text (the export, tests). */
export function renderAuditText(entry: AuditEntryLike, words: AuditWords): string {
  return renderAuditParts(entry, words)
    .map((part) => part.text)
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}
