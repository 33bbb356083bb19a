import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, type UserRole } from '../db/schema.js';
import { aConfirmedReservation, aPerformance, createTestContext, loggedIn, type TestContext } from '../test/harness.js';

let ctx: TestContext;
const cookies = {} as Record<UserRole, string>;
const users = {} as Record<UserRole, { id: number; email: string }>;
beforeAll(async () => {
  ctx = await createTestContext();
  for (const role of ['admin', 'content', 'box_office', 'door'] as const) {
    const { user, cookie } = await loggedIn(ctx, role);
    cookies[role] = cookie;
    users[role] = user;
  }
});
afterAll(() => ctx.close());

const audit = (query = '', cookie = cookies.admin) => ctx.client.get(`/api/admin/audit${query}`, { cookie });
/** An entity type no other test writes, so that a filter on it sees only this test's rows. */
const freshType = () => `test_${randomBytes(4).toString('hex')}`;

interface Item {
  id: number;
  at: string;
  actor: { id: number; email: string; name: string | null } | null;
  action: string;
  entity_type: string;
  entity_id: number | null;
  summary: string;
}

/** Four rows of one entity type at known times, inserted in an order unlike their times. */
async function seedRows(entityType: string) {
  const base = Date.parse('2030-05-01T18:00:00Z');
  const rows = [
    { at: new Date(base + 2 * 60_000), actorUserId: users.content.id, action: 'thing.update', entityId: 1, summary: 'second' },
    { at: new Date(base), actorUserId: users.admin.id, action: 'thing.create', entityId: 1, summary: 'first' },
    { at: new Date(base + 4 * 60_000), actorUserId: null, action: 'thing.update', entityId: 2, summary: 'fourth' },
    { at: new Date(base + 3 * 60_000), actorUserId: users.admin.id, action: 'thing.delete', entityId: 1, summary: 'third' },
  ];
  await ctx.services.database.db.insert(auditLog).values(rows.map((row) => ({ ...row, entityType })));
}

describe('audit permissions', () => {
  it.each(['anonymous', 'content', 'box_office', 'door', 'admin'] as const)('GET /api/admin/audit as %s', async (role) => {
    const response = await ctx.client.get('/api/admin/audit', role === 'anonymous' ? {} : { cookie: cookies[role] });
    if (role === 'anonymous') {
      expect(response.status).toBe(401);
      expect(response.body.status).toBe('not_authenticated');
    } else if (role === 'admin') {
      expect(response.status).toBe(200);
      expect(Array.isArray(response.body.items)).toBe(true);
    } else {
      expect(response.status).toBe(403);
      expect(response.body.status).toBe('forbidden');
      expect(response.body.items).toBeUndefined();
    }
  });
});

