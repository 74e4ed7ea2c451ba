/**
 * Opens a generated `report.html` in headless Debian Chromium (over the DevTools protocol) and
 * checks that every chart container holds a rendered SVG with marks and that the page logged
 * no errors, with the network cut off so any CDN use would fail.
 *
 * Needs Chrome/Chromium (`CHROME_PATH`, else on PATH; `deno task test` installs Debian's
 * `chromium` when it runs as root with apt); fails with the command to run when there is none.
 */
import assert from "node:assert/strict";
import { syntheticEvaluation, writeReport } from "../src/report/mod.ts";
import { PIXELS } from "../src/data/types.ts";
import { requireBrowser } from "../tools/provision/chromium.ts";

/** A minimal DevTools-protocol client over one browser WebSocket (flattened sessions). */
class DevTools {
  #socket: WebSocket;
  #nextId = 1;
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #listeners: ((method: string, params: Record<string, unknown>) => void)[] = [];

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.id !== undefined) {
        const pending = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        if (message.error) pending?.reject(new Error(JSON.stringify(message.error)));
        else pending?.resolve(message.result);
      } else {
        for (const listener of this.#listeners) listener(message.method, message.params);
      }
    };
  }

  static async connect(url: string): Promise<DevTools> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error(`cannot connect to ${url}`));
    });
    return new DevTools(socket);
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string) {
    const id = this.#nextId++;
    this.#socket.send(JSON.stringify({ id, method, params, sessionId }));
    return new Promise<Record<string, unknown>>((resolve, reject) =>
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
    );
  }

  on(listener: (method: string, params: Record<string, unknown>) => void) {
    this.#listeners.push(listener);
  }

  close() {
    this.#socket.close();
  }
}

async function devToolsUrl(stderr: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
    const match = text.match(/DevTools listening on (ws:\/\/\S+)/);
    if (match) {
      // Keep draining stderr so Chromium never blocks on a full pipe.
      (async () => {
        while (!(await reader.read()).done) { /* discard */ }
      })().catch(() => {});
      return match[1];
    }
  }
  throw new Error(`Chromium did not report a DevTools URL:\n${text}`);
}

interface ChartCheck {
  name: string;
  rendered: string | null;
  svgs: number;
  marks: number;
}

