import { createHash, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { desc, eq, sql } from 'drizzle-orm';
import type { PublicKeyJwk } from '../../../shared/src/manifest.js';
import type { Db } from '../db/client.js';
import { signingKeys } from '../db/schema.js';

const KEY_LOCK_ID = 727275;

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
    const rows = await this.db
      .select()
      .from(signingKeys)
      .where(sql`${signingKeys.retiredAt} is null or ${signingKeys.retiredAt} > now() - interval '30 days'`)
      .orderBy(desc(signingKeys.createdAt));
    return rows.map((row) => ({ kid: row.id, kty: 'OKP', crv: 'Ed25519', x: row.publicJwk.x! }));
  }

  async rotate(): Promise<string> {
    const kid = await this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${KEY_LOCK_ID})`);
      await tx.update(signingKeys).set({ active: false, retiredAt: new Date() }).where(eq(signingKeys.active, true));
      return this.insertNew(tx);
    });
    this.cached = undefined;
    return kid;
  }

  private async active(): Promise<{ kid: string; key: KeyObject }> {
    if (this.cached) return this.cached;
    const row = await this.db.transaction(async (tx) => {
      // Two instances starting at once must not each create a key.
      await tx.execute(sql`select pg_advisory_xact_lock(${KEY_LOCK_ID})`);
      const [existing] = await tx.select().from(signingKeys).where(eq(signingKeys.active, true)).orderBy(desc(signingKeys.createdAt)).limit(1);
      if (existing) return existing;
      const kid = await this.insertNew(tx);
      return (await tx.select().from(signingKeys).where(eq(signingKeys.id, kid)))[0]!;
    });
    this.cached = { kid: row.id, key: createPrivateKey({ key: row.privateJwk, format: 'jwk' }) };
    return this.cached;
  }

  private async insertNew(tx: Parameters<Parameters<Db['transaction']>[0]>[0]): Promise<string> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const publicJwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
    const kid = `k-${createHash('sha256').update(publicJwk.x!).digest('base64url').slice(0, 12)}`;
    await tx.insert(signingKeys).values({ id: kid, publicJwk, privateJwk: privateKey.export({ format: 'jwk' }) as Record<string, string> });
    return kid;
  }
}
