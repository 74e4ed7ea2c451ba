/**
 * The browser of the browser tests: `$CHROME_PATH`, else a Chrome/Chromium on `PATH`, else
 * (as root with apt) Debian's `chromium` with `fonts-dejavu-core` installed by provisioning.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { UsageError } from "../../src/util/errors.ts";
import { readState, writeState } from "./state.ts";

/** Executable names tried on `PATH`, in order. */
export const BROWSER_NAMES: readonly string[] = [
  "chromium",
  "chromium-browser",
  "google-chrome",
  "google-chrome-stable",
  "chrome",
];

/** Debian packages provisioning installs when it runs as root with apt. */
export const APT_PACKAGES: readonly string[] = ["chromium", "fonts-dejavu-core"];

const COMPONENT = "chromium";
const INSTALL_HINT = "install Chromium (Debian: `apt-get install chromium fonts-dejavu-core`) " +
  "or set CHROME_PATH to a Chrome/Chromium executable";

/** Where Debian's `chromium` package puts the browser, for a `PATH` that lacks /usr/bin. */
export const DEBIAN_BROWSER = "/usr/bin/chromium";

/**
 * `$CHROME_PATH` when set, else the first of {@link BROWSER_NAMES} found on `path`, else the
 * first of `fallbacks` that exists; null when there is none.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { findBrowser } from "./chromium.ts";
 * deepStrictEqual(findBrowser("/nonexistent", undefined, []), null);
 * deepStrictEqual(findBrowser("", "/opt/chrome/chrome"), "/opt/chrome/chrome");
 * ```
 */
export function findBrowser(
  path: string = Deno.env.get("PATH") ?? "",
  chromePath: string | undefined = Deno.env.get("CHROME_PATH"),
  fallbacks: readonly string[] = [DEBIAN_BROWSER],
): string | null {
  if (chromePath) return chromePath;
  for (const dir of path.split(delimiter).filter(Boolean)) {
    for (const name of BROWSER_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return fallbacks.find((candidate) => existsSync(candidate)) ?? null;
}

/**
 * Debian packages of {@link APT_PACKAGES} not installed (all of them without dpkg). A package
 * removed but not purged is still listed by `dpkg-query -W`, so its status decides.
 */
async function missingPackages(): Promise<string[]> {
  const missing: string[] = [];
  for (const name of APT_PACKAGES) {
    let status = "";
    try {
      const out = await new Deno.Command("dpkg-query", {
        args: ["-W", "-f=${Status}", name],
        stdout: "piped",
        stderr: "null",
      }).output();
      status = new TextDecoder().decode(out.stdout);
    } catch { /* no dpkg */ }
    if (status !== "install ok installed") missing.push(name);
  }
  return missing;
}

/**
 * Finds the browser, installing Debian's when running as root with apt and none is there.
 * Never throws: a failure is recorded for {@link requireBrowser} and returned.
 */
export async function provisionChromium(): Promise<{ ok: boolean; message: string }> {
  const state = readState(COMPONENT);
  const found = findBrowser();
  if (found && state?.ok && state.fingerprint === found) return { ok: true, message: found };
  const canApt = Deno.uid() === 0 && existsSync("/usr/bin/apt-get");
  let aptFailed = false;
  if (canApt && !Deno.env.get("CHROME_PATH")) {
    const missing = await missingPackages();
    if (missing.length > 0 && (!found || missing.includes("fonts-dejavu-core"))) {
      const wanted = found ? missing.filter((p) => p !== "chromium") : missing;
      console.error(`[setup] apt-get install ${wanted.join(" ")}`);
      const env = { ...Deno.env.toObject(), DEBIAN_FRONTEND: "noninteractive" };
      const apt = async (args: string[]) =>
        (await new Deno.Command("apt-get", { args, env, stdout: "null", stderr: "inherit" })
          .output()).success;
      aptFailed = !(await apt(["update", "-qq"]) &&
        await apt(["install", "-y", "-qq", "--no-install-recommends", ...wanted]));
      if (aptFailed) console.error(`[setup] apt-get install ${wanted.join(" ")} failed`);
    }
  }
  const browser = findBrowser();
  if (!browser || !existsSync(browser)) {
    const why = !canApt
      ? "not root with apt"
      : aptFailed
      ? "apt-get install failed"
      : "none after apt-get install";
    const message = browser
      ? `CHROME_PATH=${browser} does not exist`
      : `no Chrome/Chromium on PATH (${why}): ${INSTALL_HINT}`;
    writeState(COMPONENT, { ok: false, fingerprint: "", message });
    return { ok: false, message };
  }
  writeState(COMPONENT, { ok: true, fingerprint: browser, detail: browser });
  return { ok: true, message: browser };
}

/**
 * The browser for tests; throws a {@link UsageError} naming the fix when there is none.
 *
 * @example
 * ```ts ignore
 * import { requireBrowser } from "./chromium.ts";
 * const chromium = requireBrowser(); // e.g. /usr/bin/chromium
 * ```
 */
export function requireBrowser(): string {
  const browser = findBrowser();
  if (browser && existsSync(browser)) return browser;
  if (browser) throw new UsageError(`CHROME_PATH=${browser} does not exist: ${INSTALL_HINT}`);
  const state = readState(COMPONENT);
  throw new UsageError(state && !state.ok ? state.message : `no Chrome/Chromium: ${INSTALL_HINT}`);
}
