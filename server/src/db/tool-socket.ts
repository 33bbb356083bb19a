import { chmodSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/*
 * While the server runs, it owns the PGlite data directory (data-dir-owner.ts); local tools
 * (user:create, db:backup, db:move-to-postgres, psql) reach the same database through a Unix
 * socket in that directory, speaking the Postgres protocol (@electric-sql/pglite-socket).
 *
 * PGlite is one Postgres session, shared by the app and the socket. pglite-socket runs each
 * protocol message on its own; between two messages of a tool's transaction (or of one
 * extended-protocol query, Parse … Sync) the app's queries could run inside it, and the tool's
 * messages inside one of the app's transactions. So a tool holds the session, as the app's own
 * transactions do (PGlite's transaction mutex), from its first message until Postgres says
 * "idle" again (ReadyForQuery 'I'); the app's queries wait meanwhile. A tool that stops half-way
 * through a transaction is rolled back after TOOL_IDLE_MS, and the app goes on.
 */

const SOCKET_NAME = '.s.PGSQL.5432';
const TOOL_IDLE_MS = 10_000;
/** Unix socket paths are limited to about 107 bytes. */
const MAX_SOCKET_PATH = 100;

export const socketPathOf = (dataDir: string) => path.join(path.resolve(dataDir), SOCKET_NAME);

function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`);
  const message = Buffer.alloc(5 + text.length);
  message.write('Q', 0);
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
}

/** Reads backend messages as they stream out, to see each ReadyForQuery and its status. */
class ReadyWatcher {
  #pending = Buffer.alloc(0);
  /** The latest ReadyForQuery: 'I' idle, 'T' in a transaction, 'E' in a failed one. */
  status = 'I';
  /** A ReadyForQuery came since the last `reset`. */
  seen = false;

  reset(): void {
    this.seen = false;
  }

  feed(chunk: Uint8Array): void {
    let buffer = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : Buffer.from(chunk);
    while (buffer.length >= 5) {
      const length = buffer.readInt32BE(1);
      if (buffer.length < 1 + length) break;
      if (buffer[0] === 0x5a /* Z */ && length === 5) {
        this.status = String.fromCharCode(buffer[5]!);
        this.seen = true;
      }
      buffer = buffer.subarray(1 + length);
    }
    this.#pending = Buffer.from(buffer);
  }
}

/** Holds PGlite's session for one tool at a time, from its first message until it is idle again. */
class ToolSessionGate {
  #release: (() => void) | undefined;
  #idle: ReturnType<typeof setTimeout> | undefined;
  readonly #ready = new ReadyWatcher();

  constructor(
    private readonly pg: PGlite,
    private readonly onIdleRollback: () => void,
  ) {}

  /**
   * Extended-protocol messages (Parse, Bind, Describe, Execute, Close, Flush, FunctionCall)
   * are answered by a ReadyForQuery only at the Sync that ends them: until then the session
   * stays the tool's.
   */
  #awaitingSync = false;

  watch(chunk: Uint8Array): void {
    this.#ready.feed(chunk);
  }

  /** Called with each message before it runs. Startup and SSL messages start with a length, not a type. */
  note(message: Uint8Array): void {
    this.#ready.reset();
    const type = String.fromCharCode(message[0] ?? 0);
    if ('PBDECHF'.includes(type) && message[0] !== 0) this.#awaitingSync = true;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (!this.#release) await this.#take();
    clearTimeout(this.#idle);
    try {
      return await this.pg._runExclusiveQuery(work);
    } finally {
      this.#settle();
    }
  }

  /** Ends a tool's open transaction (it went away, or went quiet). */
  async rollback(): Promise<void> {
    if (!this.#release) return;
    clearTimeout(this.#idle);
    await this.pg._runExclusiveQuery(() => this.pg.execProtocolRaw(simpleQuery('ROLLBACK'))).catch(() => undefined);
    this.#ready.status = 'I';
    this.#awaitingSync = false;
    this.#settle();
  }

  #settle(): void {
    if (this.#ready.seen) this.#awaitingSync = false;
    if (this.#ready.status === 'I' && !this.#awaitingSync) {
      const release = this.#release;
      this.#release = undefined;
      release?.();
      return;
    }
    this.#idle = setTimeout(() => {
      this.onIdleRollback();
      void this.rollback();
    }, TOOL_IDLE_MS);
  }

  #take(): Promise<void> {
    return new Promise((taken) => {
      void this.pg._runExclusiveTransaction(
        () =>
          new Promise<void>((done) => {
            this.#release = done;
            taken();
          }),
      );
    });
  }
}

export interface ToolSocket {
  path: string;
  stop(): Promise<void>;
}

/**
 * Serves the database to local tools on `<dataDir>/.s.PGSQL.5432`, owner-only (0600). Called by
 * the process that holds the directory's lock, so a socket file found there is a dead owner's.
 */
export async function serveToolSocket(pg: PGlite, dataDir: string, warn: (message: string) => void): Promise<ToolSocket | undefined> {
  const socketPath = socketPathOf(dataDir);
  if (socketPath.length > MAX_SOCKET_PATH) {
    warn(`DATA_DIR is too long a path for the tools' socket (${socketPath.length} bytes): tools cannot reach the running server`);
    return undefined;
  }
  if (existsSync(socketPath)) rmSync(socketPath, { force: true });
  const gate = new ToolSessionGate(pg, () => warn('a tool left a transaction open for 10 s: rolled back'));
  // pglite-socket sees a PGlite whose "exclusive" runs hold the whole session (see above).
  const guarded = {
    waitReady: pg.waitReady,
    isInTransaction: () => pg.isInTransaction(),
    runExclusive: <T>(work: () => Promise<T>) => gate.run(work),
    execProtocolRawStream: (message: Uint8Array, options: { onRawData: (data: Uint8Array) => void }) => {
      gate.note(message);
      return pg.execProtocolRawStream(message, {
        ...options,
        onRawData: (data) => {
          gate.watch(data);
          options.onRawData(data);
        },
      });
    },
    // Its only use: a tool that disconnected in the middle of a transaction.
    exec: async () => gate.rollback(),
  } as unknown as PGlite;
  const server = new PGLiteSocketServer({ db: guarded, path: socketPath, maxConnections: 4 });
  await server.start();
  chmodSync(socketPath, 0o600);
  return {
    path: socketPath,
    async stop() {
      await server.stop();
      rmSync(socketPath, { force: true });
    },
  };
}
