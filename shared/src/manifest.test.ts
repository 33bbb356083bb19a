import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isReplay, parseManifest, verifyManifestSignature, type PublicKeyJwk } from './manifest';

/*
 * The checks a door device runs on a downloaded manifest before using it: the Ed25519 signature
 * over the exact bytes, the structure, and the order (no replay of an older signed manifest).
 */

async function aSigningKey(kid: string) {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const { x } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const publicJwk: PublicKeyJwk = { kid, kty: 'OKP', crv: 'Ed25519', x: x! };
  const sign = async (bytes: Uint8Array<ArrayBuffer>) =>
    Buffer.from(await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, bytes)).toString('base64url');
  return { publicJwk, sign };
}

const body = JSON.stringify({
  v: 1,
  type: 'full',
  performance: { id: 7, show_title: 'Amleto', venue_name: 'Sala Grande', starts_at: '2026-12-01T20:00:00.000Z', opens_before_ms: 0, closes_after_ms: 0 },
  seq: 12,
  generated_at: '2026-12-01T18:00:00.000Z',
  expires_at: '2026-12-02T02:00:00.000Z',
  entries: [{ r: 1, h: 'a'.repeat(64), n: 2, k: null, c: null, g: null }],
});
const bytes = () => new TextEncoder().encode(body);

describe('verifyManifestSignature', () => {
  it('accepts the signed bytes as they are', async () => {
    const key = await aSigningKey('k1');
    expect(await verifyManifestSignature(bytes(), await key.sign(bytes()), 'k1', [key.publicJwk])).toBe(true);
  });

  it('refuses the manifest when any one byte is changed', async () => {
    const key = await aSigningKey('k1');
    const signature = await key.sign(bytes());
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: body.length - 1 }), fc.integer({ min: 1, max: 255 }), async (index, flip) => {
        const tampered = bytes();
        tampered[index] = tampered[index]! ^ flip;
        expect(await verifyManifestSignature(tampered, signature, 'k1', [key.publicJwk])).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a truncated or extended body', async () => {
    const key = await aSigningKey('k1');
    const signature = await key.sign(bytes());
    const original = bytes();
    expect(await verifyManifestSignature(original.slice(0, -1), signature, 'k1', [key.publicJwk])).toBe(false);
    const longer = new Uint8Array(original.length + 1);
    longer.set(original);
    longer[original.length] = 0x20;
    expect(await verifyManifestSignature(longer, signature, 'k1', [key.publicJwk])).toBe(false);
  });

  it('refuses a signature made with another key, whatever key id it claims', async () => {
    const ours = await aSigningKey('k1');
    const theirs = await aSigningKey('k1');
    const forged = await theirs.sign(bytes());
    expect(await verifyManifestSignature(bytes(), forged, 'k1', [ours.publicJwk])).toBe(false);
    // A key id we do not know, or one that names a different key of ours, is no better.
    const other = await aSigningKey('k2');
    expect(await verifyManifestSignature(bytes(), await ours.sign(bytes()), 'k9', [ours.publicJwk])).toBe(false);
    expect(await verifyManifestSignature(bytes(), await ours.sign(bytes()), 'k2', [ours.publicJwk, other.publicJwk])).toBe(false);
  });

  it('answers false, never throws, for garbage signatures and keys', async () => {
    const key = await aSigningKey('k1');
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 120 }), fc.string({ maxLength: 60 }), async (signature, x) => {
        const broken: PublicKeyJwk = { ...key.publicJwk, x };
        expect(await verifyManifestSignature(bytes(), signature, 'k1', [key.publicJwk])).toBe(false);
        expect(await verifyManifestSignature(bytes(), await key.sign(bytes()), 'k1', [broken])).toBe(x === key.publicJwk.x);
      }),
      { numRuns: 100 },
    );
  });
});

