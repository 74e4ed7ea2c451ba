/** tools/setup.sh's command line (the full build is exercised by CI's `.ci/run`). */
import assert from "node:assert/strict";

async function setup(...args: string[]) {
  const output = await new Deno.Command("bash", {
    args: ["tools/setup.sh", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("setup.sh --help explains the libtensorflow routes and the flags", async () => {
  const { code, stdout } = await setup("--help");
  assert.equal(code, 0);
  assert.match(stdout, /tensorflow-cpu/);
  assert.match(stdout, /--force/);
  assert.match(stdout, /DIGITKIT_LIBTF_SOURCE=auto\|download\|wheel/);
  assert.doesNotMatch(stdout, /^#/m, "comment markers are stripped");
});

Deno.test("setup.sh rejects an unknown argument before doing anything", async () => {
  const { code, stderr } = await setup("--frobnicate");
  assert.equal(code, 2);
  assert.equal(stderr.trim(), "[setup] ERROR: unknown argument '--frobnicate' (try --help)");
});
