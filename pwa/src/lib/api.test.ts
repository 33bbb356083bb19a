import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, onRequestOutcome, request, type RequestOutcome } from './api';

/** A `fetch` that never answers until its signal aborts (a Wi-Fi connected but dead). */
const hanging = (async (_url: string, init: RequestInit) =>
  new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))) as typeof fetch;

describe('requests on a network that may hang', () => {
  const outcomes: RequestOutcome[] = [];
  const stop = onRequestOutcome((outcome) => outcomes.push(outcome));
  afterEach(() => {
    vi.unstubAllGlobals();
    outcomes.length = 0;
  });

  it('gives up after its deadline with a timeout, reported as no answer', async () => {
    vi.stubGlobal('fetch', hanging);
    const started = Date.now();
    const error = await request('GET', '/api/auth/me', { timeoutMs: 60 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 0, code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(outcomes).toEqual([{ answered: false, error }]);
  });

  it('counts any answer of our server as an answer, a gateway error as none', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ status: 'not_found', detail: 'x' }), { status: 404 }));
    await expect(request('GET', '/api/x')).rejects.toMatchObject({ code: 'not_found' });
    vi.stubGlobal('fetch', async () => new Response('<html>bad gateway</html>', { status: 502 }));
    await expect(request('GET', '/api/x')).rejects.toMatchObject({ status: 502 });
    expect(outcomes.map((o) => o.answered)).toEqual([true, false]);
  });

  it('passes on a caller giving up without calling it a network problem', async () => {
    vi.stubGlobal('fetch', hanging);
    const controller = new AbortController();
    const pending = request('GET', '/api/x', { signal: controller.signal, timeoutMs: 5_000 });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(outcomes).toEqual([]);
    stop();
  });
});

describe('a validation_error body', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('carries its field errors as codes, leaving out entries that are not field errors', async () => {
    const body = {
      status: 'validation_error',
      detail: 'The request is not valid.',
      errors: { name: [{ code: 'too_long', max: 120 }], slug: ['Another show already uses this slug.'], phone: 'x' },
    };
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(body), { status: 400 }));
    const error = await request('POST', '/api/admin/shows', { body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).errors).toEqual({ name: [{ code: 'too_long', max: 120 }] });
  });
});
