import { createHash, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { PublicKeyJwk } from '../../../shared/src/manifest.js';
import type { Db, Executor } from '../db/client.js';
import { activeKey, insertSigningKey, lockSigningKeys, publishedKeys, retireActiveKeys, type SigningKeyRow } from './signing-key-repository.js';

/**
 * The server's Ed25519 manifest-signing keys, kept in the database so every instance signs
 * with the same key and a restart changes nothing. Generated on first use; `rotate()` retires
 * the active key (still published, so manifests signed with it keep verifying) and makes a new one.
 */
export class SigningKeys {
  private cached: { kid: string; key: KeyObject } | undefined;

  constructor(private readonly db: Db) {}

  async sign(bytes: Uint8Array): Promise<{ kid: string; signature: string }> {
    const active = await this.active();
    return { kid: active.kid, signature: sign(null, bytes, active.key).toString('base64url') };
  }

  /** Every key a device may need: the active one and those retired in the last 30 days. */
  async publicKeys(): Promise<PublicKeyJwk[]> {
    await this.active();
    const rows = await publishedKeys(this.db);
    return rows.map((row) => ({ kid: row.id, kty: 'OKP', crv: 'Ed25519', x: row.publicJwk.x! }));
  }

  async rotate(): Promise<string> {
    const kid = await this.db.transaction(async (tx) => {
      await lockSigningKeys(tx);
      await retireActiveKeys(tx, new Date());
      return (await this.insertNew(tx)).id;
    });
    this.cached = undefined;
    return kid;
  }

  private async active(): Promise<{ kid: string; key: KeyObject }> {
    if (this.cached) return this.cached;
    const row = await this.db.transaction(async (tx) => {
      // Two instances starting at once must not each create a key.
      await lockSigningKeys(tx);
      return (await activeKey(tx)) ?? (await this.insertNew(tx));
    });
    this.cached = { kid: row.id, key: createPrivateKey({ key: row.privateJwk, format: 'jwk' }) };
    return this.cached;
  }

  private async insertNew(tx: Executor): Promise<SigningKeyRow> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const publicJwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
    const kid = `k-${createHash('sha256').update(publicJwk.x!).digest('base64url').slice(0, 12)}`;
    return insertSigningKey(tx, { id: kid, publicJwk, privateJwk: privateKey.export({ format: 'jwk' }) as Record<string, string> });
  }
}
