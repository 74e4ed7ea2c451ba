/**
 * Runs the `kit` CLI as a subprocess, the way a user does, for end-to-end tests.
 *
 * @module
 */

const CLI = new URL("../../src/cli.ts", import.meta.url).pathname;
const ROOT = new URL("../..", import.meta.url).pathname;

/** Exit code and decoded output of one CLI run. */
export interface KitRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `deno run --allow-all src/cli.ts ...args` from the repo root, without colours.
 *
 * @example
 * ```ts
 * import { runKit } from "./kit.ts";
 * const { code, stdout } = await runKit(["models", "--json"]);
 * console.log(code, JSON.parse(stdout).models.length > 0); // 0 true
 * ```
 */
export async function runKit(args: string[], env: Record<string, string> = {}): Promise<KitRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CLI, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** A {@link KitRun} with its wall time and peak memory. */
export interface MeasuredKitRun extends KitRun {
  /** Wall-clock seconds, start to exit. */
  seconds: number;
  /** Peak resident set (VmHWM, sampled every 25 ms), MB. */
  peakRssMb: number;
}

/** Options of {@link runKitMeasured}. */
export interface MeasureOptions {
  /** Extra environment. */
  env?: Record<string, string>;
  /**
   * Make file modes apply: as root, run without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
   * (setpriv), so root reads files like their owner, no more; as anyone else, run as is.
   */
  fileModesApply?: boolean;
  /** Kill after this many seconds (default 60). */
  timeoutS?: number;
}

/** Peak resident set of a live process (VmHWM), in MB; 0 once it has exited. */
async function peakRss(pid: number): Promise<number> {
  try {
    const status = await Deno.readTextFile(`/proc/${pid}/status`);
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/**
 * Runs the CLI like {@link runKit}, measuring its wall time and peak memory (Linux /proc).
 *
 * @example
 * ```ts
 * import { runKitMeasured } from "./kit.ts";
 * const { code, peakRssMb } = await runKitMeasured(["data", "--path", "nowhere"]);
 * console.log(code, peakRssMb > 0); // 1 true
 * ```
 */
export async function runKitMeasured(
  args: string[],
  { env = {}, fileModesApply = false, timeoutS = 60 }: MeasureOptions = {},
): Promise<MeasuredKitRun> {
  const deno = ["run", "--allow-all", CLI, ...args];
  const drop = "-dac_override,-dac_read_search";
  const [command, commandArgs] = fileModesApply && Deno.uid() === 0
    ? ["setpriv", [`--bounding-set=${drop}`, `--inh-caps=${drop}`, Deno.execPath(), ...deno]]
    : [Deno.execPath(), deno];
  const started = performance.now();
  const child = new Deno.Command(command, {
    args: commandArgs,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutS * 1000);
  let peak = 0, done = false;
  const sampling = (async () => {
    while (!done) {
      peak = Math.max(peak, await peakRss(child.pid));
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  const out = await child.output();
  done = true;
  clearTimeout(timer);
  await sampling;
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return {
    code: out.code,
    stdout: decode(out.stdout),
    stderr: decode(out.stderr),
    seconds: (performance.now() - started) / 1000,
    peakRssMb: peak,
  };
}
