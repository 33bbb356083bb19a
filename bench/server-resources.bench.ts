import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { buildServer, SERVER_NODE_FLAGS } from '../scripts/build-server.js';
import { databaseUrl } from '../scripts/pg-cluster.js';
import type { ServerProcess } from '../server/src/test/server-process.js';
import { demoSeason, fmt, load, median, repeat, rssMiB, table, type Bench, type BenchContext } from './bench-kit.js';

/*
 * The server process itself, as `npm start` runs it (the compiled bundle, dist/server/main.js):
 * resident memory idle and under a mixed load (programme reads and bookings at once), and the
 * time from starting the process to its first answer (/readyz), on PGlite and on PostgreSQL, on
 * an empty database (migrations run) and on a current one.
 */

const LOAD_SECONDS = 10;
/** What a 1 GB VPS or a Raspberry Pi can give the PGlite server (the targets), MiB. */
const IDLE_TARGET_MIB = 250;
const LOADED_TARGET_MIB = 300;

/** VmRSS 3 s after /readyz: the median of five samples 200 ms apart. */
async function idleRss(server: ServerProcess): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 3000));
  return median(await repeat(5, async () => (await new Promise((r) => setTimeout(r, 200)), rssMiB(server.pid!))));
}

/** Median and peak VmRSS (sampled every 250 ms) under the mixed load, with its request rates. */
async function loadedRss(server: ServerProcess, performanceId: number) {
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(rssMiB(server.pid!)), 250);
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
  return { median: median(samples), peak: Math.max(...samples), reads: reads.requestsPerSecond, bookings: bookings.requestsPerSecond };
}

const LOAD_ENV = { THROTTLE_RESERVATION_CREATE: '10000000/hour' };

/**
 * PGlite: idle after the first start on a new data directory and after a restart on it, then
 * under the mixed load, each over `runs` starts (a new directory each time for the first start).
 */
async function pgliteMemory(ctx: BenchContext, freshDir: () => string) {
  const firstStart: number[] = [];
  const restart: number[] = [];
  const loaded: Awaited<ReturnType<typeof loadedRss>>[] = [];
  for (let run = 0; run < ctx.runs; run += 1) {
    // The demo season gives the load a performance to book; the seeding is part of the first start.
    const env = { DATA_DIR: freshDir(), SEED_DEMO: 'true', ...LOAD_ENV };
    const first = await ctx.startServer({ compiled: true, env });
    firstStart.push(await idleRss(first));
    await first.stop();
    const again = await ctx.startServer({ compiled: true, env });
    restart.push(await idleRss(again));
    const shows = (await (await fetch(`${again.base}/api/shows`)).json()) as { performances: { id: number; available_seats: number }[] }[];
    const performance = shows.flatMap((show) => show.performances).sort((a, b) => b.available_seats - a.available_seats)[0]!;
    loaded.push(await loadedRss(again, performance.id));
    await again.stop();
  }
  return { firstStart, restart, loaded };
}

