import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isReplay, KEY_ID_HEADER, parseManifest, SIGNATURE_HEADER, verifyManifestSignature, type FullManifest, type PublicKeyJwk } from '../../../shared/src/manifest.js';
import { aConfirmedReservation, aPerformance, createTestContext, loggedIn, type TestContext } from '../test/harness.js';

/*
 * Manifests as the server really signs them, checked with the code the door app runs
 * (shared/src/manifest.ts): a changed byte, another server's key and an older genuine
 * manifest are all refused.
 */

let ctx: TestContext;
let other: TestContext;
let door: string;
let otherDoor: string;
beforeAll(async () => {
  [ctx, other] = await Promise.all([createTestContext(), createTestContext()]);
  door = (await loggedIn(ctx, 'door')).cookie;
  otherDoor = (await loggedIn(other, 'door')).cookie;
});
afterAll(() => Promise.all([ctx.close(), other.close()]));

const soon = () => new Date(Date.now() + 3_600_000);

async function download(from: TestContext, cookie: string, performanceId: number) {
  const response = await from.client.get(`/api/door/performances/${performanceId}/manifest`, { cookie });
  expect(response.status).toBe(200);
  return {
    bytes: new TextEncoder().encode(response.text),
    signature: response.headers.get(SIGNATURE_HEADER)!,
    keyId: response.headers.get(KEY_ID_HEADER)!,
    manifest: parseManifest(response.text) as FullManifest,
  };
}

const publicKeys = async (from: TestContext): Promise<PublicKeyJwk[]> => (await from.client.get('/api/door/keys')).body.keys;

describe('server-signed manifests on the device side', () => {
  it('a genuine manifest verifies; one changed byte anywhere does not', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    await aConfirmedReservation(ctx, performance.id, 2);
    const signed = await download(ctx, door, performance.id);
    const keys = await publicKeys(ctx);
    expect(await verifyManifestSignature(signed.bytes, signed.signature, signed.keyId, keys)).toBe(true);

    await fc.assert(
      fc.asyncProperty(fc.nat({ max: signed.bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (index, flip) => {
        const tampered = signed.bytes.slice();
        tampered[index] = tampered[index]! ^ flip;
        expect(await verifyManifestSignature(tampered, signed.signature, signed.keyId, keys)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('another server’s manifest does not verify with our keys, nor ours with theirs', async () => {
    const ours = await aPerformance(ctx, { startsAt: soon() });
    const theirs = await aPerformance(other, { startsAt: soon() });
    const fromUs = await download(ctx, door, ours.performance.id);
    const fromThem = await download(other, otherDoor, theirs.performance.id);
    const ourKeys = await publicKeys(ctx);
    const theirKeys = await publicKeys(other);
    expect(ourKeys.map((k) => k.x)).not.toEqual(theirKeys.map((k) => k.x));

    expect(await verifyManifestSignature(fromThem.bytes, fromThem.signature, fromThem.keyId, ourKeys)).toBe(false);
    expect(await verifyManifestSignature(fromUs.bytes, fromUs.signature, fromUs.keyId, theirKeys)).toBe(false);
    // Even claiming our key id, their signature fails against our key.
    const ourKid = ourKeys[0]!.kid;
    expect(await verifyManifestSignature(fromThem.bytes, fromThem.signature, ourKid, ourKeys)).toBe(false);
  });

  it('an older genuine manifest, replayed after a cancellation, is refused by its position', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id, 1);
    const before = await download(ctx, door, performance.id);
    await ctx.services.bookings.cancel(ticket.reservation.id, null);
    const after = await download(ctx, door, performance.id);
    const keys = await publicKeys(ctx);

    // Both are signed by us: the signature alone cannot tell the replay apart.
    expect(await verifyManifestSignature(before.bytes, before.signature, before.keyId, keys)).toBe(true);
    expect(await verifyManifestSignature(after.bytes, after.signature, after.keyId, keys)).toBe(true);
    expect(before.manifest.entries.map((e) => e.r)).toContain(ticket.reservation.id);
    expect(after.manifest.entries.map((e) => e.r)).not.toContain(ticket.reservation.id);

    expect(after.manifest.seq).toBeGreaterThan(before.manifest.seq);
    expect(isReplay(after.manifest, before.manifest)).toBe(true);
    expect(isReplay(before.manifest, after.manifest)).toBe(false);
  });
});