/** Loads `file` in Chromium; returns per-chart checks and every error the page logged. */
async function inspectInChromium(
  file: string,
): Promise<{ charts: ChartCheck[]; errors: string[] }> {
  const profile = await Deno.makeTempDir({ prefix: "digitkit-chromium-" });
  const browser = new Deno.Command(requireBrowser(), {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-dev-shm-usage",
      `--user-data-dir=${profile}`,
      "--remote-debugging-address=127.0.0.1",
      "--remote-debugging-port=0",
      "about:blank",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let devtools: DevTools | undefined;
  try {
    devtools = await DevTools.connect(await devToolsUrl(browser.stderr));
    const { targetId } = await devtools.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await devtools.send("Target.attachToTarget", { targetId, flatten: true });
    const session = sessionId as string;
    const errors: string[] = [];
    let loaded: () => void = () => {};
    const loadedPromise = new Promise<void>((resolve) => (loaded = resolve));
    devtools.on((method, params) => {
      if (
        method === "Runtime.consoleAPICalled" && ["error", "assert"].includes(String(params.type))
      ) {
        errors.push(`console.${params.type}: ${JSON.stringify(params.args).slice(0, 400)}`);
      } else if (method === "Runtime.exceptionThrown") {
        errors.push(`exception: ${JSON.stringify(params.exceptionDetails).slice(0, 400)}`);
      } else if (method === "Log.entryAdded") {
        const entry = params.entry as { level: string; text: string; url?: string };
        if (entry.level === "error") errors.push(`log: ${entry.text} ${entry.url ?? ""}`);
      } else if (method === "Page.loadEventFired") {
        loaded();
      }
    });
    for (const domain of ["Page.enable", "Runtime.enable", "Log.enable", "Network.enable"]) {
      await devtools.send(domain, {}, session);
    }
    // Offline: any attempt to fetch from a CDN fails and shows up as an error.
    await devtools.send("Network.emulateNetworkConditions", {
      offline: true,
      latency: 0,
      downloadThroughput: 0,
      uploadThroughput: 0,
    }, session);
    await devtools.send("Page.navigate", { url: new URL(`file://${file}`).href }, session);
    await loadedPromise;
    const { result } = await devtools.send("Runtime.evaluate", {
      expression: `(async () => {
        await window.chartsRendered;
        return JSON.stringify([...document.querySelectorAll("[data-chart]")].map((el) => ({
          name: el.dataset.chart,
          rendered: el.getAttribute("data-rendered"),
          svgs: el.querySelectorAll("svg").length,
          marks: el.querySelectorAll("svg [class*='mark-'] > *").length,
        })));
      })()`,
      awaitPromise: true,
      returnByValue: true,
    }, session) as { result: { value: string } };
    return { charts: JSON.parse(result.value), errors };
  } finally {
    devtools?.close();
    browser.kill("SIGKILL");
    await browser.status;
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

Deno.test({
  name: "report.html renders every chart offline in headless Chromium without errors",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const models = ["mlp", "lenet5", "cnn"];
    const run = syntheticEvaluation(models, [0.08, 0.04, 0.02], 200, 7);
    const root = await Deno.makeTempDir({ prefix: "digitkit-report-" });
    try {
      const { dir, report } = await writeReport({
        runName: "browser",
        evaluation: run.evaluation,
        comparison: run.comparison,
        images: { "synthetic-test": run.images },
        training: models.map((model, k) => ({
          model,
          history: [1, 2].map((epoch) => ({
            epoch,
            loss: 1 / (epoch + k),
            accuracy: 0.9,
            valLoss: 1.2 / (epoch + k),
            valAccuracy: 0.88,
          })),
        })),
        corruptionExamples: [1, 2, 3].map((severity) => ({
          corruption: "fog",
          severity,
          pixels: run.images.subarray(severity * PIXELS, (severity + 1) * PIXELS),
        })),
        reproducibility: {
          command: "deno test tests/report_browser_test.ts",
          seeds: { synthetic: 7 },
          backend: "cpu",
          versions: {},
          gitCommit: "test",
          wallSeconds: {},
        },
      }, { root });
      const html = await Deno.readTextFile(`${dir}/report.html`);
      assert.doesNotMatch(html, /<script[^>]+src=/, "no external scripts");
      assert.doesNotMatch(html, /https?:\/\/(cdn|unpkg|cdnjs)/, "no CDN references");

      const { charts, errors } = await inspectInChromium(`${dir}/report.html`);
      assert.deepEqual(errors, [], "page logged no errors");
      // Every figure appears in the comparison section or a card, so at least once on the page.
      const names = new Set(charts.map((c) => c.name));
      for (const f of report.figures) assert.ok(names.has(f.name), `chart ${f.name} on the page`);
      for (const chart of charts) {
        assert.equal(chart.rendered, "true", `${chart.name} rendered`);
        assert.ok(chart.svgs >= 1, `${chart.name} has an SVG`);
        assert.ok(chart.marks > 0, `${chart.name} has marks`);
      }
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "a study's report.html renders every chart offline in headless Chromium without errors",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { studyStatistics } = await import("../src/evaluate/study_stats.ts");
    const { syntheticStudyRuns } = await import("../src/evaluate/study_testing.ts");
    const { buildStudyReport, studyFigures } = await import("../src/report/study_report.ts");
    const { writeFilesAtomic } = await import("../src/report/write.ts");
    const stats = studyStatistics(
      syntheticStudyRuns({ a: [0.1, 0.12, 0.11], b: [0.2, 0.15, 0.22], c: [0.1, 0.3, 0.2] }),
      { replicates: 300 },
    );
    const root = await Deno.makeTempDir({ prefix: "digitkit-study-report-" });
    try {
      const files = await buildStudyReport({
        name: "browser-study",
        description: "synthetic cells",
        models: [],
        seeds: [1, 2, 3],
        training: {},
        evaluation: { suite: "quick", seed: 0 },
        stats,
      });
      await writeFilesAtomic(`${root}/report`, files);
      const html = await Deno.readTextFile(`${root}/report/report.html`);
      assert.doesNotMatch(html, /<script[^>]+src=/, "no external scripts");
      const { charts, errors } = await inspectInChromium(`${root}/report/report.html`);
      assert.deepEqual(errors, [], "page logged no errors");
      const names = new Set(charts.map((c) => c.name));
      for (const f of studyFigures(stats)) {
        assert.ok(names.has(f.name), `chart ${f.name} on the page`);
      }
      for (const chart of charts) {
        assert.equal(chart.rendered, "true", `${chart.name} rendered`);
        assert.ok(chart.marks > 0, `${chart.name} has marks`);
      }
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