describe('parseManifest', () => {
  it('refuses documents that are signed but not a manifest', () => {
    for (const text of [
      '{}',
      '[]',
      'null',
      JSON.stringify({ v: 2, type: 'full' }),
      JSON.stringify({ v: 1, type: 'other' }),
      JSON.stringify({ v: 1, type: 'full', performance: {}, entries: [{ r: 1, h: 'not a hash', n: 1, k: null, c: null, g: null }] }),
      JSON.stringify({ v: 1, type: 'delta', upserts: 'x', revoked: [] }),
    ]) {
      expect(() => parseManifest(text), text).toThrow();
    }
    expect(parseManifest(body).type).toBe('full');
  });

  it('reads the refused tickets and other nights, and takes a document without them as having none', () => {
    const full = JSON.parse(body) as Record<string, unknown>;
    const withSets = {
      ...full,
      refused: [['0123456789abcdef', 3, 'cancelled'], ['fedcba9876543210', 4, 'replaced']],
      others: [{ id: 8, starts_at: '2026-12-02T20:00:00.000Z', tickets: [['00112233aabbccdd', 5]] }],
    };
    expect(parseManifest(JSON.stringify(withSets))).toMatchObject({ refused: withSets.refused, others: withSets.others });
    expect(parseManifest(body)).not.toHaveProperty('refused');
    const delta = { v: 1, type: 'delta', performance_id: 7, since: 1, seq: 2, generated_at: '2026-12-01T18:00:00.000Z', upserts: [], revoked: [3] };
    expect(parseManifest(JSON.stringify({ ...delta, refused: [['0123456789abcdef', 3, 'cancelled']] })).type).toBe('delta');

    for (const bad of [
      { ...full, refused: [['0123456789abcdef', 3, 'lost']] },
      { ...full, refused: [['0123456789ABCDEF', 3, 'cancelled']] },
      { ...full, refused: [['a'.repeat(64), 3, 'cancelled']] },
      { ...full, refused: {} },
      { ...full, others: [{ id: 8, starts_at: 'tomorrow', tickets: [] }] },
      { ...full, others: [{ id: 8, starts_at: '2026-12-02T20:00:00.000Z', tickets: [['00112233aabbccdd']] }] },
      { ...delta, refused: [[3, '0123456789abcdef', 'cancelled']] },
    ]) {
      expect(() => parseManifest(JSON.stringify(bad)), JSON.stringify(bad)).toThrow();
    }
  });

  it('reads the other nights\' code prefixes and a cancelled performance, which older documents lack', () => {
    const full = JSON.parse(body) as { performance: Record<string, unknown> } & Record<string, unknown>;
    const night = { id: 8, starts_at: '2026-12-02T20:00:00.000Z', tickets: [['00112233aabbccdd', 5], ['0011223344556677', 6]] };
    const withCodes = { ...full, others: [{ ...night, codes: ['a1b2c3d4', ''] }] };
    expect(parseManifest(JSON.stringify(withCodes))).toMatchObject({ others: withCodes.others });
    const cancelled = { ...full, performance: { ...full.performance, cancelled_at: '2026-12-01T10:00:00.000Z' } };
    expect(parseManifest(JSON.stringify(cancelled))).toMatchObject({ performance: { cancelled_at: '2026-12-01T10:00:00.000Z' } });
    const delta = { v: 1, type: 'delta', performance_id: 7, since: 1, seq: 2, generated_at: '2026-12-01T18:00:00.000Z', upserts: [], revoked: [] };
    expect(parseManifest(JSON.stringify({ ...delta, performance_cancelled_at: null })).type).toBe('delta');
    expect(parseManifest(JSON.stringify({ ...delta, performance_cancelled_at: '2026-12-01T10:00:00.000Z' })).type).toBe('delta');

    for (const bad of [
      // One code per ticket, 8 hex characters or none.
      { ...full, others: [{ ...night, codes: ['a1b2c3d4'] }] },
      { ...full, others: [{ ...night, codes: ['a1b2c3', 'a1b2c3d4'] }] },
      { ...full, others: [{ ...night, codes: ['A1B2C3D4', ''] }] },
      { ...full, performance: { ...full.performance, cancelled_at: 'yesterday' } },
      { ...delta, performance_cancelled_at: 7 },
    ]) {
      expect(() => parseManifest(JSON.stringify(bad)), JSON.stringify(bad)).toThrow();
    }
  });
});

describe('isReplay', () => {
  const held = { seq: 12, generated_at: '2026-12-01T18:00:00.000Z' };

  it('refuses an older change cursor, even with a later clock time', () => {
    expect(isReplay(held, { seq: 11, generated_at: '2026-12-01T19:00:00.000Z' })).toBe(true);
    expect(isReplay(held, { seq: 0, generated_at: '2026-12-01T18:00:00.000Z' })).toBe(true);
  });

  it('accepts a newer change cursor, even when another server instance’s clock is a little behind', () => {
    expect(isReplay(held, { seq: 13, generated_at: '2026-12-01T17:59:59.900Z' })).toBe(false);
  });

  it('at the same cursor, refuses an older copy and accepts the same or a fresher one', () => {
    expect(isReplay(held, { seq: 12, generated_at: '2026-12-01T17:00:00.000Z' })).toBe(true);
    expect(isReplay(held, held)).toBe(false);
    expect(isReplay(held, { seq: 12, generated_at: '2026-12-01T18:05:00.000Z' })).toBe(false);
  });

  it('refuses a manifest whose position cannot be read', () => {
    expect(isReplay(held, { seq: 13, generated_at: 'yesterday' })).toBe(true);
    expect(isReplay(held, { seq: Number.NaN, generated_at: held.generated_at })).toBe(true);
  });

  it('is an order: of two different positions, exactly one is a replay of the other', () => {
    const position = fc.record({ seq: fc.nat({ max: 50 }), generated_at: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) });
    fc.assert(
      fc.property(position, position, (a, b) => {
        const same = a.seq === b.seq && a.generated_at === b.generated_at;
        expect(isReplay(a, b) !== isReplay(b, a) || same).toBe(true);
      }),
    );
  });
});
