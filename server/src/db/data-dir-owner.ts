import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';

/*
 * One process owns a PGlite data directory. PGlite is a whole Postgres inside one process: a
 * second process that opens the same files has its own view of them, and what either writes
 * is lost, or worse, when the other one writes back (a second `npm start`, or `user:create`
 * beside a running server, did exactly that). So the process that opens the directory takes
 * an exclusive lock on it first, and any other one is refused before it writes anything.
 *
 * The lock is proper-lockfile's (an atomic `mkdir`, touched every few seconds while the owner
 * runs), with the owner written beside it: its pid, what it is, since when. A lock whose owner
 * process is gone (killed with SIGKILL, the machine rebooted) is taken over once it has not been
 * touched for a few seconds, instead of proper-lockfile's longer stale time: the pid tells, on
 * this host, and a live owner is never taken from, however long its event loop was blocked.
 */

const LOCK_NAME = 'owner.lock';
/**
 * Beside the lock, not in it: proper-lockfile watches the lock directory's time, and a file
 * written into it would count as someone else touching the lock.
 */
const OWNER_NAME = 'owner.json';
/** proper-lockfile's freshness: the owner touches the lock this often; older than STALE, it may be taken. */
const UPDATE_MS = 5_000;
const STALE_MS = 30_000;

export interface DataDirOwner {
  pid: number;
  hostname: string;
  /** What holds it: "server", "user:create", "db:backup"… */
  role: string;
  started_at: string;
  /** For a server: where it answers. */
  url?: string;
}

/** The directory is held by another live process: nothing was opened, nothing written. */
export class DataDirInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: DataDirOwner | undefined,
  ) {
    super(describeOwner(dataDir, owner));
    this.name = 'DataDirInUse';
  }
}

function describeOwner(dataDir: string, owner: DataDirOwner | undefined): string {
  if (!owner) return `The embedded database in ${dataDir} is in use by another process.`;
  const what = owner.role === 'server' ? 'the AzioneLab server' : `"npm run ${owner.role}"`;
  const where = owner.url ? `, ${owner.url}` : '';
  return `The embedded database in ${dataDir} is in use by ${what} (pid ${owner.pid}, since ${owner.started_at}${where}).`;
}

function readOwner(dataDir: string): DataDirOwner | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dataDir, OWNER_NAME), 'utf8')) as DataDirOwner;
  } catch {
    return undefined;
  }
}

/**
 * A lock nobody keeps: its recorded owner is gone and nobody has touched it for longer than the
 * owner's touch interval. A recent touch with a dead recorded owner is either that owner's last
 * one or a new owner that has not written its name yet: wait and look again.
 */
const quietFor = (lockPath: string) => {
  try {
    return Date.now() - statSync(lockPath).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
};

/** Whether that process still runs. Another host's pid cannot be checked: assume it does. */
function alive(owner: DataDirOwner): boolean {
  if (owner.hostname !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DataDirLock {
  readonly owner: DataDirOwner;
  /** Adds what others should know (the server's URL once it listens). */
  describe(extra: Partial<Pick<DataDirOwner, 'url'>>): void;
  release(): Promise<void>;
}

/**
 * Takes the directory for this process, or throws DataDirInUse. A lock left by a process that
 * no longer runs is removed first; two processes racing for it are decided by the atomic mkdir.
 */
export async function lockDataDir(dataDir: string, role: string, onLost: (error: Error) => void): Promise<DataDirLock> {
  const dir = path.resolve(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lockPath = path.join(dir, LOCK_NAME);
  const giveUpAt = Date.now() + UPDATE_MS + 3_000;
  while (existsSync(lockPath)) {
    const previous = readOwner(dir);
    if (previous && alive(previous)) throw new DataDirInUse(dir, previous);
    if (quietFor(lockPath) > UPDATE_MS + 1_000) {
      // Its owner is gone (killed, or the machine restarted): the lock is stale now.
      rmSync(lockPath, { recursive: true, force: true });
      break;
    }
    if (Date.now() > giveUpAt) throw new DataDirInUse(dir, previous);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  let unlock: () => Promise<void>;
  try {
    unlock = await lockfile.lock(dir, {
      lockfilePath: lockPath,
      realpath: false,
      stale: STALE_MS,
      update: UPDATE_MS,
      // The owner is alive but its event loop was blocked past STALE_MS (or the lock was
      // removed by hand): it keeps running; the pid check above still refuses newcomers.
      onCompromised: onLost,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw new DataDirInUse(dir, readOwner(dir));
    throw error;
  }
  const owner: DataDirOwner = { pid: process.pid, hostname: hostname(), role, started_at: new Date().toISOString() };
  const write = () => writeFileSync(path.join(dir, OWNER_NAME), `${JSON.stringify(owner, null, 2)}\n`, { mode: 0o600 });
  write();
  return {
    owner,
    describe(extra) {
      Object.assign(owner, extra);
      write();
    },
    async release() {
      rmSync(path.join(dir, OWNER_NAME), { force: true });
      await unlock().catch(() => undefined);
    },
  };
}
