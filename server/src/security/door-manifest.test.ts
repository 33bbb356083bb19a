import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFullManifest, ManifestRefused } from '../../../pwa/src/door/data/manifest-store';
import { downloadManifest, ManifestRejected } from '../../../pwa/src/door/sync/manifest-download';
import { SigningKeys } from '../../../pwa/src/door/sync/signing-keys';
import { aDoorDb } from '../../../pwa/src/door/test/door-fixtures';
import { KEY_ID_HEADER, SIGNATURE_HEADER, type FullManifest, type PublicKeyJwk } from '../../../shared/src/manifest.js';
import { aConfirmedReservation, aPerformance, createTestContext, loggedIn, type TestContext } from '../test/harness.js';

/*
 * The door app's own download and storage code (pwa/src/door, used read-only here) against
 * this real server: what a man in the middle, a stale cache or another server could hand the
 * device is refused before it reaches the guest list.
 */

let ctx: TestContext;
let other: TestContext;
let door: string;
beforeAll(async () => {
  [ctx, other] = await Promise.all([createTestContext(), createTestContext()]);
  door = (await loggedIn(ctx, 'door')).cookie;
});
afterAll(() => Promise.all([ctx.close(), other.close()]));

const soon = () => new Date(Date.now() + 3_600_000);

/** `fetch` into the app, as the device's browser would send it, with a hook to alter the answer. */
function deviceFetch(alter: (response: Response) => Promise<Response> | Response = (r) => r): typeof fetch {
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('cookie', door);
    const response = await ctx.runtime.app.request(`http://localhost${String(input)}`, { ...init, headers }, { incoming: { socket: { remoteAddress: '127.0.0.1' } } });
    return alter(response);
  };
}

const keysOf = async (server: TestContext): Promise<PublicKeyJwk[]> => (await server.client.get('/api/door/keys')).body.keys;

/** The device's key store, filled from `server` (ours unless told otherwise). */
const deviceKeys = (server: TestContext = ctx) => new SigningKeys(aDoorDb(), () => keysOf(server));

async function withBody(response: Response, change: (bytes: Uint8Array) => void): Promise<Response> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  change(bytes);
  return new Response(bytes, { status: response.status, headers: response.headers });
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof ManifestRejected || error instanceof ManifestRefused ? error.code : error),
  );

describe('the door app checking manifests from this server', () => {
  it('accepts the genuine manifest', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const download = await downloadManifest(performance.id, deviceKeys(), { fetch: deviceFetch() });
    expect(download.status).toBe('ok');
    if (download.status !== 'ok') return;
    expect((download.manifest as FullManifest).entries.map((e) => e.r)).toEqual([ticket.reservation.id]);
  });

  it('refuses a manifest with one byte changed in transit', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    await aConfirmedReservation(ctx, performance.id, 2);
    for (const at of [0.1, 0.5, 0.9]) {
      const tamper = deviceFetch((r) => withBody(r, (bytes) => (bytes[Math.floor(bytes.length * at)]! ^= 0x01)));
      expect(await refusal(downloadManifest(performance.id, deviceKeys(), { fetch: tamper }))).toBe('manifest_bad_signature');
    }
  });

  it('refuses a manifest whose signature headers were stripped', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const strip = deviceFetch((r) => {
      const headers = new Headers(r.headers);
      headers.delete(SIGNATURE_HEADER);
      return new Response(r.body, { status: r.status, headers });
    });
    expect(await refusal(downloadManifest(performance.id, deviceKeys(), { fetch: strip }))).toBe('manifest_unsigned');
  });

  it('refuses our manifest when the device was given another server’s keys, and a forged key id', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    expect(await refusal(downloadManifest(performance.id, deviceKeys(other), { fetch: deviceFetch() }))).toBe('manifest_bad_signature');
    const [theirKey] = await keysOf(other);
    const relabel = deviceFetch((r) => {
      const headers = new Headers(r.headers);
      headers.set(KEY_ID_HEADER, theirKey!.kid);
      return new Response(r.body, { status: r.status, headers });
    });
    expect(await refusal(downloadManifest(performance.id, deviceKeys(), { fetch: relabel }))).toBe('manifest_bad_signature');
  });

  it('refuses an older genuine manifest replayed after a cancellation', async () => {
    const { performance } = await aPerformance(ctx, { startsAt: soon() });
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const keys = deviceKeys();
    const db = aDoorDb();
    const first = await downloadManifest(performance.id, keys, { fetch: deviceFetch() });
    await ctx.services.bookings.cancel(ticket.reservation.id, null);
    const second = await downloadManifest(performance.id, keys, { fetch: deviceFetch() });
    if (first.status !== 'ok' || second.status !== 'ok') throw new Error('expected two manifests');

    await applyFullManifest(db, second.manifest as FullManifest, second.proof);
    expect(await refusal(applyFullManifest(db, first.manifest as FullManifest, first.proof))).toBe('manifest_replayed');
    expect(await db.entries.get(ticket.reservation.id)).toBeUndefined();
  });
});
