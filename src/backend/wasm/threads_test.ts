import assert from "node:assert/strict";
import { threadedWorkerScript } from "./threads.ts";

Deno.test("the pthread worker script is CommonJS that loads the threaded module from a file", () => {
  const script = threadedWorkerScript();
  assert.match(script, /^"use strict";/);
  assert.match(script, /tfjs-backend-wasm-threaded-simd\.js"/);
  // No raw newline may remain inside the original one-line worker body.
  const body = script.slice(script.indexOf('"use strict";var Module'));
  assert.ok(body.length > 1000 && !body.includes("\n"));
});

Deno.test({
  name: "every wasm test passes again on the 2-thread build",
  // Skipped when this file itself runs inside that rerun.
  ignore: Deno.env.get("DIGITKIT_WASM_THREADS") !== undefined,
  fn: async () => {
    const dir = new URL(".", import.meta.url).pathname;
    const files = [...Deno.readDirSync(dir)]
      .map((e) => e.name)
      .filter((name) => name.endsWith("_test.ts") && name !== "threads_test.ts")
      .map((name) => dir + name);
    const result = await new Deno.Command(Deno.execPath(), {
      args: ["test", "--allow-all", "--quiet", ...files],
      env: { DIGITKIT_WASM_THREADS: "2" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const output = new TextDecoder().decode(result.stdout) +
      new TextDecoder().decode(result.stderr);
    assert.equal(result.code, 0, output.slice(-3000));
    assert.match(output, /passed/);
  },
});
