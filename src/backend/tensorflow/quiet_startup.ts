/**
 * libtensorflow 2.21 prints two lines on stderr when tfjs-node loads ("WARNING: All log messages
 * before absl::InitializeLog() is called are written to STDERR", "I0000 … oneDNN custom
 * operations are on …"), which `TF_CPP_MIN_LOG_LEVEL` does not silence (absl logs them before
 * TensorFlow's own logging reads it). While the backend loads, stderr (file descriptor 2) goes
 * to a temporary file; afterwards everything in it except those two lines is written to the
 * real stderr, so no other message, ours or libtensorflow's, is lost.
 *
 * @module
 */

/** The start-up lines dropped; any other line is replayed. */
const BANNER = [
  /^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$/,
  /^I\d{4} [\d:.]+\s+\d+ port\.cc:\d+\] oneDNN custom operations are on\./,
];

/**
 * `text` without libtensorflow's start-up banner lines.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { withoutStartupBanner } from "./quiet_startup.ts";
 * const text = "WARNING: All log messages before absl::InitializeLog() is called are written " +
 *   "to STDERR\nreal problem\n";
 * strictEqual(withoutStartupBanner(text), "real problem\n");
 * ```
 */
export function withoutStartupBanner(text: string): string {
  return text.split(/(?<=\n)/).filter((line) => !BANNER.some((re) => re.test(line.trimEnd())))
    .join("");
}

const LIBC = {
  dup: { parameters: ["i32"], result: "i32" },
  dup2: { parameters: ["i32", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  open: { parameters: ["buffer", "i32", "i32"], result: "i32" },
} as const;

/** O_WRONLY | O_CREAT | O_TRUNC on Linux. */
const WRITE_FLAGS = 0o1 | 0o100 | 0o1000;

/**
 * Runs `load` with stderr captured, then replays the capture minus the banner. Outside Linux,
 * or without FFI permission, runs `load` unchanged.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { withQuietStartup } from "./quiet_startup.ts";
 * const answer = await withQuietStartup(() => Promise.resolve(42)); // e.g. import("@tensorflow/tfjs-node")
 * strictEqual(answer, 42);
 * ```
 */
export async function withQuietStartup<T>(load: () => Promise<T>): Promise<T> {
  if (
    Deno.build.os !== "linux" || Deno.permissions.querySync({ name: "ffi" }).state !== "granted"
  ) {
    return await load();
  }
  let libc: Deno.DynamicLibrary<typeof LIBC>;
  try {
    libc = Deno.dlopen("libc.so.6", LIBC);
  } catch {
    return await load();
  }
  const file = Deno.makeTempFileSync({ prefix: "digitkit-stderr-" });
  const target = libc.symbols.open(new TextEncoder().encode(file + "\0"), WRITE_FLAGS, 0o600);
  const saved = target >= 0 ? libc.symbols.dup(2) : -1;
  const redirected = saved >= 0 && libc.symbols.dup2(target, 2) === 2;
  try {
    return await load();
  } finally {
    if (redirected) libc.symbols.dup2(saved, 2);
    for (const fd of [saved, target]) if (fd >= 0) libc.symbols.close(fd);
    libc.close();
    const captured = withoutStartupBanner(Deno.readTextFileSync(file));
    Deno.removeSync(file);
    const bytes = new TextEncoder().encode(captured);
    for (let at = 0; at < bytes.length;) at += Deno.stderr.writeSync(bytes.subarray(at));
  }
}
