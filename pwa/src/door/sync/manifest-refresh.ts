import type { DoorDb } from '../data/door-db';
import { applyDeltaManifest, applyFullManifest, markManifestChecked } from '../data/manifest-store';
import { downloadManifest, type DownloadOptions } from './manifest-download';
import type { SigningKeys } from './signing-keys';

/*
 * Keeping one performance's manifest current: the first time (or when asked) the whole signed
 * manifest, afterwards only the signed changes since the stored `seq`, with the last ETag so
 * that "nothing new" is a bodiless 304.
 */

export interface RefreshResult {
  kind: 'full' | 'delta' | 'not_modified';
  /** The server's Date header, for the clock estimate. */
  serverDate: Date | null;
}

export async function refreshManifest(
  db: DoorDb,
  keys: SigningKeys,
  performanceId: number,
  options: Pick<DownloadOptions, 'onProgress' | 'signal' | 'fetch'> & { full?: boolean } = {},
): Promise<RefreshResult> {
  const stored = options.full ? undefined : await db.manifests.get(performanceId);
  const download = await downloadManifest(performanceId, keys, {
    ...options,
    since: stored?.seq,
    etag: stored?.etag ?? undefined,
  });
  if (download.status === 'not_modified') {
    await markManifestChecked(db, performanceId);
    return { kind: 'not_modified', serverDate: download.serverDate };
  }
  const { manifest, proof } = download;
  if (manifest.type === 'full') await applyFullManifest(db, manifest, proof);
  else await applyDeltaManifest(db, manifest, proof);
  await markManifestChecked(db, performanceId, new Date(), download.etag);
  return { kind: manifest.type, serverDate: download.serverDate };
}
