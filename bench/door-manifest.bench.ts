import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { openDatabase, type Database } from '../server/src/db/client.js';
import type { Manifest } from '../shared/src/manifest.js';
import { aPerformanceWithTickets } from '../server/src/test/bulk-tickets.js';
import { staffLogin } from '../server/src/test/staff-login.js';
import { fmt, median, repeat, table, type Bench } from './bench-kit.js';

/*
 * What a door device downloads and uploads for a full house: the signed manifest of a
 * 2,000-seat performance (2,000 single-seat tickets, the most entries a 2,000-seat house can
 * have), raw and compressed, the delta after 50 changes, and the sync of 2,000 queued scans in
 * the door app's batches of 500. Over HTTP against the real server on PostgreSQL.
 */

const SEATS = 2000;
const CHANGES = 50;
const SYNC_BATCH = 500; // the door app's batch (pwa/src/door/sync/outbox-sync.ts)

interface Fetched {
  status: number;
  /** Bytes on the wire (compressed if the server compressed). */
  bytes: number;
  body: string;
  ms: number;
}

/** A GET that counts the bytes as sent (fetch would decompress them first). */
function get(url: string, headers: Record<string, string>): Promise<Fetched> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const raw = Buffer.concat(chunks);
          resolve({ status: response.statusCode ?? 0, bytes: raw.byteLength, body: response.headers['content-encoding'] ? '' : raw.toString('utf8'), ms: performance.now() - t0 });
        });
      })
      .on('error', reject);
  });
}

async function post(url: string, cookie: string, origin: string, body: unknown) {
  const response = await fetch(url, { method: 'POST', headers: { cookie, origin, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
}

const kb = (bytes: number) => `${fmt(bytes / 1024)} KiB`;

async function fullHouse(database: Database) {
  return aPerformanceWithTickets(database.db, { tickets: SEATS, startsAt: new Date(Date.now() + 3_600_000) });
}

const bench: Bench = {
  title: 'Door manifest and sync',
  order: 30,
  async run(ctx) {
    const url = await ctx.freshDatabase('door');
    const database = await openDatabase({ databaseUrl: url });
    try {
      const server = await ctx.startServer({ databaseUrl: url, env: { THROTTLE_CHECK_IN_CONFIRM: '1000000/hour' } });
      const base = server.base;
      const door = await staffLogin(database, base, 'door');
      const boxOffice = await staffLogin(database, base, 'box_office');
      const { performanceId, tickets } = await fullHouse(database);
      const manifestUrl = `${base}/api/door/performances/${performanceId}/manifest`;
      const plain = { cookie: door, 'accept-encoding': 'identity' };
      const gzip = { cookie: door, 'accept-encoding': 'gzip' };

      const full = await repeat(ctx.runs * 2, () => get(manifestUrl, plain));
      const fullGzip = await repeat(ctx.runs * 2, () => get(manifestUrl, gzip));
      if (full.some((f) => f.status !== 200)) throw new Error(`manifest: ${full.map((f) => f.status).join(', ')}`);
      const seq = (JSON.parse(full[0]!.body) as Manifest).seq;

      // 50 changes: 25 cancellations by the box office, 25 check-ins synced from a door device.
      for (const ticket of tickets.slice(0, CHANGES / 2)) await post(`${base}/api/admin/reservations/${ticket.reservationId}/cancel`, boxOffice, base, {});
      const device = (await post(`${base}/api/door/devices`, door, base, { name: 'Porta bench' })).id as string;
      const scans = tickets.slice(CHANGES / 2, CHANGES).map((t) => ({
        id: randomUUID(),
        performance_id: performanceId,
        token_hash: t.tokenHash,
        scanned_at: new Date().toISOString(),
        clock_offset_ms: 0,
      }));
      await post(`${base}/api/door/sync`, door, base, { device_id: device, events: scans });
      const delta = await repeat(ctx.runs * 2, () => get(`${manifestUrl}?since=${seq}`, plain));
      const deltaGzip = await get(`${manifestUrl}?since=${seq}`, gzip);
      const deltaDoc = JSON.parse(delta[0]!.body) as Manifest;
      if (deltaDoc.type !== 'delta') throw new Error(`expected a delta since ${seq}, got ${delta[0]!.status} ${delta[0]!.body.slice(0, 200)}`);

      // 2,000 queued scans of a fresh full house, sent as the door app sends them.
      const syncs = await repeat(ctx.runs, async () => {
        const house = await fullHouse(database);
        const events = house.tickets.map((t) => ({
          id: randomUUID(),
          performance_id: house.performanceId,
          token_hash: t.tokenHash,
          scanned_at: new Date(Date.now() - 60_000).toISOString(),
          clock_offset_ms: 0,
        }));
        const t0 = performance.now();
        for (let i = 0; i < events.length; i += SYNC_BATCH) {
          const answer = await post(`${base}/api/door/sync`, door, base, { device_id: device, events: events.slice(i, i + SYNC_BATCH) });
          if ((answer.results as unknown[]).length !== Math.min(SYNC_BATCH, events.length - i)) throw new Error('sync answered for fewer events');
        }
        return performance.now() - t0;
      });
      const syncMs = median(syncs);

      return [
        `One performance with ${fmt(SEATS)} single-seat confirmed tickets (each entry: ticket hash, seats, code hash, sealed`,
        `guest name). Times are client-side round trips on loopback, medians of ${ctx.runs * 2} requests.`,
        '',
        table(
          ['', 'bytes raw', 'bytes gzip (as sent)', 'time raw ms', 'time gzip ms'],
          [
            [`full manifest, ${fmt(SEATS)} seats`, kb(full[0]!.bytes), kb(fullGzip[0]!.bytes), fmt(median(full.map((f) => f.ms))), fmt(median(fullGzip.map((f) => f.ms)))],
            [
              `delta after ${CHANGES} changes (${deltaDoc.revoked.length} revoked, ${deltaDoc.upserts.length} upserts)`,
              kb(delta[0]!.bytes),
              kb(deltaGzip.bytes),
              fmt(median(delta.map((f) => f.ms))),
              fmt(deltaGzip.ms),
            ],
          ],
        ),
        '',
        `The delta is ${fmt((delta[0]!.bytes / full[0]!.bytes) * 100, 1)} % of the full manifest. The changes were ${CHANGES / 2} cancellations`,
        `by the box office and ${CHANGES / 2} check-ins synced from a door device. Compression saves less than on`,
        'text: most of an entry is random bytes (the ticket hash, the code hash and the sealed name).',
        '',
        `Sync of ${fmt(SEATS)} queued scans (one per ticket, all admitted) in batches of ${SYNC_BATCH}, as the door app sends`,
        `them: ${fmt(syncMs)} ms, ${fmt((SEATS / syncMs) * 1000)} events/s (median of ${ctx.runs}: ${syncs.map((s) => fmt(s)).join(', ')} ms).`,
      ].join('\n');
    } finally {
      await database.close();
    }
  },
};

export default bench;
