import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { sealGuest } from '../../../../shared/src/guest-seal';
import {
  KEY_ID_HEADER,
  MANIFEST_VERSION,
  SIGNATURE_HEADER,
  sha256Hex,
  type DeltaManifest,
  type FullManifest,
  type ManifestEntry,
  type PublicKeyJwk,
} from '../../../../shared/src/manifest';
import { DoorDb } from '../data/door-db';

/*
 * Test data for the door app's stores: signed manifests as the server makes them
 * (server/src/door/door-service.ts), tickets with their raw tokens, and a fresh database each.
 */

let databases = 0;
/** A database of its own (fake-indexeddb must be imported by the test file first). */
export const aDoorDb = () => new DoorDb(`door-test-${++databases}-${Date.now()}`);

export const aToken = () => randomBytes(32).toString('base64url');

export interface Ticket {
  token: string;
  code: string;
  entry: ManifestEntry;
}

const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
/** A reservation code as the server makes them ("K7QF-2M9X"). */
export function aCode(): string {
  const chars = Array.from(randomBytes(8), (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

let reservations = 100;
export async function aTicket(options: { r?: number; n?: number; name?: string; code?: string; checkedIn?: ManifestEntry['c'] } = {}): Promise<Ticket> {
  const token = aToken();
  const code = options.code ?? aCode();
  const r = options.r ?? ++reservations;
  return {
    token,
    code,
    entry: {
      r,
      h: await sha256Hex(token),
      n: options.n ?? 2,
      k: await sha256Hex(code),
      c: options.checkedIn ?? null,
      g: await sealGuest(token, { name: options.name ?? 'Maria Rossi', code }),
    },
  };
}

export const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

export function aFullManifest(entries: ManifestEntry[], overrides: Partial<Omit<FullManifest, 'performance'>> & { performance?: Partial<FullManifest['performance']> } = {}): FullManifest {
  const { performance, ...rest } = overrides;
  return {
    v: MANIFEST_VERSION,
    type: 'full',
    performance: {
      id: 7,
      show_title: 'La locandiera',
      venue_name: 'Sala Grande',
      starts_at: hoursFromNow(1),
      opens_before_ms: 3 * 3_600_000,
      closes_after_ms: 6 * 3_600_000,
      ...performance,
    },
    seq: 10,
    generated_at: new Date().toISOString(),
    expires_at: hoursFromNow(7),
    entries,
    ...rest,
  };
}

export function aDelta(overrides: Partial<DeltaManifest> = {}): DeltaManifest {
  return { v: MANIFEST_VERSION, type: 'delta', performance_id: 7, since: 10, seq: 12, generated_at: new Date().toISOString(), upserts: [], revoked: [], ...overrides };
}

export const proof = { keyId: 'test-key', signature: 'test-signature' };

/** An Ed25519 key pair like the server's, and the answer it would send for a document. */
export function aSigningKey(kid = 'key-1') {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk: PublicKeyJwk = { kid, kty: 'OKP', crv: 'Ed25519', x: publicKey.export({ format: 'jwk' }).x! };
  const signatureOf = (body: string) => sign(null, Buffer.from(body, 'utf8'), privateKey).toString('base64url');
  return {
    kid,
    jwk,
    signatureOf,
    /** The manifest route's answer: the exact bytes, with the key id and signature headers. */
    response(body: string, headers: Record<string, string> = {}) {
      return new Response(body, {
        status: 200,
        headers: { 'content-type': 'application/json; charset=utf-8', [KEY_ID_HEADER]: kid, [SIGNATURE_HEADER]: signatureOf(body), ...headers },
      });
    },
  };
}
