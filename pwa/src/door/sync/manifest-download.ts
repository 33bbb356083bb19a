import { KEY_ID_HEADER, SIGNATURE_HEADER, parseManifest, verifyManifestSignature, type Manifest } from '../../../../shared/src/manifest';
import { ApiError, errorOfResponse, reportOutcome, timeoutError } from '../../lib/api';
import type { SignatureProof } from '../data/manifest-store';
import type { SigningKeys } from './signing-keys';
import { DOWNLOAD_STALL_MS } from './timeouts';

/*
 * Downloading a performance's manifest: the body is read as bytes (with progress), its Ed25519
 * signature is checked over exactly those bytes, and only then is it parsed. Nothing of a
 * document that fails the check is used.
 */

export type ManifestProblem = 'manifest_unsigned' | 'manifest_bad_signature' | 'manifest_malformed' | 'manifest_other_performance';

export class ManifestRejected extends Error {
  constructor(readonly code: ManifestProblem) {
    super(code);
    this.name = 'ManifestRejected';
  }
}

export interface DownloadProgress {
  received: number;
  /** From Content-Length; null when unknown (a compressed or chunked answer). */
  total: number | null;
}

export type Download =
  | { status: 'not_modified'; serverDate: Date | null }
  | { status: 'ok'; manifest: Manifest; proof: SignatureProof; etag: string | null; serverDate: Date | null; bytes: number };

export interface DownloadOptions {
  since?: number | undefined;
  etag?: string | undefined;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Give up when no byte (nor the answer's headers) has come for this long. */
  stallMs?: number;
}

/**
 * A deadline that moves with every chunk: a 500 KB list on a slow link may take long and
 * still be fine; a link on which nothing moves for a few seconds is dead.
 */
class StallWatch {
  readonly #controller = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly ms: number) {
    this.progress();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get stalled(): boolean {
    return this.#controller.signal.aborted;
  }

  progress(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#controller.abort(), this.ms);
  }

  done(): void {
    clearTimeout(this.#timer);
  }
}

async function readBody(response: Response, watch: StallWatch, onProgress?: (progress: DownloadProgress) => void): Promise<Uint8Array<ArrayBuffer>> {
  // Content-Length counts compressed bytes when the answer is compressed: no total then.
  const length = Number(response.headers.get('content-length'));
  const total = !response.headers.get('content-encoding') && Number.isFinite(length) && length > 0 ? length : null;
  const chunks: Uint8Array[] = [];
  let received = 0;
  onProgress?.({ received, total });
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      watch.progress();
      chunks.push(value);
      received += value.byteLength;
      onProgress?.({ received, total });
    }
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const dateOf = (response: Response): Date | null => {
  const header = response.headers.get('date');
  return header ? new Date(header) : null;
};

/** "Not modified", or the server's error: no body to verify. */
async function settled(response: Response): Promise<Download> {
  if (response.status === 304) return { status: 'not_modified', serverDate: dateOf(response) };
  throw await errorOfResponse(response);
}

export async function downloadManifest(performanceId: number, keys: SigningKeys, options: DownloadOptions = {}): Promise<Download> {
  const doFetch = options.fetch ?? fetch;
  const url = `/api/door/performances/${performanceId}/manifest${options.since ? `?since=${options.since}` : ''}`;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.etag) headers['If-None-Match'] = options.etag;
  const stallMs = options.stallMs ?? DOWNLOAD_STALL_MS;
  const watch = new StallWatch(stallMs);
  const signal = options.signal ? AbortSignal.any([options.signal, watch.signal]) : watch.signal;
  let response: Response;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    response = await doFetch(url, { headers, credentials: 'same-origin', cache: 'no-store', signal });
    reportOutcome({ answered: true, status: response.status });
    if (response.status === 304 || !response.ok) return await settled(response);
    bytes = await readBody(response, watch, options.onProgress);
  } catch (error) {
    // The server's own error answer (404, 403…), or the caller gave up: passed on as they are.
    if (error instanceof ApiError && error.status !== 0) throw error;
    if (!watch.stalled && error instanceof DOMException && error.name === 'AbortError') throw error;
    const failed = watch.stalled ? timeoutError(stallMs) : new ApiError(0, 'network_error', error instanceof Error ? error.message : 'Network error');
    reportOutcome({ answered: false, error: failed });
    throw failed;
  } finally {
    watch.done();
  }

  const serverDate = dateOf(response);
  const keyId = response.headers.get(KEY_ID_HEADER);
  const signature = response.headers.get(SIGNATURE_HEADER);
  if (!keyId || !signature) throw new ManifestRejected('manifest_unsigned');
  if (!(await verifyManifestSignature(bytes, signature, keyId, await keys.for(keyId)))) throw new ManifestRejected('manifest_bad_signature');

  let manifest: Manifest;
  try {
    manifest = parseManifest(new TextDecoder().decode(bytes));
  } catch {
    throw new ManifestRejected('manifest_malformed');
  }
  // A genuine manifest of another performance, swapped in, is refused too.
  const forPerformance = manifest.type === 'full' ? manifest.performance.id : manifest.performance_id;
  if (forPerformance !== performanceId) throw new ManifestRejected('manifest_other_performance');
  return { status: 'ok', manifest, proof: { keyId, signature }, etag: response.headers.get('etag'), serverDate, bytes: bytes.byteLength };
}
