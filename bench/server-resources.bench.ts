import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { databaseUrl } from '../scripts/pg-cluster.js';
import { demoSeason, fmt, load, median, repeat, rssMiB, table, type Bench, type BenchContext } from './bench-kit.js';

/*
 * The server process itself: resident memory idle and under a mixed load (programme reads and
 * bookings at once), and the time from starting the process to its first answer (/readyz),
 * on PGlite and on PostgreSQL, on an empty database (migrations run) and on a current one.
 */

const LOAD_SECONDS = 10;

async function emptyDatabase(ctx: BenchContext): Promise<string> {
  const name = `empty_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(ctx.cluster.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  return databaseUrl(ctx.cluster.url, name);
}

/** Milliseconds from spawn to the first 200 from /readyz, then the process is stopped. */
async function coldStart(ctx: BenchContext, options: { databaseUrl?: string; env?: Record<string, string> }): Promise<number> {
  const server = await ctx.startServer(options);
  const ms = server.startedInMs;
  await server.stop();
  return ms;
}

async function startTimes(ctx: BenchContext) {
  const dirs: string[] = [];
  const freshDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'azl-pglite-'));
    dirs.push(dir);
    return dir;
  };
  try {
    const pgliteEmpty = await repeat(ctx.runs, () => coldStart(ctx, { env: { DATA_DIR: freshDir() } }));
    const kept = freshDir();
    await coldStart(ctx, { env: { DATA_DIR: kept } });
    const pgliteCurrent = await repeat(ctx.runs, () => coldStart(ctx, { env: { DATA_DIR: kept } }));
    const pgEmpty = await repeat(ctx.runs, async () => coldStart(ctx, { databaseUrl: await emptyDatabase(ctx) }));
    const current = await ctx.freshDatabase('start');
    const pgCurrent = await repeat(ctx.runs, () => coldStart(ctx, { databaseUrl: current }));
    return { pgliteEmpty, pgliteCurrent, pgEmpty, pgCurrent };
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

const bench: Bench = {
  title: 'Server memory and start-up',
  order: 60,
  async run(ctx) {
    const { url, performanceId } = await demoSeason(ctx, 'memory');
    const server = await ctx.startServer({ databaseUrl: url, env: { THROTTLE_RESERVATION_CREATE: '10000000/hour' } });
    const pid = server.pid!;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idle = median(await repeat(5, async () => (await new Promise((r) => setTimeout(r, 200)), rssMiB(pid))));

    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(rssMiB(pid)), 250);
    let guest = 0;
    const [reads, bookings] = await Promise.all([
      load({ url: `${server.base}/api/shows`, connections: 40, duration: LOAD_SECONDS }),
      load({
        url: `${server.base}/api/performances/${performanceId}/reservations`,
        method: 'POST',
        connections: 10,
        duration: LOAD_SECONDS,
        headers: { 'content-type': 'application/json' },
        body: () => JSON.stringify({ name: 'Ospite', email: `carico${(guest += 1)}@example.com`, party_size: 1 }),
      }),
    ]);
    clearInterval(sampler);
    await server.stop();

    const starts = await startTimes(ctx);
    const row = (label: string, values: number[]) => [label, fmt(median(values)), values.map((v) => fmt(v)).join(', ')];
    return [
      `Resident set size (VmRSS) of the server process on PostgreSQL: idle ${fmt(idle)} MiB (3 s after start);`,
      `under ${LOAD_SECONDS} s of mixed load (GET /api/shows on 40 connections, ${fmt(reads.requestsPerSecond)}/s, and bookings on 10,`,
      `${fmt(bookings.requestsPerSecond)}/s, at once) median ${fmt(median(samples))} MiB, peak ${fmt(Math.max(...samples))} MiB.`,
      '',
      'Start-up: from spawning `node --import tsx server/src/main.ts` to the first 200 from `/readyz`',
      '(database open, migrations applied, routes ready). tsx transpiles the TypeScript at start; its cache',
      'is warm after the first start, as on a server that restarts.',
      '',
      table(
        ['', `median ms (${ctx.runs} starts)`, 'each start ms'],
        [
          row('PGlite, new data directory (all migrations)', starts.pgliteEmpty),
          row('PGlite, existing data directory', starts.pgliteCurrent),
          row('PostgreSQL, empty database (all migrations)', starts.pgEmpty),
          row('PostgreSQL, migrated database', starts.pgCurrent),
        ],
      ),
    ].join('\n');
  },
};

export default bench;
