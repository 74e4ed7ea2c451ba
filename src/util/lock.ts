/**
 * Exclusive output folders: a writer claims a folder by creating `.NAME.lock` beside it with
 * `createNew` (O_EXCL, atomic on local filesystems), holding its pid, host and start time.
 * A second writer is refused at once with a message naming the holder. A lock whose pid is no
 * longer alive on this host (a killed run) is stale and taken over.
 *
 * The lock sits beside the folder, not in it, because report and evaluation folders appear by
 * renaming a finished temporary folder into place.
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "./errors.ts";
import { describeOutputError } from "./output_errors.ts";

/** Contents of a lock file. */
export interface LockHolder {
  pid: number;
  host: string;
  /** When the lock was taken (ISO time). */
  since: string;
  /** Start time of the holder process (Linux clock ticks since boot), to tell a reused pid. */
  processStart: string | null;
  /** What the holder is doing (e.g. "kit train"). */
  command: string;
}

/** A held lock; release it (or `await using` it) when the folder is complete. */
export interface FolderLock extends AsyncDisposable {
  /** Path of the lock file. */
  readonly path: string;
  /** Removes the lock file; safe to call twice. */
  release(): Promise<void>;
}

/**
 * The lock file guarding `dir`: `.NAME.lock` in its parent.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { lockPath } from "./lock.ts";
 * deepStrictEqual(lockPath("/data/runs/mlp"), "/data/runs/.mlp.lock");
 * ```
 */
export function lockPath(dir: string): string {
  const full = resolve(dir);
  return join(dirname(full), `.${basename(full)}.lock`);
}

/** Start time of process `pid` from /proc (field 22 of stat), or null where unknown. */
function processStart(pid: number): string | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // The command name (field 2) may hold spaces; fields after its closing parenthesis are plain.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * True when `holder` names a process of this host that no longer runs (or whose pid was
 * reused by another process). A holder on another host is never considered stale.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { isStale } from "./lock.ts";
 * const me = { pid: Deno.pid, host: Deno.hostname(), since: "", processStart: null, command: "" };
 * deepStrictEqual(isStale(me), false);
 * deepStrictEqual(isStale({ ...me, pid: 2 ** 22 + 1 }), true);
 * ```
 */
export function isStale(holder: LockHolder): boolean {
  if (holder.host !== Deno.hostname()) return false;
  if (!Deno.statSync("/proc/self").isDirectory) return false; // cannot tell: keep the lock
  const start = processStart(holder.pid);
  if (start === null) return true;
  return holder.processStart !== null && holder.processStart !== start;
}

function describeHolder(h: LockHolder): string {
  return `${h.command || "another process"} (pid ${h.pid} on ${h.host}, since ${h.since})`;
}

/** The lock file's text and holder; holder null while it is empty or half-written. */
async function readHolder(path: string): Promise<{ text: string; holder: LockHolder | null }> {
  let text = "";
  try {
    text = await Deno.readTextFile(path);
    const value = JSON.parse(text);
    const valid = typeof value?.pid === "number" && typeof value?.host === "string";
    return { text, holder: valid ? value : null };
  } catch {
    return { text, holder: null }; // vanished, or being written right now
  }
}

/** Seconds after which an empty or unreadable lock file counts as abandoned. */
const UNREADABLE_LOCK_S = 10;

/**
 * Claims `dir` for writing (the folder need not exist; its parent is created). Throws a
 * {@link UsageError} naming the holder when another live process holds it.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, rejects } from "node:assert";
 * import { claimFolder } from "./lock.ts";
 * const dir = (await Deno.makeTempDir()) + "/run";
 * const lock = await claimFolder(dir, "kit train");
 * await rejects(claimFolder(dir, "kit eval"), /is being written by kit train \(pid/);
 * await lock.release();
 * const again = await claimFolder(dir, "kit eval");
 * deepStrictEqual(again.path.endsWith("/.run.lock"), true);
 * await again.release();
 * ```
 */
export async function claimFolder(dir: string, command: string): Promise<FolderLock> {
  const path = lockPath(dir);
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
  } catch (error) {
    throw describeOutputError(dirname(path), error);
  }
  const me: LockHolder = {
    pid: Deno.pid,
    host: Deno.hostname(),
    since: new Date().toISOString(),
    processStart: processStart(Deno.pid),
    command,
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      // The content is written through the O_EXCL handle, so it is complete before anyone can
      // judge it stale (a reader that finds it empty or half-written treats it as live).
      const file = await Deno.open(path, { write: true, createNew: true, mode: 0o644 });
      try {
        await file.write(new TextEncoder().encode(JSON.stringify(me) + "\n"));
      } finally {
        file.close();
      }
      return held(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw describeOutputError(path, error);
    }
    const { text, holder } = await readHolder(path);
    if (holder === null) {
      const age = await Deno.stat(path).then(
        (s) => Date.now() - (s.mtime?.getTime() ?? 0),
        () => 0,
      );
      if (age > UNREADABLE_LOCK_S * 1000) await breakStaleLock(path, text);
      else await new Promise((r) => setTimeout(r, 200)); // being created by another process
      continue;
    }
    if (!isStale(holder)) {
      throw new UsageError(
        `${dir} is being written by ${describeHolder(holder)}; wait for it to finish or choose ` +
          `another output folder (if that process is gone, remove ${path})`,
      );
    }
    await breakStaleLock(path, text);
  }
  throw new UsageError(`${dir}: could not take the lock ${path} (other processes keep taking it)`);
}

/**
 * Removes a stale lock without ever removing a live one a competitor made in the meantime:
 * moved aside under a unique name, checked to be the stale one, else put back.
 */
async function breakStaleLock(path: string, staleText: string): Promise<void> {
  const aside = `${path}.stale-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.rename(path, aside);
  } catch {
    return; // someone else broke it first
  }
  if ((await readHolder(aside)).text !== staleText) {
    await Deno.link(aside, path).catch(() => {}); // a live lock: put it back unless replaced
  }
  await Deno.remove(aside).catch(() => {});
}

function held(path: string): FolderLock {
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await Deno.remove(path).catch(() => {});
  };
  return { path, release, [Symbol.asyncDispose]: release };
}
