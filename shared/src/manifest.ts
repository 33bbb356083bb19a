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

export interface ManifestPerformance {
  id: number;
  show_title: string;
  venue_name: string;
  starts_at: string;
  /** door window, from the server's configuration */
  opens_before_ms: number;
  closes_after_ms: number;
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
  /** Reservations no longer admitted (cancelled): their entries are removed. */
  revoked: number[];
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

/** Structural check after the signature check: a signed but malformed manifest is still refused. */
export function parseManifest(text: string): Manifest {
  const value: unknown = JSON.parse(text);
  if (!isObject(value) || value.v !== MANIFEST_VERSION) throw new Error('unsupported manifest version');
  if (value.type === 'full') {
    if (!isObject(value.performance) || !Array.isArray(value.entries) || !value.entries.every(isEntry)) {
      throw new Error('malformed manifest');
    }
    return value as unknown as FullManifest;
  }
  if (value.type === 'delta') {
    if (!Array.isArray(value.upserts) || !value.upserts.every(isEntry) || !Array.isArray(value.revoked)) {
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