describe('GET /api/admin/audit', () => {
  it('records staff actions with the actor, newest first', async () => {
    const venue = await ctx.client.post('/api/admin/venues', { name: 'Sala Audit', capacity: 30 }, { cookie: cookies.content });
    expect(venue.status).toBe(201);
    const renamed = await ctx.client.patch(`/api/admin/venues/${venue.body.id}`, { name: 'Sala Audit 2' }, { cookie: cookies.admin });
    expect(renamed.status).toBe(200);

    const response = await audit(`?entity_type=venue&entity_id=${venue.body.id}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: [
        {
          id: expect.any(Number),
          at: expect.any(String),
          actor: { id: users.admin.id, email: users.admin.email, name: expect.any(String) },
          action: 'venue.update',
          entity_type: 'venue',
          entity_id: venue.body.id,
          summary: 'name: Sala Audit → Sala Audit 2',
          details: {
            actor: { name: expect.any(String) },
            venue: { id: venue.body.id, name: 'Sala Audit 2' },
            changes: [{ field: 'name', before: 'Sala Audit', after: 'Sala Audit 2' }],
          },
        },
        {
          id: expect.any(Number),
          at: expect.any(String),
          actor: { id: users.content.id, email: users.content.email, name: expect.any(String) },
          action: 'venue.create',
          entity_type: 'venue',
          entity_id: venue.body.id,
          summary: 'Sala Audit (30)',
          details: { actor: { name: expect.any(String) }, venue: { id: venue.body.id, name: 'Sala Audit' }, seats: 30 },
        },
      ],
      total: 2,
      page: 1,
      page_size: 25,
    });
    const [newer, older] = response.body.items as Item[];
    expect(Date.parse(newer!.at)).toBeGreaterThanOrEqual(Date.parse(older!.at));
    expect(newer!.id).toBeGreaterThan(older!.id);
  });

  it('orders by time, not by insertion, and shows guest events without an actor', async () => {
    const type = freshType();
    await seedRows(type);
    const response = await audit(`?entity_type=${type}`);
    expect(response.status).toBe(200);
    expect(response.body.total).toBe(4);
    expect(response.body.items.map((i: Item) => i.summary)).toEqual(['fourth', 'third', 'second', 'first']);
    expect(response.body.items[0]).toMatchObject({ actor: null, at: '2030-05-01T18:04:00.000Z', entity_id: 2 });
    expect(response.body.items[3].actor).toMatchObject({ id: users.admin.id, email: users.admin.email });

    const everything = await audit('?page_size=500');
    const times = everything.body.items.map((i: Item) => Date.parse(i.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const { performance } = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, performance.id);
    const guestSide = await audit(`?entity_type=reservation&entity_id=${ticket.reservation.id}`);
    expect(guestSide.body.items.map((i: Item) => [i.action, i.actor])).toEqual([
      ['reservation.confirm', null],
      ['reservation.create', null],
    ]);
  });

  it('filters by action, entity_type, entity_id and user_id, alone and together', async () => {
    const type = freshType();
    await seedRows(type);
    const summaries = async (query: string) => {
      const response = await audit(`?entity_type=${type}&${query}`);
      expect(response.status).toBe(200);
      expect(response.body.total).toBe(response.body.items.length);
      return response.body.items.map((i: Item) => i.summary);
    };
    expect(await summaries('action=thing.update')).toEqual(['fourth', 'second']);
    expect(await summaries('entity_id=1')).toEqual(['third', 'second', 'first']);
    expect(await summaries(`user_id=${users.admin.id}`)).toEqual(['third', 'first']);
    expect(await summaries(`user_id=${users.content.id}`)).toEqual(['second']);
    expect(await summaries(`action=thing.update&entity_id=1&user_id=${users.content.id}`)).toEqual(['second']);
    expect(await summaries('action=thing.update&entity_id=1&user_id=2147483647')).toEqual([]);
    expect(await summaries('action=thing.nothing')).toEqual([]);

    // Each filter also works alone, across entity types.
    const byAction = await audit('?action=thing.delete&page_size=500');
    expect(byAction.body.items.length).toBeGreaterThanOrEqual(1);
    expect(byAction.body.items.every((i: Item) => i.action === 'thing.delete')).toBe(true);
    const byUser = await audit(`?user_id=${users.content.id}&page_size=500`);
    expect(byUser.body.items.length).toBeGreaterThanOrEqual(1);
    expect(byUser.body.items.every((i: Item) => i.actor?.id === users.content.id)).toBe(true);
    const byId = await audit('?entity_id=2&page_size=500');
    expect(byId.body.items.every((i: Item) => i.entity_id === 2)).toBe(true);
    expect(byId.body.items.map((i: Item) => i.summary)).toContain('fourth');
  });

  it('paginates with page and page_size and reports the total', async () => {
    const type = freshType();
    await seedRows(type);
    const first = await audit(`?entity_type=${type}&page_size=3`);
    expect(first.body).toMatchObject({ total: 4, page: 1, page_size: 3 });
    expect(first.body.items.map((i: Item) => i.summary)).toEqual(['fourth', 'third', 'second']);
    const second = await audit(`?entity_type=${type}&page_size=3&page=2`);
    expect(second.body).toMatchObject({ total: 4, page: 2, page_size: 3 });
    expect(second.body.items.map((i: Item) => i.summary)).toEqual(['first']);
    const pairs = await audit(`?entity_type=${type}&page_size=2&page=2`);
    expect(pairs.body.items.map((i: Item) => i.summary)).toEqual(['second', 'first']);
    const beyond = await audit(`?entity_type=${type}&page_size=2&page=3`);
    expect(beyond.status).toBe(200);
    expect(beyond.body).toMatchObject({ items: [], total: 4, page: 3 });
  });

  it('answers 400 validation_error to a bad query', async () => {
    for (const query of [
      'page=0',
      'page=abc',
      'page_size=0',
      'page_size=501',
      'entity_id=abc',
      'entity_id=-1',
      'entity_id=99999999999',
      'user_id=1.5',
      'user_id=0',
      `action=${'x'.repeat(65)}`,
      'other=1',
    ]) {
      const response = await audit(`?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.status).toBe('validation_error');
      expect(response.body.errors).toBeDefined();
    }
  });
});
