/**
 * npm packages and the native `tensorflow` backend: `tools/setup.sh` (`deno install`, then
 * libtensorflow and tfjs-node's binding), skipped when its record matches the current
 * `deno.json`, `deno.lock` and setup script and the binding is on disk.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fingerprint, readState, REPO_ROOT, writeState } from "./state.ts";

const COMPONENT = "tensorflow";
const BINDING = "node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node";

/** Runs `tools/setup.sh` unless an identical setup already finished. Never throws. */
export async function provisionTensorflow(): Promise<{ ok: boolean; message: string }> {
  const skip = Deno.env.get("DIGITKIT_SKIP_TENSORFLOW") === "1";
  const print = await fingerprint(
    ["tensorflow-v1", String(skip), Deno.version.deno],
    ["tools/setup.sh", "deno.json", "deno.lock"],
  );
  const state = readState(COMPONENT);
  const built = skip ? existsSync(join(REPO_ROOT, "node_modules", ".deno")) : existsSync(
    join(REPO_ROOT, BINDING),
  );
  if (state?.ok && state.fingerprint === print && built) return { ok: true, message: state.detail };
  // The running Deno first on PATH, so setup.sh's `deno install` is this same Deno (also under
  // `npx deno task ...`, where no deno is on PATH).
  const path = [dirname(Deno.execPath()), Deno.env.get("PATH") ?? ""].join(delimiter);
  const started = Date.now();
  const out = await new Deno.Command("bash", {
    args: [join(REPO_ROOT, "tools", "setup.sh")],
    cwd: REPO_ROOT,
    env: { PATH: path },
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!out.success) {
    const message = "tools/setup.sh failed (see its output above); fix that, then run " +
      "`deno task setup` (without tensorflow: DIGITKIT_SKIP_TENSORFLOW=1 uses wasm)";
    writeState(COMPONENT, { ok: false, fingerprint: print, message });
    return { ok: false, message };
  }
  const detail = skip
    ? "npm packages (tensorflow skipped: DIGITKIT_SKIP_TENSORFLOW=1)"
    : `npm packages and the tensorflow backend (set up in ${
      Math.round((Date.now() - started) / 1000)
    } s)`;
  writeState(COMPONENT, { ok: true, fingerprint: print, detail });
  return { ok: true, message: detail };
}
