// PGlite has no lock between processes: two processes on one folder would both write and corrupt it.
// We hold an exclusive lock file (O_EXCL) naming our pid; a lock left by a dead process is taken over.
import { closeSync, existsSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";

export class DatabaseLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The embedded database in ${dir} is already open in another process (pid ${pid}). ` +
        `Stop that process (e.g. the running app) or set PGLITE_DIR to another folder.`,
    );
    this.name = "DatabaseLockedError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readPid(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8"), 10);
    return Number.isFinite(pid) ? pid : null;
  } catch {
    return null; // gone (or being written)
  }
}

function createExclusive(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    writeSync(fd, String(process.pid));
  } catch (e) {
    // Created but not written (a full disk: ENOSPC): remove it, or it would be an empty lock that
    // blocks the next start after space is freed.
    closeSync(fd);
    unlinkSync(file);
    throw e;
  }
  closeSync(fd);
  return true;
}

/** A takeover mutex left by a process that died mid-takeover is cleared after this long. */
const TAKEOVER_STALE_MS = 10_000;

/**
 * Replaces a stale lock, atomically: only the process that creates the takeover file (O_EXCL) may
 * remove the stale lock and create its own, after checking it is still the same stale lock. Two
 * processes finding one stale lock at once used to both unlink and both win.
 */
function takeOverStale(lockPath: string, stalePid: number | null): void {
  const takeover = `${lockPath}.takeover`;
  if (!createExclusive(takeover)) {
    try {
      if (Date.now() - statSync(takeover).mtimeMs > TAKEOVER_STALE_MS) unlinkSync(takeover);
    } catch {
      /* another process finished it */
    }
    return; // someone else is taking over: look again
  }
  try {
    if (readPid(lockPath) === stalePid) unlinkSync(lockPath);
  } catch {
    /* already gone */
  } finally {
    unlinkSync(takeover);
  }
}

/** Takes the folder's lock; returns the function that releases it. */
export function lockDataDir(dir: string): () => void {
  const lockPath = path.join(dir, "cwr.lock");
  for (let attempt = 0; attempt < 200; attempt++) {
    if (createExclusive(lockPath)) {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (readFileSync(lockPath, "utf8") === String(process.pid)) unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
      process.once("exit", release);
      return release;
    }
    const owner = readPid(lockPath);
    if (owner === process.pid) throw new DatabaseLockedError(dir, owner);
    if (owner !== null && isAlive(owner)) throw new DatabaseLockedError(dir, owner);
    // Stale (its process is gone), or just created and not yet written: take over only the former.
    if (owner === null) {
      sleepSync(50); // a lock being created is written within microseconds; an empty one this old was left by a crash
      if (readPid(lockPath) === null && existsSync(lockPath)) takeOverStale(lockPath, null);
    } else takeOverStale(lockPath, owner);
    sleepSync(2 + Math.floor(Math.random() * 5));
  }
  throw new Error(`Could not take the lock on ${lockPath}`);
}
