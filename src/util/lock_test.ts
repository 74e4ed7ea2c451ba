import assert from "node:assert/strict";
import { claimFolder, lockPath } from "./lock.ts";
import { recoverReplaced, removeLeftovers, temporaryName } from "./atomic_folder.ts";

/** A pid no process has (above Linux's pid_max ceiling of 2^22). */
const DEAD_PID = 2 ** 22 + 7;

Deno.test("claimFolder: of many simultaneous claims exactly one wins", async () => {
  const dir = `${await Deno.makeTempDir()}/run`;
  const claims = await Promise.allSettled(
    Array.from({ length: 12 }, () => claimFolder(dir, "kit train")),
  );
  const won = claims.filter((c) => c.status === "fulfilled");
  assert.equal(won.length, 1);
  for (const c of claims) {
    if (c.status === "rejected") assert.match(String(c.reason), /is being written by kit train/);
  }
  await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof claimFolder>>>).value
    .release();
  assert.equal(await Deno.stat(lockPath(dir)).then(() => true, () => false), false);
});

Deno.test("claimFolder takes over a dead process's lock, never another host's", async () => {
  const dir = `${await Deno.makeTempDir()}/run`;
  const holder = (pid: number, host: string) =>
    JSON.stringify({ pid, host, since: "2026-01-01T00:00:00Z", processStart: null, command: "x" });
  await Deno.writeTextFile(lockPath(dir), holder(DEAD_PID, Deno.hostname()));
  const lock = await claimFolder(dir, "kit eval");
  const content = JSON.parse(await Deno.readTextFile(lockPath(dir)));
  assert.equal(content.pid, Deno.pid);
  assert.equal(content.command, "kit eval");
  await lock.release();

  await Deno.writeTextFile(lockPath(dir), holder(DEAD_PID, "elsewhere.example"));
  await assert.rejects(
    claimFolder(dir, "kit eval"),
    /run is being written by x \(pid 4194311 on elsewhere\.example, since 2026-01-01T00:00:00Z\)/,
  );
});

Deno.test("claimFolder: a pid reused by another process does not keep a lock alive", async () => {
  const dir = `${await Deno.makeTempDir()}/run`;
  // Our own pid, but recorded with another start time: the holder died and the pid moved on.
  await Deno.writeTextFile(
    lockPath(dir),
    JSON.stringify({
      pid: Deno.pid,
      host: Deno.hostname(),
      since: "",
      processStart: "1",
      command: "x",
    }),
  );
  await using _lock = await claimFolder(dir, "kit train");
});

Deno.test("claimFolder: an empty lock file is waited for, and broken once it is old", async () => {
  const dir = `${await Deno.makeTempDir()}/run`;
  await Deno.writeTextFile(lockPath(dir), "");
  const old = new Date(Date.now() - 60_000);
  await Deno.utime(lockPath(dir), old, old);
  await using _lock = await claimFolder(dir, "kit train");
});

Deno.test("leftovers: only dead processes' temporaries are removed; a moved-aside folder comes back", async () => {
  const root = await Deno.makeTempDir();
  const mine = temporaryName(`${root}/.eval`);
  const dead = `${root}/.eval.tmp-${DEAD_PID}-0123abcd`;
  await Deno.mkdir(mine);
  await Deno.mkdir(dead);
  await Deno.writeTextFile(`${root}/other.tmp-${DEAD_PID}-0123abcd`, "");
  assert.deepEqual(await removeLeftovers(root, ".eval."), [`.eval.tmp-${DEAD_PID}-0123abcd`]);
  assert.ok(await Deno.stat(mine));
  assert.ok(await Deno.stat(`${root}/other.tmp-${DEAD_PID}-0123abcd`));

  await Deno.mkdir(`${root}/.eval.old-${DEAD_PID}-0123abcd`);
  await Deno.writeTextFile(`${root}/.eval.old-${DEAD_PID}-0123abcd/results.json`, "{}");
  assert.equal(await recoverReplaced(`${root}/eval`), true);
  assert.equal(await Deno.readTextFile(`${root}/eval/results.json`), "{}");
  assert.equal(await recoverReplaced(`${root}/eval`), false, "nothing to do while it exists");
});
