import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPageSchema, type AuditEntryJson } from '../../../shared/src/audit-contracts.js';
import { AUDIT_ACTIONS } from '../../../shared/src/audit-details.js';
import { auditLog, type UserRole } from '../db/schema.js';
import { aConfirmedReservation, aPerformance, createTestContext, loggedIn, type TestContext } from '../test/harness.js';
import { aScanEvent } from '../test/scan-events.js';

let ctx: TestContext;
const staff = {} as Record<UserRole, { user: { id: number; email: string; displayName: string }; cookie: string }>;
beforeAll(async () => {
  ctx = await createTestContext();
  for (const role of ['admin', 'content', 'box_office', 'door'] as const) staff[role] = await loggedIn(ctx, role);
});
afterAll(() => ctx.close());

/** A page of the log, checked against its contract. */
async function entries(query: string): Promise<AuditEntryJson[]> {
  const response = await ctx.client.get(`/api/admin/audit?page_size=500&${query}`, { cookie: staff.admin.cookie });
  expect(response.status).toBe(200);
  return auditPageSchema.parse(response.body).items;
}

async function rawGet(path: string, cookie: string) {
  const response = await ctx.runtime.app.request(`http://localhost${path}`, { headers: { cookie } }, { incoming: { socket: { remoteAddress: '127.0.0.1' } } });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('structured audit details', () => {
  it('records show, venue and performance edits with names and before → after', async () => {
    const venue = await ctx.client.post('/api/admin/venues', { name: 'Sala Grande', capacity: 80 }, { cookie: staff.content.cookie });
    const show = await ctx.client.post('/api/admin/shows', { title: 'Il giardino dei ciliegi' }, { cookie: staff.content.cookie });
    const startsAt = new Date(Date.now() + 10 * 86_400_000);
    const created = await ctx.client.post(
      '/api/admin/performances',
      { show_id: show.body.id, venue_id: venue.body.id, starts_at: startsAt.toISOString() },
      { cookie: staff.content.cookie },
    );
    expect(created.status).toBe(201);
    const movedTo = new Date(startsAt.getTime() + 86_400_000);
    expect((await ctx.client.patch(`/api/admin/performances/${created.body.id}`, { starts_at: movedTo.toISOString() }, { cookie: staff.content.cookie })).status).toBe(200);
    expect((await ctx.client.patch(`/api/admin/shows/${show.body.id}`, { title: 'Il giardino' }, { cookie: staff.content.cookie })).status).toBe(200);
    expect((await ctx.client.patch(`/api/admin/shows/${show.body.id}`, { published: true }, { cookie: staff.content.cookie })).status).toBe(200);

    const [move] = await entries(`entity_type=performance&entity_id=${created.body.id}&action=performance.update`);
    expect(move!.details).toEqual({
      actor: { name: staff.content.user.displayName },
      performance: { id: created.body.id, starts_at: movedTo.toISOString(), show_id: show.body.id, show_title: 'Il giardino dei ciliegi', venue: 'Sala Grande' },
      changes: [{ field: 'starts_at', before: startsAt.toISOString(), after: movedTo.toISOString() }],
    });
    const showEntries = await entries(`entity_type=show&entity_id=${show.body.id}`);
    expect(showEntries.map((e) => [e.action, e.details?.show?.title, e.details?.changes])).toEqual([
      ['show.publish', 'Il giardino', [{ field: 'published', before: false, after: true }]],
      ['show.update', 'Il giardino', [{ field: 'title', before: 'Il giardino dei ciliegi', after: 'Il giardino' }]],
      ['show.create', 'Il giardino dei ciliegi', undefined],
    ]);
    const [venueEntry] = await entries(`entity_type=venue&entity_id=${venue.body.id}`);
    expect(venueEntry!.details?.venue).toEqual({ id: venue.body.id, name: 'Sala Grande' });
  });

  it('records reservations, check-ins online and offline, undo and cancel with code, seats and device', async () => {
    const { performance, show } = await aPerformance(ctx, { startsAt: new Date(Date.now() + 3_600_000) });
    const online = await aConfirmedReservation(ctx, performance.id, 2);
    const offline = await aConfirmedReservation(ctx, performance.id, 3);
    expect((await ctx.client.post('/api/check-ins/confirm', { token: online.rawCheckInToken }, { cookie: staff.door.cookie })).status).toBe(200);
    const device = await ctx.client.post('/api/door/devices', { name: 'Door 2' }, { cookie: staff.door.cookie });
    const scannedAt = new Date();
    const synced = await ctx.client.post(
      '/api/door/sync',
      { device_id: device.body.id, events: [aScanEvent(performance.id, offline.rawCheckInToken, scannedAt)] },
      { cookie: staff.door.cookie },
    );
    expect(synced.status).toBe(200);
    const undo = await ctx.client.request('DELETE', `/api/admin/check-ins/${online.reservation.id}`, { reason: 'wrong guest' }, { cookie: staff.box_office.cookie });
    expect(undo.status).toBe(200);
    expect((await ctx.client.post(`/api/admin/reservations/${offline.reservation.id}/cancel`, undefined, { cookie: staff.box_office.cookie })).status).toBeLessThan(300);

    const subjects = (code: string | null, seats: number, id: number) => ({
      reservation: { id, code, seats },
      performance: { id: performance.id, starts_at: performance.startsAt.toISOString(), show_id: show.id, show_title: show.title },
    });
    const onlineTrail = await entries(`entity_type=reservation&entity_id=${online.reservation.id}`);
    expect(onlineTrail.map((e) => e.action)).toEqual(['check_in.undo', 'check_in.create', 'reservation.confirm', 'reservation.create']);
    expect(onlineTrail[3]!.details).toEqual({ ...subjects(null, 2, online.reservation.id), seats: 2, source: 'public' });
    expect(onlineTrail[1]!.details).toEqual({ ...subjects(online.reservation.code, 2, online.reservation.id), actor: { name: staff.door.user.displayName }, seats: 2, mode: 'online' });
    expect(onlineTrail[0]!.details).toMatchObject({ reason: 'wrong guest', mode: 'online', checked_in_at: expect.any(String), actor: { name: staff.box_office.user.displayName } });

    const offlineTrail = await entries(`entity_type=reservation&entity_id=${offline.reservation.id}`);
    expect(offlineTrail.map((e) => e.action)).toEqual(['reservation.cancel', 'check_in.create', 'reservation.confirm', 'reservation.create']);
    expect(offlineTrail[1]!.details).toEqual({
      ...subjects(offline.reservation.code, 3, offline.reservation.id),
      actor: { name: staff.door.user.displayName },
      seats: 3,
      mode: 'offline',
      scanned_at: scannedAt.toISOString(),
      synced_at: expect.any(String),
      device: { id: device.body.id, name: 'Door 2' },
    });
    expect(offlineTrail[0]!.details).toMatchObject({ seats: 3, previous_status: 'confirmed', changes: [{ field: 'status', before: 'confirmed', after: 'cancelled' }] });

    const [registered] = await entries(`action=device.register&user_id=${staff.door.user.id}`);
    expect(registered!.details).toEqual({ actor: { name: staff.door.user.displayName }, device: { id: device.body.id, name: 'Door 2' } });
  });

  it('records a reservation change as fields before → after, a move as the two performances', async () => {
    const from = await aPerformance(ctx);
    const ticket = await aConfirmedReservation(ctx, from.performance.id, 2);
    const edited = await ctx.client.patch(`/api/admin/reservations/${ticket.reservation.id}`, { party_size: 3, phone: '+39 333 111 2222' }, { cookie: staff.box_office.cookie });
    expect(edited.status).toBe(200);
    const [change] = await entries(`entity_type=reservation&entity_id=${ticket.reservation.id}&action=reservation.update`);
    expect(change!.details?.changes).toEqual([
      { field: 'phone', before: null, after: '+39 333 111 2222' },
      { field: 'party_size', before: 2, after: 3 },
    ]);
  });
});

describe('audit filters', () => {
  /** Rows of a made-up entity type, at known times. */
  async function seed() {
    const type = `test_${Math.random().toString(36).slice(2, 8)}`;
    const at = (iso: string) => new Date(iso);
    await ctx.services.database.db.insert(auditLog).values([
      { at: at('2030-03-09T22:30:00Z'), action: 'thing.a', entityType: type, entityId: 1, actorUserId: staff.admin.user.id }, // 23:30 on the 9th in Rome
      { at: at('2030-03-09T23:30:00Z'), action: 'thing.a', entityType: type, entityId: 1, actorUserId: null }, // 00:30 on the 10th in Rome
      { at: at('2030-03-10T21:00:00Z'), action: 'thing.b', entityType: type, entityId: 2, actorUserId: staff.content.user.id },
      { at: at('2030-03-10T23:10:00Z'), action: 'thing.b', entityType: type, entityId: 2, actorUserId: null }, // the 11th in Rome
    ]);
    return type;
  }

  it('filters by date range (days in the theatre zone, both included), alone and with the others', async () => {
    const type = await seed();
    const times = async (query: string) => (await entries(`entity_type=${type}&${query}`)).map((e) => e.at);
    expect(await times('from=2030-03-10&to=2030-03-10')).toEqual(['2030-03-10T21:00:00.000Z', '2030-03-09T23:30:00.000Z']);
    expect(await times('from=2030-03-11')).toEqual(['2030-03-10T23:10:00.000Z']);
    expect(await times('to=2030-03-09')).toEqual(['2030-03-09T22:30:00.000Z']);
    expect(await times(`from=2030-03-09&to=2030-03-10&user_id=${staff.content.user.id}`)).toEqual(['2030-03-10T21:00:00.000Z']);
    expect(await times('from=2030-03-10&action=thing.a&entity_id=1')).toEqual(['2030-03-09T23:30:00.000Z']);
    const page = await ctx.client.get(`/api/admin/audit?entity_type=${type}&page_size=1&page=2&from=2030-03-09`, { cookie: staff.admin.cookie });
    expect(page.body).toMatchObject({ total: 4, page: 2, page_size: 1, items: [{ at: '2030-03-10T21:00:00.000Z' }] });
  });

  it('answers 400 to a bad date or language', async () => {
    for (const query of ['from=2030-3-1', 'to=tomorrow', 'from=2030-03-10T00:00']) {
      const response = await ctx.client.get(`/api/admin/audit?${query}`, { cookie: staff.admin.cookie });
      expect(response.status, query).toBe(400);
      expect(response.body.status).toBe('validation_error');
    }
    const response = await ctx.client.get('/api/admin/audit/export.csv?lang=de', { cookie: staff.admin.cookie });
    expect(response.status).toBe(400);
  });
});

describe('audit export', () => {
  it.each(['csv', 'xlsx'])('%s is for admins only', async (format) => {
    for (const role of ['content', 'box_office', 'door'] as const) {
      expect((await rawGet(`/api/admin/audit/export.${format}`, staff[role].cookie)).status).toBe(403);
    }
  });

  it('exports the filtered log as sentences, in Italian with ; and in English with ,', async () => {
    const venue = await ctx.client.post('/api/admin/venues', { name: '=Sala Export', capacity: 20 }, { cookie: staff.content.cookie });
    await ctx.client.patch(`/api/admin/venues/${venue.body.id}`, { capacity: 25 }, { cookie: staff.content.cookie });
    const query = `entity_type=venue&entity_id=${venue.body.id}`;

    const it_ = await rawGet(`/api/admin/audit/export.csv?${query}`, staff.admin.cookie);
    expect(it_.status).toBe(200);
    expect(it_.headers.get('content-disposition')).toBe('attachment; filename="registro-attivita.csv"');
    const text = it_.bytes.toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split('\r\n');
    expect(lines[0]).toBe('Quando;Chi;Voce;Tipo;Numero');
    expect(lines).toHaveLength(3);
    // The venue's name starts with "=": it stays text, never a formula.
    expect(lines[1]).toMatch(/ha modificato la sala .*=Sala Export: capienza 20 → 25/);
    expect(lines[2]).toMatch(/ha aggiunto la sala .*=Sala Export/);

    const en = (await rawGet(`/api/admin/audit/export.csv?${query}&lang=en`, staff.admin.cookie)).bytes.toString('utf8');
    expect(en.slice(1).split('\r\n')[0]).toBe('When,Who,Entry,Type,Number');
    expect(en).toContain('changed the venue =Sala Export: capacity 20 → 25');

    const xlsx = await rawGet(`/api/admin/audit/export.xlsx?${query}&lang=en`, staff.admin.cookie);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('Audit log');
    expect(sheet.getRow(1).values).toEqual([undefined, 'When', 'Who', 'Entry', 'Type', 'Number']);
    const row = sheet.getRow(2);
    expect(row.getCell(1).value).toBeInstanceOf(Date);
    expect(row.getCell(2).value).toBe(staff.content.user.displayName);
    expect(row.getCell(3).value).toBe(`${staff.content.user.displayName} changed the venue =Sala Export: capacity 20 → 25`);
    expect(row.getCell(4).value).toBe('Venue');
    expect(row.getCell(5).value).toBe(venue.body.id);
    expect(sheet.getRow(3).getCell(3).value).toBe(`${staff.content.user.displayName} added the venue =Sala Export`);
    expect(sheet.rowCount).toBe(3);
  });

  it('never shows an action code or key=value in the export', async () => {
    const text = (await rawGet('/api/admin/audit/export.csv?lang=en', staff.admin.cookie)).bytes.toString('utf8');
    for (const action of AUDIT_ACTIONS) expect(text).not.toContain(action);
    expect(text).not.toMatch(/\b[a-z_]+=\S/);
  });
});
