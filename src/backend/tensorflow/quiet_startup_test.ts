import assert from "node:assert/strict";
import { withoutStartupBanner } from "./quiet_startup.ts";

const BANNER = "WARNING: All log messages before absl::InitializeLog() is called are written to " +
  "STDERR\nI0000 00:00:1796127835.663015    2844 port.cc:153] oneDNN custom operations are on. " +
  "You may see slightly different numerical results.\n";

Deno.test("the start-up banner is dropped and every other line kept, in order", () => {
  assert.equal(withoutStartupBanner(`first\n${BANNER}last\n`), "first\nlast\n");
  assert.equal(
    withoutStartupBanner("I0000 other.cc:1] something else\n"),
    "I0000 other.cc:1] something else\n",
  );
  assert.equal(withoutStartupBanner("no newline at the end"), "no newline at the end");
});

/** Runs `body` (a script using withQuietStartup) in a subprocess; returns its exit code and stderr. */
async function runScript(body: string): Promise<{ code: number; stderr: string }> {
  const module = new URL("./quiet_startup.ts", import.meta.url).href;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", `import { withQuietStartup } from ${JSON.stringify(module)};\n${body}`],
    stderr: "piped",
    stdout: "null",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("withQuietStartup drops only the banner from what the load writes to stderr", async () => {
  const { code, stderr } = await runScript(`
    const banner = ${JSON.stringify(BANNER)};
    const value = await withQuietStartup(async () => {
      console.error("before the banner");
      Deno.stderr.writeSync(new TextEncoder().encode(banner));
      await new Promise((r) => setTimeout(r, 10));
      console.error("after the banner");
      return 42;
    });
    console.error("after the load: " + value);`);
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "before the banner\nafter the banner\nafter the load: 42\n");
});

Deno.test("withQuietStartup restores stderr and replays it when the load throws", async () => {
  const { code, stderr } = await runScript(`
    try {
      await withQuietStartup(() => { console.error("said before failing"); throw new Error("no"); });
    } catch (error) {
      console.error("caught " + error.message);
    }`);
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "said before failing\ncaught no\n");
});
