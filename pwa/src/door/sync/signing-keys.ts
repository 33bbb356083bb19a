import type { PublicKeyJwk } from '../../../../shared/src/manifest';
import { api } from '../../lib/api';
import type { DoorDb } from '../data/door-db';

/**
 * The server's public manifest keys, kept in IndexedDB: manifests are checked offline too
 * (after a reload), and a key the device has not seen yet (after a rotation) is fetched once.
 */
export class SigningKeys {
  constructor(
    private readonly db: DoorDb,
    private readonly fetchKeys: () => Promise<PublicKeyJwk[]> = async () => (await api.get('/api/door/keys')).keys,
  ) {}

  async get(): Promise<PublicKeyJwk[]> {
    return (await this.db.getMeta('keys')) ?? this.refresh();
  }

  async refresh(): Promise<PublicKeyJwk[]> {
    const keys = await this.fetchKeys();
    await this.db.setMeta('keys', keys);
    return keys;
  }

  /** The keys to check a document signed with `keyId`: the cached ones, or fresh ones if it is new. */
  async for(keyId: string): Promise<PublicKeyJwk[]> {
    const keys = await this.get();
    return keys.some((key) => key.kid === keyId) ? keys : this.refresh();
  }
}
