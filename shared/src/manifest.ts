/**
 * The signed per-performance check-in manifest that door devices keep in IndexedDB.
 *
 * The server signs the exact UTF-8 bytes of the JSON body with Ed25519 and sends the key id
 * and signature in headers; the device verifies those bytes before parsing them, and stores
 * bytes and signature together so it can verify again after a reload.
 */

export const MANIFEST_VERSION = 1;
export const SIGNATURE_HEADER = 'x-manifest-signature';
export const KEY_ID_HEADER = 'x-manifest-key-id';

/** One confirmed reservation, as the door sees it: no name, no email. */
export interface ManifestEntry {
  /** reservation id */
  r: number;
  /** SHA-256 (hex) of the check-in token; the token itself never leaves the guest's ticket. */
  h: string;
  /** party size */
  n: number;
  /** SHA-256 (hex) of the reservation code printed on the ticket email, for manual admission. */
  k: string | null;
  /** check-in: time, staff, device, if already admitted */
  c: { at: string; by: string | null; device: string | null } | null;
  /** guest name sealed with a key derived from the raw token (see guest-seal.ts) */
  g: string | null;
}

/**
 * Tickets outside the guest list are named by a prefix of their token hash: the first 16 hex
 * characters (8 bytes) of the SHA-256 the device computes anyway. A prefix may only ever REFUSE,
 * never admit: the device looks at prefixes only when no entry matches the full hash, and a
 * prefix says "cancelled", "replaced" or "other performance". So a collision cannot let anyone
 * in; at worst a ticket that would be "unknown" gets another refusal's words, with a chance of
 * 2^-64 per mark. Hex rather than base64url: it is a plain slice of the hash the device already
 * has, and gzip brings both to about the same 8 bytes of entropy per prefix (measured).
 */
export const HASH_PREFIX_LENGTH = 16;
export const hashPrefix = (tokenHash: string): string => tokenHash.slice(0, HASH_PREFIX_LENGTH);

/**
 * Only these two, on purpose: a door app that has not applied its update yet refuses a whole
 * document with a reason it does not know (and would go on scanning with its old list). A whole
 * performance cancelled is said by the performance instead (`cancelled_at`), which older apps
 * ignore; its tickets are `cancelled` here.
 */
export type RefusedWhy = 'cancelled' | 'replaced';
/** A ticket of this performance that no longer works: [hash prefix, reservation id, why]. */
export type RefusedTicket = [prefix: string, reservationId: number, why: RefusedWhy];

/**
 * Another performance of the same show (same title) starting within ±7 days, with the live
 * tickets of its confirmed reservations: [hash prefix, reservation id]. A guest who came on the
 * wrong night hears which night is theirs, with no network and without that night's manifest.
 */
export interface OtherPerformanceTickets {
  id: number;
  starts_at: string;
  tickets: [prefix: string, reservationId: number][];
  /**
   * The reservation codes of the same tickets, in the same order: the first CODE_PREFIX_LENGTH
   * hex characters of SHA-256 of the code ('' for a reservation without one), so that a code
   * typed at the door is "other performance" too. Absent (older server): codes of other nights
   * are unknown.
   */
  codes?: string[];
}

/**
 * Shorter than a token's prefix, for two reasons. Codes are typed, not secret: 8 characters of
 * a 31-letter alphabet (about 40 bits), and 32 bits of their hash would let a lost phone's
 * reader narrow each one down to a couple of hundred candidates, not to the code. And 4 bytes
 * per ticket keep another night's 1,800 codes under 10 KB. A prefix only ever refuses, and only
 * for a code no entry of this night matches: a collision (about 2^-32 per code of another night)
 * names the wrong night for a code that would otherwise be unknown.
 */
export const CODE_PREFIX_LENGTH = 8;
export const codePrefix = (codeHash: string): string => codeHash.slice(0, CODE_PREFIX_LENGTH);

/** How far from this performance another night of the show counts as a likely mix-up. */
export const OTHER_PERFORMANCES_WITHIN_MS = 7 * 86_400_000;

export interface ManifestPerformance {
  id: number;
  show_title: string;
  venue_name: string;
  starts_at: string;
  /** door window, from the server's configuration */
  opens_before_ms: number;
  closes_after_ms: number;
  /**
   * When staff cancelled the whole performance: every ticket of it refuses with "this
   * performance was cancelled". Absent (older server) or null: not cancelled.
   */
  cancelled_at?: string | null;
}

export interface FullManifest {
  v: typeof MANIFEST_VERSION;
  type: 'full';
  performance: ManifestPerformance;
  /** The door_changes cursor this manifest includes; ask for `?since=seq` next. */
  seq: number;
  generated_at: string;
  /** Devices erase the manifest after this time (performance + grace). */
  expires_at: string;
  entries: ManifestEntry[];
  /** Tickets of this performance that no longer work (cancelled, replaced). Absent (older server): none. */
  refused?: RefusedTicket[];
  /**
   * Other nights of the same show within ±7 days. Full manifests only: a ticket booked for
   * another night after this download is "unknown" offline until the next full download.
   */
  others?: OtherPerformanceTickets[];
}

