/**
 * A throwaway JupyterLab 4 server from the project's Python for browser tests: 127.0.0.1, a
 * random free port and token, the project's Deno kernelspec, and settings, workspaces and
 * runtime files in a temporary folder (the user's own Jupyter setup is never read or written).
 *
 * @module
 */
import { join } from "node:path";
import { jupyterEnv } from "../../tools/nb/jupyter_env.ts";
import { requirePython } from "../../tools/provision/python.ts";

/** A running server; `stop()` ends it and removes its temporary folder. */
export interface JupyterLabServer {
  /** Base URL without token, e.g. `http://127.0.0.1:43125`. */
  url: string;
  token: string;
  /** Server output so far (for failure messages). */
  log: () => string;
  stop: () => Promise<void>;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Starts JupyterLab serving `rootDir` with `settings` (plugin id → settings object) as user
 * settings and without the extensions named in `disabledExtensions` (e.g.
 * `"@jupyterlab/debugger-extension"`); resolves once its REST API answers.
 */
export async function startJupyterLab(
  rootDir: string,
  settings: Record<string, unknown> = {},
  disabledExtensions: readonly string[] = [],
): Promise<JupyterLabServer> {
  const python = requirePython(["jupyterlab"]);
  const home = await Deno.makeTempDir({ prefix: "digitkit-jupyterlab-" });
  // What `jupyter labextension disable` writes, in this server's own config folder.
  await Deno.mkdir(join(home, "config", "labconfig"), { recursive: true });
  await Deno.writeTextFile(
    join(home, "config", "labconfig", "page_config.json"),
    JSON.stringify({
      disabledExtensions: Object.fromEntries(disabledExtensions.map((name) => [name, true])),
    }),
  );
  for (const [plugin, values] of Object.entries(settings)) {
    const [pkg, name] = plugin.split(":");
    await Deno.mkdir(join(home, "settings", pkg), { recursive: true });
    await Deno.writeTextFile(
      join(home, "settings", pkg, `${name}.jupyterlab-settings`),
      JSON.stringify(values),
    );
  }
  const port = freePort();
  const token = crypto.randomUUID().replaceAll("-", "");
  const child = new Deno.Command(python, {
    args: [
      "-m",
      "jupyterlab",
      "--no-browser",
      "--ip=127.0.0.1",
      `--port=${port}`,
      "--port-retries=0",
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${rootDir}`,
      // Lets the test reach the notebook panel's model (outputs, kernel status).
      "--LabApp.expose_app_in_browser=True",
      "--LabApp.news_url=None",
      "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
      ...(Deno.uid() === 0 ? ["--allow-root"] : []),
    ],
    env: {
      ...jupyterEnv(),
      JUPYTER_RUNTIME_DIR: join(home, "runtime"),
      JUPYTERLAB_SETTINGS_DIR: join(home, "settings"),
      JUPYTERLAB_WORKSPACES_DIR: join(home, "workspaces"),
      JUPYTER_CONFIG_DIR: join(home, "config"),
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let log = "";
  const decoder = new TextDecoder();
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) log += decoder.decode(chunk, { stream: true });
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, 10_000);
    await child.status;
    clearTimeout(timer);
    await drained.catch(() => {});
    await Deno.remove(home, { recursive: true }).catch(() => {});
  };
  const deadline = Date.now() + 120_000;
  let exited = false;
  child.status.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const response = await fetch(`${url}/api/status?token=${token}`);
      await response.body?.cancel();
      if (response.ok) return { url, token, log: () => log, stop };
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await stop();
  throw new Error(`JupyterLab did not answer on ${url}:\n${log.slice(-3000)}`);
}
