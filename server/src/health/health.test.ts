import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/harness.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('health endpoints', () => {
  it('are live and ready on a migrated database', async () => {
    expect((await ctx.client.get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await ctx.client.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    expect(ready.body.migrations.applied).toBe(ready.body.migrations.expected);
  });

  it('are not ready when a migration is missing', async () => {
    const { db } = ctx.services.database;
    await db.execute(sql`create table drizzle.migrations_backup as select * from drizzle.__drizzle_migrations`);
    await db.execute(sql`delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations)`);
    try {
      const response = await ctx.client.get('/readyz');
      expect(response.status).toBe(503);
      expect(response.body.status).toBe('not_ready');
    } finally {
      await db.execute(sql`delete from drizzle.__drizzle_migrations`);
      await db.execute(sql`insert into drizzle.__drizzle_migrations select * from drizzle.migrations_backup`);
      await db.execute(sql`drop table drizzle.migrations_backup`);
    }
    expect((await ctx.client.get('/readyz')).status).toBe(200);
  });
});