async function emptyDatabase(ctx: BenchContext): Promise<string> {
  const name = `empty_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(ctx.cluster.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  return databaseUrl(ctx.cluster.url, name);
}

/** Milliseconds from spawn to the first 200 from /readyz, then the process is stopped. */
async function coldStart(ctx: BenchContext, options: { databaseUrl?: string; env?: Record<string, string> }): Promise<number> {
  const server = await ctx.startServer({ compiled: true, ...options });
  const ms = server.startedInMs;
  await server.stop();
  return ms;
}

async function startTimes(ctx: BenchContext, freshDir: () => string) {
  const pgliteEmpty = await repeat(ctx.runs, () => coldStart(ctx, { env: { DATA_DIR: freshDir() } }));
  const kept = freshDir();
  await coldStart(ctx, { env: { DATA_DIR: kept } });
  const pgliteCurrent = await repeat(ctx.runs, () => coldStart(ctx, { env: { DATA_DIR: kept } }));
  const pgEmpty = await repeat(ctx.runs, async () => coldStart(ctx, { databaseUrl: await emptyDatabase(ctx) }));
  const current = await ctx.freshDatabase('start');
  const pgCurrent = await repeat(ctx.runs, () => coldStart(ctx, { databaseUrl: current }));
  return { pgliteEmpty, pgliteCurrent, pgEmpty, pgCurrent };
}

const bench: Bench = {
  title: 'Server memory and start-up',
  order: 60,
  async run(ctx) {
    await buildServer();
    const dirs: string[] = [];
    const freshDir = () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'azl-pglite-'));
      dirs.push(dir);
      return dir;
    };
    try {
      return await measure(ctx, freshDir);
    } finally {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  },
};

async function measure(ctx: BenchContext, freshDir: () => string): Promise<string> {
  const { url, performanceId } = await demoSeason(ctx, 'memory');
  const pg = { idle: [] as number[], loaded: [] as Awaited<ReturnType<typeof loadedRss>>[] };
  for (let run = 0; run < ctx.runs; run += 1) {
    const server = await ctx.startServer({ compiled: true, databaseUrl: url, env: LOAD_ENV });
    pg.idle.push(await idleRss(server));
    pg.loaded.push(await loadedRss(server, performanceId));
    await server.stop();
  }
  const pglite = await pgliteMemory(ctx, freshDir);
  const starts = await startTimes(ctx, freshDir);

  const mib = (values: number[]) => fmt(median(values));
  const each = (values: number[]) => values.map((v) => fmt(v)).join(', ');
  const verdict = (value: number, target: number) => (value <= target ? `met (≤ ${target})` : `**not met** (> ${target})`);
  const pgliteLoaded = pglite.loaded.map((l) => l.median);
  const pglitePeak = pglite.loaded.map((l) => l.peak);
  const rate = (loaded: { reads: number; bookings: number }[]) =>
    `${fmt(median(loaded.map((l) => l.reads)))} reads/s, ${fmt(median(loaded.map((l) => l.bookings)))} bookings/s`;
  const row = (label: string, values: number[]) => [label, fmt(median(values)), each(values)];
  return [
    'Resident set size (VmRSS) of the server process as `npm start` runs it: the compiled bundle,',
    `\`node ${SERVER_NODE_FLAGS.join(' ')} dist/server/main.js\`. Idle is 3 s after \`/readyz\` answered (median of`,
    `five samples); loaded is the median of samples every 250 ms during ${LOAD_SECONDS} s of mixed load: GET /api/shows`,
    'on 40 connections and bookings on 10, at once. Each figure is the median over',
    `${ctx.runs} starts (each start in the last column). Targets for PGlite, the database of a first host`,
    `on a 1 GB VPS or a Raspberry Pi: ≤ ${IDLE_TARGET_MIB} MiB idle, ≤ ${LOADED_TARGET_MIB} MiB under load.`,
    '',
    table(
      ['MiB', 'median', 'each start', 'target'],
      [
        ['PGlite, idle after the first start (new data directory, demo data)', mib(pglite.firstStart), each(pglite.firstStart), verdict(median(pglite.firstStart), IDLE_TARGET_MIB)],
        ['PGlite, idle after a restart', mib(pglite.restart), each(pglite.restart), verdict(median(pglite.restart), IDLE_TARGET_MIB)],
        ['PGlite, under the mixed load', mib(pgliteLoaded), each(pgliteLoaded), verdict(median(pgliteLoaded), LOADED_TARGET_MIB)],
        ['PGlite, peak under the mixed load', mib(pglitePeak), each(pglitePeak), ''],
        ['PostgreSQL, idle', mib(pg.idle), each(pg.idle), ''],
        ['PostgreSQL, under the mixed load', mib(pg.loaded.map((l) => l.median)), each(pg.loaded.map((l) => l.median)), ''],
        ['PostgreSQL, peak under the mixed load', mib(pg.loaded.map((l) => l.peak)), each(pg.loaded.map((l) => l.peak)), ''],
      ],
    ),
    '',
    `Served under the load (medians): PGlite ${rate(pglite.loaded)}; PostgreSQL ${rate(pg.loaded)}.`,
    '',
    'Start-up: from spawning the compiled server to the first 200 from `/readyz` (database open,',
    'migrations applied, routes ready). On a new PGlite data directory a child process creates it',
    "(initdb and migrations) and exits, so initdb's memory leaves with it (server/src/db/first-start.ts).",
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
}

export default bench;
