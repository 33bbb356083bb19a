import { spawn, type ChildProcess } from 'node:child_process';
import { SERVER_BUNDLE, SERVER_NODE_FLAGS } from '../../../scripts/build-server.js';
import { freePort } from '../../../scripts/pg-cluster.js';

/**
 * The real server (`server/src/main.ts` through tsx) as a child process on a loopback port, for
 * tests and benchmarks that need what an in-process app cannot give: several instances on one
 * PostgreSQL, a `SIGKILL` in the middle of work, a restart on the same port, a cold start.
 * With `compiled`, the bundle that `npm start` runs instead (memory and start-up benchmarks).
 */

export interface ServerProcessOptions {
  /** PostgreSQL database; without it the server uses PGlite in `DATA_DIR` (default: in memory). */
  databaseUrl?: string;
  /** Extra settings (SMTP_URL, throttles, ...), over the defaults below. */
  env?: Record<string, string>;
  /** Keep the child's stderr on ours (default) or drop it (a benchmark's own output stays readable). */
  stderr?: 'inherit' | 'ignore';
  readyTimeoutMs?: number;
  /** Another entry point than server/src/main.ts (a benchmark's baseline server); it gets PORT too. */
  entry?: string;
  /**
   * Run dist/server/main.js as `npm start` does (built beforehand by scripts/build-server.ts)
   * rather than the TypeScript through tsx: what a benchmark of memory or start-up should measure.
   */
  compiled?: boolean;
  /** What answers 200 once the process is ready (default /readyz). */
  readyPath?: string;
}

export class ServerProcess {
  private child: ChildProcess | undefined;
  /** Milliseconds from the last spawn until it answered `readyPath` (a cold start). */
  startedInMs = 0;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly port: number,
    private readonly options: ServerProcessOptions,
  ) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts a server on a free port and waits until it answers `/readyz`. */
  static async start(options: ServerProcessOptions = {}): Promise<ServerProcess> {
    const server = new ServerProcess(await freePort(), options);
    await server.start();
    return server;
  }

  /** (Re)starts the process on the same port; resolves with the milliseconds until it was ready. */
  async start(): Promise<number> {
    if (this.child) throw new Error('server process already running');
    const started = performance.now();
    const args = this.options.compiled
      ? [...SERVER_NODE_FLAGS, SERVER_BUNDLE]
      : ['--import', 'tsx', this.options.entry ?? 'server/src/main.ts'];
    const child = spawn(process.execPath, args, {
      env: {
        // The child needs the parent's PATH and tsx setup; its own settings come after.
        ...process.env, // eslint-disable-line no-restricted-syntax
        APP_ENV: 'test',
        DATABASE_URL: this.options.databaseUrl ?? '',
        DATA_DIR: 'memory://',
        PORT: String(this.port),
        HOST: '127.0.0.1',
        SITE_BASE_URL: this.base,
        LOG_LEVEL: 'warn',
        SEED_DEMO: 'false',
        ...this.options.env,
      },
      stdio: ['ignore', 'ignore', this.options.stderr ?? 'inherit'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => {
      if (this.child === child) this.child = undefined;
    });
    await this.waitReady(started);
    this.startedInMs = performance.now() - started;
    return this.startedInMs;
  }

  private async waitReady(started: number): Promise<void> {
    const deadline = started + (this.options.readyTimeoutMs ?? 30_000);
    while (performance.now() < deadline) {
      if (!this.child) throw new Error('server process exited before it was ready');
      try {
        if ((await fetch(`${this.base}${this.options.readyPath ?? '/readyz'}`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`server on port ${this.port} not ready after ${this.options.readyTimeoutMs ?? 30_000} ms`);
  }

  /** `SIGKILL`: no graceful shutdown, transactions in flight are cut, the mail worker dies mid-send. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** `SIGTERM`: the server's own graceful shutdown. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.kill(signal);
    await this.exited;
  }
}
