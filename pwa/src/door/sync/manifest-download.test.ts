import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { PublicKeyJwk } from '../../../../shared/src/manifest';
import { ApiError } from '../../lib/api';
import { aDoorDb, aFullManifest, aSigningKey, aTicket } from '../test/door-fixtures';
import { downloadManifest, ManifestRejected, type DownloadProgress } from './manifest-download';
import { SigningKeys } from './signing-keys';

/** A fake `fetch` answering every request with `answer()`, recording what was asked. */
function fakeFetch(answer: () => Response) {
  const requests: { url: string; headers: Record<string, string> }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, headers: init.headers as Record<string, string> });
    return answer();
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

function keyring(published: PublicKeyJwk[][]) {
  let calls = 0;
  const keys = new SigningKeys(aDoorDb(), async () => published[Math.min(calls++, published.length - 1)]!);
  return { keys, calls: () => calls };
}

const problem = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof ManifestRejected ? error.code : error),
  );

describe('downloading a signed manifest', () => {
  it('checks the signature over the exact bytes, then parses, reporting progress from Content-Length', async () => {
    const key = aSigningKey();
    const ticket = await aTicket({ name: 'Niccolò Rossi' });
    const body = JSON.stringify(aFullManifest([ticket.entry]));
    const length = new TextEncoder().encode(body).byteLength;
    const { fetch, requests } = fakeFetch(() => key.response(body, { 'content-length': String(length), etag: '"m7-full-10"' }));
    const progress: DownloadProgress[] = [];

    const download = await downloadManifest(7, keyring([[key.jwk]]).keys, { fetch, onProgress: (p) => progress.push(p) });
    expect(download).toMatchObject({ status: 'ok', etag: '"m7-full-10"', proof: { keyId: key.kid }, bytes: length });
    expect(download.status === 'ok' && download.manifest.type === 'full' && download.manifest.entries[0]?.h).toBe(ticket.entry.h);
    expect(progress.at(-1)).toEqual({ received: length, total: length });
    expect(requests[0]?.url).toBe('/api/door/performances/7/manifest');
  });

  it('refuses a tampered manifest, one signed by another key, and an unsigned one', async () => {
    const key = aSigningKey('key-1');
    const impostor = aSigningKey('key-1');
    const body = JSON.stringify(aFullManifest([(await aTicket({ n: 2 })).entry]));
    const { keys } = keyring([[key.jwk]]);

    const tampered = () => {
      const genuine = key.response(body);
      return new Response(body.replace('"n":2', '"n":9'), { headers: genuine.headers });
    };
    expect(await problem(downloadManifest(7, keys, { fetch: fakeFetch(tampered).fetch }))).toBe('manifest_bad_signature');
    expect(await problem(downloadManifest(7, keys, { fetch: fakeFetch(() => impostor.response(body)).fetch }))).toBe('manifest_bad_signature');
    expect(await problem(downloadManifest(7, keys, { fetch: fakeFetch(() => new Response(body)).fetch }))).toBe('manifest_unsigned');
  });

  it('fetches the keys again for a key id it has not seen (after a rotation), once', async () => {
    const old = aSigningKey('key-1');
    const rotated = aSigningKey('key-2');
    const body = JSON.stringify(aFullManifest([]));
    const ring = keyring([[old.jwk], [rotated.jwk, old.jwk]]);
    await ring.keys.get();
    expect(await problem(downloadManifest(7, ring.keys, { fetch: fakeFetch(() => rotated.response(body)).fetch }))).toBe('accepted');
    expect(ring.calls()).toBe(2);
    // An unknown key that the server does not publish either is refused.
    const stranger = aSigningKey('key-9');
    expect(await problem(downloadManifest(7, ring.keys, { fetch: fakeFetch(() => stranger.response(body)).fetch }))).toBe('manifest_bad_signature');
  });

  it('refuses a genuine manifest of another performance and a signed document that is not a manifest', async () => {
    const key = aSigningKey();
    const { keys } = keyring([[key.jwk]]);
    const other = JSON.stringify(aFullManifest([], { performance: { id: 8 } }));
    expect(await problem(downloadManifest(7, keys, { fetch: fakeFetch(() => key.response(other)).fetch }))).toBe('manifest_other_performance');
    expect(await problem(downloadManifest(7, keys, { fetch: fakeFetch(() => key.response('{"v":1,"type":"full"}')).fetch }))).toBe('manifest_malformed');
  });

  it('asks for changes since a seq with the last ETag, and passes on "not modified" and API errors', async () => {
    const { keys } = keyring([[aSigningKey().jwk]]);
    const unchanged = fakeFetch(() => new Response(null, { status: 304, headers: { date: 'Mon, 23 Nov 2026 20:00:00 GMT' } }));
    expect(await downloadManifest(7, keys, { since: 12, etag: '"m7-12-12"', fetch: unchanged.fetch })).toEqual({
      status: 'not_modified',
      serverDate: new Date('2026-11-23T20:00:00Z'),
    });
    expect(unchanged.requests[0]).toMatchObject({ url: '/api/door/performances/7/manifest?since=12', headers: { 'If-None-Match': '"m7-12-12"' } });

    const forbidden = fakeFetch(() => new Response(JSON.stringify({ status: 'forbidden', detail: 'No.' }), { status: 403 }));
    const error = await downloadManifest(7, keys, { fetch: forbidden.fetch }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('forbidden');
  });

  it('gives up on a link where nothing moves: no answer at all, or a body that stops halfway', async () => {
    const key = aSigningKey();
    const { keys } = keyring([[key.jwk]]);
    const hanging = (async (_url: string, init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))) as typeof fetch;
    const silent = await downloadManifest(7, keys, { fetch: hanging, stallMs: 50 }).catch((e: unknown) => e);
    expect(silent).toBeInstanceOf(ApiError);
    expect(silent).toMatchObject({ status: 0, code: 'timeout' });

    const halfway = (async (_url: string, init: RequestInit) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"v":1,'));
          init.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
        },
      });
      return new Response(body, { headers: { 'x-manifest-key-id': key.kid, 'x-manifest-signature': 'x' } });
    }) as typeof fetch;
    const stalled = await downloadManifest(7, keys, { fetch: halfway, stallMs: 50 }).catch((e: unknown) => e);
    expect(stalled).toMatchObject({ status: 0, code: 'timeout' });
  });

  it('keeps waiting while bytes keep coming, however slowly in total', async () => {
    const key = aSigningKey();
    const body = JSON.stringify(aFullManifest([(await aTicket()).entry]));
    const bytes = new TextEncoder().encode(body);
    const trickle = (async () => {
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          // 30 ms between chunks, 40 ms allowed between bytes: about 10 × the allowance in total.
          await new Promise((resolve) => setTimeout(resolve, 30));
          const next = Math.min(bytes.length, sent + Math.ceil(bytes.length / 12));
          controller.enqueue(bytes.slice(sent, next));
          sent = next;
          if (sent >= bytes.length) controller.close();
        },
      });
      const signed = key.response(body);
      return new Response(stream, { headers: signed.headers });
    }) as typeof fetch;
    const download = await downloadManifest(7, keyring([[key.jwk]]).keys, { fetch: trickle, stallMs: 40 });
    expect(download.status).toBe('ok');
  });
});
