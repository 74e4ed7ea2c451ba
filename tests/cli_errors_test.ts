/**
 * The CLI's one error rule for what no command anticipated: an internal error, an error
 * thrown from a timer, a rejection nobody awaited. Each ends as one stderr line with the
 * DIGITKIT_DEBUG hint, a JSON error under `--json`, exit 1; DIGITKIT_DEBUG=1 adds the stack.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const CLI = new URL("../src/cli.ts", import.meta.url).href;
const COMMANDS = new URL("../src/cli/commands.ts", import.meta.url).href;

/** Runs a script that registers a `boom` command doing `body`, then runs `kit boom ...args`. */
async function runBoom(body: string, args: string[], env: Record<string, string> = {}) {
  const dir = await Deno.makeTempDir();
  try {
    const script = join(dir, "boom.ts");
    await Deno.writeTextFile(
      script,
      `import { main, reportEscapedErrors } from "${CLI}";
import { COMMANDS } from "${COMMANDS}";
COMMANDS.boom = {
  summary: "fails",
  load: () => Promise.resolve({ help: "", run: async () => { ${body} } }),
};
reportEscapedErrors("boom", Deno.args.includes("--json"));
Deno.exitCode = await main(["boom", ...Deno.args]);
`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", script, ...args],
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1", ...env },
    }).output();
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const HINT = /\(rerun with DIGITKIT_DEBUG=1 for the stack trace\)$/;

Deno.test("an internal error is one line with the debug hint, and a JSON error", async () => {
  const r = await runBoom(`throw new TypeError("cannot read x\\nof undefined");`, ["--json"]);
  assert.equal(r.code, 1);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^kit boom: internal error: TypeError: cannot read x /);
  assert.match(lines[0], HINT);
  const json = JSON.parse(r.stdout);
  assert.equal(json.kind, "internal");
  assert.equal(`kit boom: ${json.error}`, lines[0]);
});

Deno.test("an error thrown from a timer after the command returned is one line, exit 1", async () => {
  const r = await runBoom(
    `setTimeout(() => { throw new RangeError("late"); }, 50); return { json: {} };`,
    ["--json"],
  );
  assert.equal(r.code, 1);
  assert.match(r.stderr.trimEnd(), /^kit boom: internal error: RangeError: late \(rerun/);
  assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /Uncaught|^\s+at /m);
});

Deno.test("a rejection nobody awaited is one line, exit 1", async () => {
  const r = await runBoom(
    `Promise.reject(new Deno.errors.PermissionDenied("open '/x'")); await new Promise((r) => setTimeout(r, 100)); return { json: {} };`,
    [],
  );
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trimEnd(), "kit boom: open '/x'");
});

Deno.test("DIGITKIT_DEBUG=1 adds the stack trace after the line", async () => {
  const r = await runBoom(`throw new Error("bug");`, [], { DIGITKIT_DEBUG: "1" });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^kit boom: internal error: Error: bug/);
  assert.match(r.stderr, /\n\s+at /);
});