export interface DeltaManifest {
  v: typeof MANIFEST_VERSION;
  type: 'delta';
  performance_id: number;
  since: number;
  seq: number;
  generated_at: string;
  /** New or changed entries (new confirmations, new ticket tokens, check-ins by other devices). */
  upserts: ManifestEntry[];
  /**
   * Reservations cancelled since `since`: the device keeps their entries, marked cancelled, so
   * the ticket says CANCELLED rather than UNKNOWN.
   */
  revoked: number[];
  /** Tickets of the changed reservations that stopped working (cancelled, replaced). */
  refused?: RefusedTicket[];
  /** The performance's `cancelled_at` as it is now (absent from older servers: unchanged). */
  performance_cancelled_at?: string | null;
}

export type Manifest = FullManifest | DeltaManifest;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEntry(value: unknown): value is ManifestEntry {
  return (
    isObject(value) &&
    typeof value.r === 'number' &&
    typeof value.h === 'string' &&
    /^[0-9a-f]{64}$/.test(value.h) &&
    typeof value.n === 'number' &&
    (value.k === null || typeof value.k === 'string') &&
    (value.c === null || isObject(value.c)) &&
    (value.g === null || typeof value.g === 'string')
  );
}

const isPrefix = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{16}$/.test(value);
const isId = (value: unknown): value is number => Number.isInteger(value);

function isRefused(value: unknown): value is RefusedTicket {
  return Array.isArray(value) && value.length === 3 && isPrefix(value[0]) && isId(value[1]) && (value[2] === 'cancelled' || value[2] === 'replaced');
}

const isCodePrefix = (value: unknown): boolean => typeof value === 'string' && /^(?:[0-9a-f]{8})?$/.test(value);
const isInstant = (value: unknown): boolean => typeof value === 'string' && !Number.isNaN(Date.parse(value));
/** An optional instant that older documents lack: absent or null is "none". */
const optionalInstant = (value: unknown): boolean => value === undefined || value === null || isInstant(value);

function isOtherPerformance(value: unknown): value is OtherPerformanceTickets {
  return (
    isObject(value) &&
    isId(value.id) &&
    isInstant(value.starts_at) &&
    Array.isArray(value.tickets) &&
    value.tickets.every((t) => Array.isArray(t) && t.length === 2 && isPrefix(t[0]) && isId(t[1])) &&
    (value.codes === undefined || (Array.isArray(value.codes) && value.codes.length === value.tickets.length && value.codes.every(isCodePrefix)))
  );
}

/** A list field that older documents lack: absent is empty, present must be well formed. */
const optionalList = (value: unknown, check: (item: unknown) => boolean) => value === undefined || (Array.isArray(value) && value.every(check));

/** Structural check after the signature check: a signed but malformed manifest is still refused. */
export function parseManifest(text: string): Manifest {
  const value: unknown = JSON.parse(text);
  if (!isObject(value) || value.v !== MANIFEST_VERSION) throw new Error('unsupported manifest version');
  if (value.type === 'full') {
    if (
      !isObject(value.performance) ||
      !optionalInstant(value.performance.cancelled_at) ||
      !Array.isArray(value.entries) ||
      !value.entries.every(isEntry) ||
      !optionalList(value.refused, isRefused) ||
      !optionalList(value.others, isOtherPerformance)
    ) {
      throw new Error('malformed manifest');
    }
    return value as unknown as FullManifest;
  }
  if (value.type === 'delta') {
    if (
      !Array.isArray(value.upserts) ||
      !value.upserts.every(isEntry) ||
      !Array.isArray(value.revoked) ||
      !optionalList(value.refused, isRefused) ||
      !optionalInstant(value.performance_cancelled_at)
    ) {
      throw new Error('malformed manifest delta');
    }
    return value as unknown as DeltaManifest;
  }
  throw new Error('unknown manifest type');
}

const fromBase64Url = (text: string): Uint8Array<ArrayBuffer> => {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
};

export interface PublicKeyJwk {
  kid: string;
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
}

/**
 * Verifies an Ed25519 signature over the exact bytes received, with WebCrypto (browser and
 * Node alike). Unknown key id or a bad signature: false, never an exception.
 */
export async function verifyManifestSignature(
  bytes: Uint8Array<ArrayBuffer>,
  signature: string,
  keyId: string,
  keys: PublicKeyJwk[],
): Promise<boolean> {
  const jwk = keys.find((k) => k.kid === keyId);
  if (!jwk) return false;
  try {
    const key = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, fromBase64Url(signature), bytes);
  } catch {
    return false;
  }
}

/** SHA-256 hex of a string: how tokens and reservation codes are looked up. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** What a device holds about a performance's manifest, enough to order the next one. */
export interface ManifestPosition {
  seq: number;
  generated_at: string;
}

/**
 * True when a correctly signed manifest (full or delta) is older than the one the device
 * holds: a replay, or a stale copy from a cache. Applying it would bring back tickets cancelled
 * since, so it is refused. `seq` (the server's change cursor, from the database) decides; the
 * clock time only breaks a tie, because two server instances may disagree on the time by a
 * little while the cursor they read is the same. An unreadable time is refused as well.
 */
export function isReplay(held: ManifestPosition, incoming: ManifestPosition): boolean {
  const incomingAt = Date.parse(incoming.generated_at);
  if (!Number.isInteger(incoming.seq) || Number.isNaN(incomingAt)) return true;
  if (incoming.seq !== held.seq) return incoming.seq < held.seq;
  return incomingAt < Date.parse(held.generated_at);
}
