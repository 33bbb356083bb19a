import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bench, BenchContext, LatencySeries } from '../bench/bench-kit.js';
import { latencyChartSvg } from '../bench/latency-chart.js';
import { createTemplateDatabase, databaseFromTemplate } from '../server/src/test/pg-global-setup.js';
import { ServerProcess } from '../server/src/test/server-process.js';
import { benchmarksDoc, type Section } from './bench-doc.js';
import { startPgCluster } from './pg-cluster.js';

/**
 * `npm run bench`: starts a throwaway PostgreSQL, runs every `bench/*.bench.ts` (or the ones
 * named on the command line: `npm run bench -- manifest`), and writes docs/benchmarks.md with
 * the machine's description, each benchmark's section and a latency chart
 * (docs/benchmarks-latency.svg). A `## ` section of the existing doc that this run does not
 * write is kept as it is: one written by hand, or one whose benchmark did not run this time
 * (not named on the command line, or its file is missing). Inside a section that is measured
 * again, text between `<!-- hand-written -->` and `<!-- /hand-written -->` is kept too.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const docPath = path.join(root, 'docs', 'benchmarks.md');
const chartPath = path.join(root, 'docs', 'benchmarks-latency.svg');
const only = process.argv.slice(2);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function machine(pgBinDir: string): string {
  const cpus = os.cpus();
  const pgVersion = execFileSync(path.join(pgBinDir, 'postgres'), ['--version']).toString().trim();
  const [load1] = os.loadavg();
  return [
    `- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `- CPU: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores (load average ${load1!.toFixed(2)} when the run started)`,
    `- RAM: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- OS: ${os.type()} ${os.release()}`,
    `- Node: ${process.version}`,
    `- PostgreSQL: ${pgVersion.replace(/^postgres \(PostgreSQL\) /, '')} (throwaway cluster: fsync off, synchronous_commit off, max_connections 200, shared_buffers 128 MB)`,
    `- Load generator on the same machine (autocannon, pgbench), so client and server share the cores.`,
  ].join('\n');
}

async function discover(): Promise<{ file: string; bench: Bench }[]> {
  const files = readdirSync(benchDir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((name) => f.includes(name)))
    .sort();
  const found = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(benchDir, file)).href)) as { default: Bench };
    found.push({ file, bench: module.default });
  }
  return found.sort((a, b) => (a.bench.order ?? 50) - (b.bench.order ?? 50));
}

async function main() {
  const benches = await discover();
  const started = Date.now();
  const cluster = await startPgCluster();
  const servers: ServerProcess[] = [];
  const chart: LatencySeries[] = [];
  const sections: Section[] = [];
  let failed = 0;
  try {
    await createTemplateDatabase(cluster.url);
    const header = machine(cluster.binDir);
    const ctx: BenchContext = {
      cluster,
      runs: RUNS,
      freshDatabase: (prefix) => databaseFromTemplate(cluster.url, prefix),
      async startServer(options) {
        const server = await ServerProcess.start({ stderr: 'ignore', ...options });
        servers.push(server);
        return server;
      },
      chart: (series) => chart.push(series),
      log: (message) => process.stdout.write(`  ${message}\n`),
    };
    for (const { file, bench } of benches) {
      const t0 = Date.now();
      process.stdout.write(`\n▶ ${bench.title} (${file})\n`);
      try {
        sections.push({ title: bench.title, body: (await bench.run(ctx)).trim() });
      } catch (error) {
        failed += 1;
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        process.stderr.write(`${message}\n`);
        sections.push({ title: bench.title, body: `Not measured in this run: the benchmark failed (${String(error).split('\n')[0]}).` });
      } finally {
        await Promise.all(servers.splice(0).map((server) => server.stop()));
      }
      process.stdout.write(`  done in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    }
    const ran = sections.map((s) => s.title).join(', ');
    const runLine = `- This run: ${((Date.now() - started) / 60_000).toFixed(1)} minutes, ${RUNS} runs per measurement; measured: ${ran}`;
    writeDoc(`${header}\n${runLine}`, sections, chart);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    cluster.stop();
  }
  process.stdout.write(`\nWrote ${path.relative(root, docPath)} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  if (failed > 0) process.exit(1);
}

function writeDoc(machineText: string, measured: Section[], chart: LatencySeries[]) {
  if (chart.length > 0) writeFileSync(chartPath, latencyChartSvg(chart));
  const previousDoc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
  const chartFile = chart.length > 0 || existsSync(chartPath) ? path.basename(chartPath) : null;
  writeFileSync(docPath, benchmarksDoc({ machine: machineText, measured, previousDoc, chartFile }));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
