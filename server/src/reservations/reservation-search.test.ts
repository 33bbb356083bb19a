import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservationListSchema } from '../../../shared/src/reservation-change-contracts.js';
import { aPerformance, createTestContext, loggedIn, type TestContext } from '../test/harness.js';

/*
 * How the box office finds a guest: by the code on the ticket (typed with or without its dash,
 * in any case), by a name or address typed without accents, by a few digits of the phone.
 */

let ctx: TestContext;
let cookie: string;
beforeAll(async () => {
  ctx = await createTestContext();
  cookie = (await loggedIn(ctx, 'box_office')).cookie;
});
afterAll(() => ctx.close());

async function book(performanceId: number, guest: { name: string; email?: string; phone?: string | null; party_size?: number; confirm?: boolean }) {
  const created = await ctx.services.bookings.create(performanceId, {
    name: guest.name,
    email: guest.email ?? `guest-${randomBytes(4).toString('hex')}@example.com`,
    phone: guest.phone ?? null,
    notes: null,
    party_size: guest.party_size ?? 1,
  });
  if (guest.confirm === false) return { id: created.reservation.id, code: null };
  const confirmed = await ctx.services.bookings.confirm(created.rawConfirmationToken);
  return { id: confirmed.reservation.id, code: (await detail(confirmed.reservation.id)).code as string };
}

const detail = async (id: number) => (await ctx.client.get(`/api/admin/reservations/${id}`, { cookie })).body;

async function search(performanceId: number, query: Record<string, string>) {
  const response = await ctx.client.get(`/api/admin/reservations?${new URLSearchParams({ performance_id: String(performanceId), ...query })}`, { cookie });
  expect(response.status).toBe(200);
  return reservationListSchema.parse(response.body);
}
const idsFound = async (performanceId: number, q: string) => (await search(performanceId, { q })).items.map((r) => r.id);

describe('GET /api/admin/reservations?q=', () => {
  it('finds a reservation by its code with or without the dash, in any case', async () => {
    const { performance } = await aPerformance(ctx);
    const mine = await book(performance.id, { name: 'Giulia Verdi' });
    await book(performance.id, { name: 'Marco Neri' });
    expect(mine.code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    const code = mine.code!;
    for (const q of [code, code.toLowerCase(), code.replace('-', ''), code.replace('-', '').toLowerCase(), ` ${code.slice(0, 6)} `]) {
      expect(await idsFound(performance.id, q), q).toEqual([mine.id]);
    }
    // The code is on every row of the list and on the detail page.
    const listed = await search(performance.id, {});
    expect(listed.items.find((r) => r.id === mine.id)?.code).toBe(code);
    expect(listed.items.every((r) => r.code !== null)).toBe(true);
    expect((await detail(mine.id)).code).toBe(code);
  });

  it('finds names and emails regardless of accents and case', async () => {
    const { performance } = await aPerformance(ctx);
    const niccolo = await book(performance.id, { name: 'Niccolò Ñúñez', email: 'niccolò@example.com' });
    const other = await book(performance.id, { name: 'Nicola Rossi', email: 'nicola@example.com' });
    expect(await idsFound(performance.id, 'niccolo')).toEqual([niccolo.id]);
    expect(await idsFound(performance.id, 'NICCOLÒ')).toEqual([niccolo.id]);
    expect(await idsFound(performance.id, 'nunez')).toEqual([niccolo.id]);
    expect(await idsFound(performance.id, 'niccolo@')).toEqual([niccolo.id]);
    expect(await idsFound(performance.id, 'nicola@example')).toEqual([other.id]);
    expect((await idsFound(performance.id, 'nic')).sort()).toEqual([niccolo.id, other.id].sort());
  });

  it('finds phone numbers by their digits', async () => {
    const { performance } = await aPerformance(ctx);
    const caller = await book(performance.id, { name: 'Anna Blu', phone: '+39 06 1234 5678' });
    await book(performance.id, { name: 'Carlo Bianco', phone: '+39 02 9876 5432' });
    expect(await idsFound(performance.id, '06 1234')).toEqual([caller.id]);
    expect(await idsFound(performance.id, '0612345678')).toEqual([caller.id]);
    expect(await idsFound(performance.id, '(06) 1234-56')).toEqual([caller.id]);
    expect(await idsFound(performance.id, '+39 06')).toEqual([caller.id]);
  });

  it('finds pending reservations (no code yet) by name, and treats % and _ as plain characters', async () => {
    const { performance } = await aPerformance(ctx);
    const pending = await book(performance.id, { name: 'Teresa 100%', confirm: false });
    const tommaso = await book(performance.id, { name: 'Tommaso_X' });
    expect(await idsFound(performance.id, 'teresa')).toEqual([pending.id]);
    expect(await idsFound(performance.id, '100%')).toEqual([pending.id]);
    expect(await idsFound(performance.id, '%')).toEqual([pending.id]);
    expect(await idsFound(performance.id, '_')).toEqual([tommaso.id]);
    expect(await idsFound(performance.id, '\u0301')).toEqual([]);
  });
});

describe('GET /api/admin/reservations?sort=', () => {
  it('lists the newest first by default, then by name ignoring accents, or by party size', async () => {
    const { performance } = await aPerformance(ctx, { capacity: 100 });
    const bruno = await book(performance.id, { name: 'bruno Ferri', party_size: 3, confirm: false });
    const zeno = await book(performance.id, { name: 'Zeno Cosini', party_size: 2 });
    const adele = await book(performance.id, { name: 'Adele Fo', party_size: 5 });
    const elodie = await book(performance.id, { name: 'Élodie Martin', party_size: 5 });

    const order = async (sort?: string) => (await search(performance.id, sort ? { sort } : {})).items.map((r) => r.id);
    expect(await order()).toEqual([elodie.id, adele.id, zeno.id, bruno.id]);
    expect(await order('newest')).toEqual([elodie.id, adele.id, zeno.id, bruno.id]);
    expect(await order('name')).toEqual([adele.id, bruno.id, elodie.id, zeno.id]);
    // Largest parties first; equal ones by name.
    expect(await order('party_size')).toEqual([adele.id, elodie.id, bruno.id, zeno.id]);
    // Filters still apply with a sort.
    expect((await search(performance.id, { sort: 'name', status: 'pending' })).items.map((r) => r.id)).toEqual([bruno.id]);
  });

  it('refuses an unknown sort or an over-long query with validation_error', async () => {
    for (const query of ['sort=price', 'sort=', `q=${'x'.repeat(121)}`]) {
      const response = await ctx.client.get(`/api/admin/reservations?${query}`, { cookie });
      expect(response.status, query).toBe(400);
      expect(response.body.status).toBe('validation_error');
    }
  });
});
