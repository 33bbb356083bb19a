import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/harness.js';
import { DEMO_ADMIN, seedDemoData } from './seed-demo.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('demo data', () => {
  it('seeds a bookable programme and an admin once, and never twice', async () => {
    expect(await seedDemoData(ctx.services.database, 'Europe/Rome')).toBe(true);
    expect(await seedDemoData(ctx.services.database, 'Europe/Rome')).toBe(false);

    const programme = await ctx.client.get('/api/shows');
    expect(programme.body).toHaveLength(2);
    const performances = programme.body.flatMap((s: { performances: unknown[] }) => s.performances);
    expect(performances.length).toBeGreaterThanOrEqual(4);
    const hours = performances.map((p: { starts_at: string }) =>
      new Intl.DateTimeFormat('it-IT', { timeZone: 'Europe/Rome', hour: '2-digit' }).format(new Date(p.starts_at)),
    );
    expect(new Set(hours)).toEqual(new Set(['21', '18']));

    const login = await ctx.client.post('/api/auth/login', DEMO_ADMIN);
    expect(login.status).toBe(200);
    expect(login.body.user.role).toBe('admin');
  });
});
