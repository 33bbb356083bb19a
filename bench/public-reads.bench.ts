import { demoSeason, fmt, latencyMs, load, median, medianRun, ratio, table, withCpu, type Bench, type LoadResult } from './bench-kit.js';

/*
 * The public programme as visitors read it: GET /api/shows and GET /api/performances/:id on the
 * real server (PostgreSQL, the demo season), against a bare Hono route returning a constant
 * JSON document, started the same way (node + tsx, @hono/node-server) and loaded the same way.
 * Runs alternate between the three targets, so drift in the machine's load hits all of them.
 */

const CONNECTIONS = 50;
const SECONDS = 5;

const bench: Bench = {
  title: 'Public reads',
  order: 20,
  async run(ctx) {
    const { url, performanceId } = await demoSeason(ctx, 'reads');
    const bare = await ctx.startServer({ entry: 'bench/bare-hono-server.ts', readyPath: '/constant' });
    const app = await ctx.startServer({ databaseUrl: url });
    // The same server with the public read cache off: every request reads PostgreSQL.
    const uncached = await ctx.startServer({ databaseUrl: url, env: { PUBLIC_CACHE_TTL: '0' } });
    const targets = [
      { label: 'bare Hono route, constant JSON', url: `${bare.base}/constant`, pid: bare.pid! },
      { label: 'GET /api/shows', url: `${app.base}/api/shows`, pid: app.pid! },
      { label: 'GET /api/performances/:id', url: `${app.base}/api/performances/${performanceId}`, pid: app.pid! },
      { label: 'GET /api/shows, cache off', url: `${uncached.base}/api/shows`, pid: uncached.pid! },
      { label: 'GET /api/performances/:id, cache off', url: `${uncached.base}/api/performances/${performanceId}`, pid: uncached.pid! },
    ];
    const sizes = await Promise.all(targets.map(async (t) => (await (await fetch(t.url)).arrayBuffer()).byteLength));
    const results: LoadResult[][] = targets.map(() => []);
    const cpuMs: number[][] = targets.map(() => []);
    for (let run = 0; run < ctx.runs; run += 1) {
      for (const [i, target] of targets.entries()) {
        const { result, cpu } = await withCpu(target.pid, () => load({ url: target.url, connections: CONNECTIONS, duration: SECONDS }));
        cpuMs[i]!.push((cpu * 1000) / Math.max(1, result.total));
        if (result.non2xx > 0 || result.errors > 0) throw new Error(`${target.label}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        results[i]!.push(result);
      }
    }
    const baseline = median(results[0]!.map((r) => r.requestsPerSecond));
    const rows = targets.map((target, i) => {
      const rps = median(results[i]!.map((r) => r.requestsPerSecond));
      const typical = medianRun(results[i]!, (r) => r.requestsPerSecond);
      ctx.chart({ label: target.label, p50: typical.p50, p90: typical.p90, p99: typical.p99 });
      return [target.label, fmt(sizes[i]!), fmt(rps), latencyMs(typical.p50), latencyMs(typical.p99), fmt(median(cpuMs[i]!)), i === 0 ? '100 %' : ratio(rps, baseline)];
    });
    return [
      `autocannon, ${CONNECTIONS} connections, ${SECONDS} s per run, ${ctx.runs} runs per target (alternating); requests per second`,
      'is the median of the runs, latencies are those of the median run (autocannon counts whole',
      'milliseconds). Every answer was a 200.',
      '',
      table(['', 'bytes', 'requests/s', 'p50 ms', 'p99 ms', 'server CPU ms per request', 'share of the bare route'], rows),
      '',
      'The API answers go through the middleware every API request passes (request id and log line,',
      'security headers, no-store, body limit, origin check, session lookup with no cookie). With the',
      'default `PUBLIC_CACHE_TTL=1s`, concurrent and repeated readers share one database read per',
      'second per answer (a microcache; any write through the instance clears it, and booking never',
      'reads seats from it). With the cache off, each request is two SQL queries (shows, then',
      'performances with their seat counts as indexed subqueries), and on this two-core machine,',
      'shared with the load generator and PostgreSQL, each round trip to PostgreSQL waits for a core,',
      'which the bare route, answering from memory, never does. The CPU column is the server',
      "process's own work per request, the part that would not shrink on an idle machine.",
    ].join('\n');
  },
};

export default bench;
