import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { PgCluster } from '../scripts/pg-cluster.js';
import { openDatabase } from '../server/src/db/client.js';
import { performances } from '../server/src/db/schema.js';
import { seedDemoData } from '../server/src/db/seed-demo.js';
import { ServerProcess, type ServerProcessOptions } from '../server/src/test/server-process.js';

/*
 * What every benchmark gets from `npm run bench` (scripts/bench.ts): the throwaway PostgreSQL,
 * fresh migrated databases, the real server as a child process, and small statistics helpers.
 * A benchmark file `bench/<name>.bench.ts` default-exports a `Bench`; its `run` returns the
 * markdown of its section (without the `## title` heading, which the runner writes).
 */

export interface LatencySeries {
  label: string;
  p50: number;
  p90: number;
  p99: number;
}

export interface BenchContext {
  cluster: PgCluster;
  /** How many times each measurement is repeated; sections quote the median. */
  runs: number;
  /** A new database copied from the migrated template: its URL. */
  freshDatabase(prefix: string): Promise<string>;
  /** The real server (server/src/main.ts) as a child process; stopped by the runner at the end. */
  startServer(options: ServerProcessOptions): Promise<ServerProcess>;
  /** Adds a row to the latency chart of the benchmarks doc (milliseconds). */
  chart(series: LatencySeries): void;
  log(message: string): void;
}

export interface Bench {
  title: string;
  /** Sections are written in this order (then by file name). */
  order?: number;
  run(ctx: BenchContext): Promise<string>;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (values: number[]) => percentile(values, 50);

/** Runs `measure` `runs` times, one after the other. */
export async function repeat<T>(runs: number, measure: (run: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let run = 0; run < runs; run += 1) results.push(await measure(run));
  return results;
}

/** The run whose `key` is the median one (so its other numbers belong together). */
export function medianRun<T>(results: T[], key: (result: T) => number): T {
  const sorted = [...results].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Resident set size of a process, in MiB, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** autocannon reports latency in whole milliseconds: below one it says 0. */
export const latencyMs = (value: number) => (value < 1 ? '< 1' : fmt(value));

/** Numbers for people: 1234.5 → "1,235", 12.345 → "12.3", 0.1234 → "0.123". */
export function fmt(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3);
  return value.toLocaleString('en-GB', { minimumFractionDigits: d, maximumFractionDigits: d });
}

export const ratio = (value: number, baseline: number) => (baseline > 0 ? `${fmt((value / baseline) * 100, 1)} %` : 'n/a');

export function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  /** Answers outside 2xx, and connection errors or timeouts. */
  non2xx: number;
  errors: number;
  total: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds, or a fixed number of requests with `amount`. */
  duration?: number;
  amount?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A new body per request (each request may need its own token). */
  body?: () => string;
}

/** autocannon, from this process (the load generator shares the machine's two cores). */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const body = options.body;
  const t0 = performance.now();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.duration ?? 5 }),
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(body && { requests: [{ setupRequest: (request) => ({ ...request, body: body() }) }] }),
  });
  // Completed requests over our own wall time: autocannon's start/finish and per-second
  // averages move in whole seconds, too coarse for a run of a few seconds.
  const seconds = (performance.now() - t0) / 1000;
  const answered = result.requests.total;
  return {
    requestsPerSecond: answered / seconds,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: answered,
  };
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc (Linux, 100 ticks/s). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs `measure` and returns its result with the CPU seconds `pid` spent meanwhile. */
export async function withCpu<T>(pid: number, measure: () => Promise<T>): Promise<{ result: T; cpu: number }> {
  const before = cpuSeconds(pid);
  const result = await measure();
  return { result, cpu: cpuSeconds(pid) - before };
}

/** A fresh database with the demo season (shows, performances, a few bookings): its URL and one performance. */
export async function demoSeason(ctx: BenchContext, prefix: string): Promise<{ url: string; performanceId: number }> {
  const url = await ctx.freshDatabase(prefix);
  const database = await openDatabase({ databaseUrl: url });
  try {
    await seedDemoData(database, 'Europe/Rome');
    const [first] = await database.db.select({ id: performances.id }).from(performances).limit(1);
    return { url, performanceId: first!.id };
  } finally {
    await database.close();
  }
}
