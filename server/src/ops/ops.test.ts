import { is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import * as schema from '../db/schema.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { databaseUrl } from '../../../scripts/pg-cluster.js';
import { openDatabase, type Database } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { checkIns, reservations, signingKeys, users } from '../db/schema.js';
import { testEnv } from '../env.js';
import { startRuntime, type Runtime } from '../server.js';
import { TEMPLATE_DB } from '../test/pg-global-setup.js';
import { aConfirmedReservation, aPerformance, CapturingTransport, createTestContext, loggedIn, type TestContext } from '../test/harness.js';
import { backupPglite, backupPostgres, restorePglite, restorePostgres } from './backup.js';
import { moveToPostgres, TABLES } from './move-to-postgres.js';

/*
 * Backups and the move off the embedded database, on real files and real servers. In the
 * `postgres` project the PostgreSQL paths run against the throwaway cluster; PGlite paths run
 * in both projects.
 */

const clusterUrl = inject('pgClusterUrl');

async function emptyPostgresDatabase(): Promise<string | undefined> {
  if (!clusterUrl) return undefined;
  const name = `ops_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(clusterUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  return databaseUrl(clusterUrl, name);
}

async function count(db: Database, table: string): Promise<number> {
  const result = await db.db.execute(sql.raw(`select count(*)::int as n from "${table}"`));
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { n: number }[];
  return Number(rows[0]!.n);
}

/** A database with a bit of everything: staff, a booking, a check-in, a signing key. */
async function populate(ctx: TestContext) {
  const { performance } = await aPerformance(ctx, { startsAt: new Date(Date.now() + 3_600_000) });
  const ticket = await aConfirmedReservation(ctx, performance.id, 2);
  const door = await loggedIn(ctx, 'door');
  await ctx.client.post('/api/check-ins/confirm', { token: ticket.rawCheckInToken }, { cookie: door.cookie });
  await ctx.client.get(`/api/door/performances/${performance.id}/manifest`, { cookie: door.cookie });
  // A message to the guests: its emails point at a performance message, which must move first.
  const boxOffice = await loggedIn(ctx, 'box_office');
  const message = await ctx.client.post(
    `/api/admin/performances/${performance.id}/messages`,
    { subject: 'Parcheggio', body: 'Il parcheggio è chiuso stasera.', audience: 'confirmed' },
    { cookie: boxOffice.cookie },
  );
  expect(message.status).toBe(201);
  await ctx.services.mailWorker.drain();
  return { performance, ticket };
}

describe('moving from the embedded database to PostgreSQL', () => {
  it('knows every table of the schema (but the throttle counters, which are not data)', () => {
    const schemaTables = (Object.values(schema) as unknown[])
      .filter((value): value is PgTable => is(value, PgTable))
      .map((table) => getTableConfig(table).name)
      .filter((name) => name !== 'throttle_counters');
    expect([...TABLES].sort()).toEqual(schemaTables.sort());
  });

  let source: TestContext;
  beforeAll(async () => {
    source = await createTestContext({ DATABASE_URL: '' });
  });
  afterAll(() => source.close());

  it('copies every table with its ids, and the target keeps working', async () => {
    expect(source.services.database.kind).toBe('pglite');
    const { ticket } = await populate(source);
    const url = await emptyPostgresDatabase();
    const target = await openDatabase(url ? { databaseUrl: url } : { dataDir: 'memory://' });
    try {
      const counts = await moveToPostgres(source.services.database, target);
      for (const table of TABLES) expect(await count(target, table)).toBe(counts[table]);
      expect(counts.reservations).toBeGreaterThan(0);
      expect(counts.check_ins).toBe(1);
      expect(counts.signing_keys).toBe(1);
      expect(counts.performance_messages).toBe(1);
      const [moved] = await target.db.select().from(reservations).where(sql`${reservations.id} = ${ticket.reservation.id}`);
      expect(moved).toMatchObject({ status: 'confirmed', partySize: 2, name: 'Maria Rossi' });
      const [key] = await target.db.select().from(signingKeys);
      expect(key!.privateJwk.d).toBeDefined();
      // Sequences moved past the copied ids: new rows do not collide.
      const [user] = await target.db.insert(users).values({ email: 'new@azionelab.test', passwordHash: 'x', role: 'door' }).returning();
      expect(user!.id).toBeGreaterThan(counts.users!);
      expect(await target.db.select().from(checkIns)).toHaveLength(1);
      await expect(moveToPostgres(source.services.database, target)).rejects.toThrow(/already has data/);
    } finally {
      await target.close();
    }
  });
});

describe('backups', () => {
  it('round-trips the embedded database through a file', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'azl-backup-'));
    const backups = path.join(dataDir, 'backups');
    let runtime: Runtime = await startRuntime(testEnv({ DATA_DIR: dataDir }), { transport: new CapturingTransport() });
    const [venue] = await runtime.services.database.db.execute(sql`insert into venues (name, capacity) values ('Sala Prove', 40) returning id`).then((r) =>
      Array.isArray(r) ? r : (r as { rows: unknown[] }).rows,
    );
    expect(venue).toBeDefined();
    await runtime.close();

    const held = await openDatabase({ dataDir, owner: 'db:backup' });
    const file = await backupPglite(held, backups).finally(() => held.close());
    expect(file).toMatch(/\.pglite\.tar\.gz$/);
    runtime = await startRuntime(testEnv({ DATA_DIR: dataDir }), { transport: new CapturingTransport() });
    await runtime.services.database.db.execute(sql`delete from venues`);
    await runtime.close();

    const movedAside = await restorePglite(dataDir, file);
    expect(movedAside).toBeDefined();
    runtime = await startRuntime(testEnv({ DATA_DIR: dataDir }), { transport: new CapturingTransport() });
    try {
      expect(await count(runtime.services.database, 'venues')).toBe(1);
    } finally {
      await runtime.close();
    }
  });

  it('round-trips PostgreSQL through pg_dump and pg_restore', async () => {
    if (!clusterUrl) {
      // The PGlite project has no server; the postgres project runs this against its cluster.
      expect(inject('pgClusterUrl')).toBe('');
      return;
    }
    const name = `bk_${Math.random().toString(36).slice(2, 10)}`;
    const admin = postgres(clusterUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name} template ${TEMPLATE_DB}`);
    await admin.end();
    const url = databaseUrl(clusterUrl, name);
    const db = await openDatabase({ databaseUrl: url });
    try {
      await runMigrations(db);
      await db.db.execute(sql`insert into venues (name, capacity) values ('Sala Prove', 40)`);
      const file = backupPostgres(url, mkdtempSync(path.join(tmpdir(), 'azl-pgdump-')));
      await db.db.execute(sql`delete from venues`);
      expect(await count(db, 'venues')).toBe(0);
      restorePostgres(url, file);
      expect(await count(db, 'venues')).toBe(1);
    } finally {
      await db.close();
    }
  });
});
