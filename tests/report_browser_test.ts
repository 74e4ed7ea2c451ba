/**
 * Opens a generated `report.html` in headless Debian Chromium (over the DevTools protocol) and
 * checks that every chart container holds a rendered SVG with marks, that clicking a table
 * heading sorts it, that clicking a confusion cell and a corruption × model cell shows their
 * digits with the right labels in the linked panel, and that the page logged no errors, with
 * the network cut off so any CDN use would fail.
 *
 * Needs Chrome/Chromium (`CHROME_PATH`, else on PATH; `deno task test` installs Debian's
 * `chromium` when it runs as root with apt); fails with the command to run when there is none.
 */
import assert from "node:assert/strict";
import { syntheticEvaluation, writeReport } from "../src/report/mod.ts";
import { PIXELS } from "../src/data/types.ts";
import { requireBrowser } from "../tools/provision/chromium.ts";
import { errorsLabel } from "../src/plots/linked.ts";

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

/** A loaded page: run JavaScript in it and click at viewport coordinates. */
interface Page {
  evaluate<T>(expression: string): Promise<T>;
  click(x: number, y: number): Promise<void>;
  hover(x: number, y: number): Promise<void>;
}

/**
 * Loads `file` in Chromium with the network off, waits for the charts, runs `use` on the page;
 * returns its result and every error the page logged meanwhile.
 */
async function withChromium<T>(
  file: string,
  use: (page: Page) => Promise<T>,
): Promise<{ value: T; errors: string[] }> {
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
      "--window-size=1400,1000",
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
    const tools = devtools;
    const page: Page = {
      async evaluate<T>(expression: string) {
        const { result, exceptionDetails } = await tools.send("Runtime.evaluate", {
          expression: `(async () => JSON.stringify(await (${expression})))()`,
          awaitPromise: true,
          returnByValue: true,
        }, session) as { result: { value: string }; exceptionDetails?: unknown };
        if (exceptionDetails) throw new Error(JSON.stringify(exceptionDetails).slice(0, 600));
        return (result.value === undefined ? undefined : JSON.parse(result.value)) as T;
      },
      async hover(x, y) {
        for (const dx of [-3, 0]) {
          await tools.send(
            "Input.dispatchMouseEvent",
            { type: "mouseMoved", x: x + dx, y },
            session,
          );
        }
      },
      async click(x, y) {
        for (const type of ["mouseMoved", "mousePressed", "mouseReleased"]) {
          await tools.send("Input.dispatchMouseEvent", {
            type,
            x,
            y,
            button: type === "mouseMoved" ? "none" : "left",
            clickCount: type === "mouseMoved" ? 0 : 1,
          }, session);
        }
      },
    };
    await page.evaluate("window.chartsRendered");
    return { value: await use(page), errors };
  } finally {
    devtools?.close();
    browser.kill("SIGKILL");
    await browser.status;
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

/** Every chart container's state: rendered, with an SVG holding marks. */
function checkCharts(page: Page): Promise<ChartCheck[]> {
  return page.evaluate(`[...document.querySelectorAll("[data-chart]")].map((el) => ({
    name: el.dataset.chart,
    rendered: el.getAttribute("data-rendered"),
    svgs: el.querySelectorAll("svg").length,
    marks: el.querySelectorAll("svg [class*='mark-'] > *").length,
  }))`);
}

/** Hovers the first point of the first degradation chart; returns the tooltip's text. */
async function hoverDegradation(page: Page): Promise<string> {
  const box = await page.evaluate<{ x: number; y: number }>(`(() => {
    const point = document.querySelector('[data-chart^="degradation-"] svg g.mark-symbol path');
    point.scrollIntoView({ block: "center", inline: "center" });
    const r = point.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  })()`);
  await page.hover(box.x, box.y);
  return await page.evaluate(`(async () => {
    const text = () => document.getElementById("vg-tooltip-element")?.innerText ?? "";
    for (let i = 0; i < 60 && !text().includes("[95% CI]"); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    return text();
  })()`);
}

/**
 * Clicks the mark of `chart` whose ARIA label (Vega-Lite's description of the datum) contains
 * every one of `parts`, then waits until the linked panel's heading reads `heading`; returns
 * the panel's pictures and caption texts.
 */
async function clickAndReadPanel(
  page: Page,
  chart: string,
  parts: string[],
  heading: string,
): Promise<{ images: number; captions: string[] }> {
  const box = await page.evaluate<{ x: number; y: number } | null>(`(() => {
    const parts = ${JSON.stringify(parts)};
    const marks = [...document.querySelectorAll('[data-chart="${chart}"] svg [aria-label]')];
    const mark = marks.find((m) => parts.every((p) => m.getAttribute("aria-label").includes(p)));
    if (!mark) return null;
    mark.scrollIntoView({ block: "center", inline: "center" });
    const r = mark.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  })()`);
  assert.ok(box, `a mark of ${chart} labelled ${parts.join(", ")}`);
  await page.click(box.x, box.y);
  return await page.evaluate(`(async () => {
    const root = document.querySelector('[data-chart="${chart}"]');
    const texts = () => [...root.querySelectorAll("svg text")].map((t) => t.textContent);
    for (let i = 0; i < 100 && !texts().includes(${JSON.stringify(heading)}); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const panel = root.querySelectorAll("svg g.mark-image image");
    return { images: panel.length, captions: texts() };
  })()`);
}

Deno.test({
  name:
    "report.html renders every chart offline in Chromium; clicks sort tables and link charts to digits",
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
      // A confusion cell other than the preselected largest one, and a heatmap cell likewise.
      const lenet = run.evaluation.conditions.find((c) =>
        c.kind === "clean" && c.model === "lenet5"
      )!;
      const top = lenet.confusion.topPairs[0];
      const other = lenet.misclassified.find((m) =>
        m.trueLabel !== top.trueLabel || m.predicted !== top.predicted
      )!;
      const pairErrors = lenet.misclassified.filter((m) =>
        m.trueLabel === other.trueLabel && m.predicted === other.predicted
      ).slice(0, 12);
      const pair = {
        aria: [`true class: ${other.trueLabel}`, `predicted class: ${other.predicted}`],
        heading: `true ${other.trueLabel} → predicted ${other.predicted}: ` +
          errorsLabel(lenet.confusion.counts[other.trueLabel][other.predicted]),
        expected: pairErrors.map((m) => `${m.trueLabel}→${m.predicted}`),
      };
      const blurred = run.evaluation.conditions.filter((c) =>
        c.kind === "corruption" && c.factor === "motion_blur" && c.model === "cnn"
      );
      const cell = {
        aria: ["corruption: motion blur", "model: cnn"],
        heading: "cnn under motion blur",
        expected: blurred.flatMap((c) =>
          c.misclassified.slice(0, 4).map((m) => `true ${m.trueLabel}`)
        ),
      };
      assert.doesNotMatch(html, /<script[^>]+src=/, "no external scripts");
      assert.doesNotMatch(html, /https?:\/\/(cdn|unpkg|cdnjs)/, "no CDN references");

      const { value, errors } = await withChromium(`${dir}/report.html`, async (page) => ({
        charts: await checkCharts(page),
        // Sorting a table by clicking a numeric heading (report.html runs the sort script).
        sorted: await page.evaluate<number[]>(`(() => {
          const table = [...document.querySelectorAll("table")].find((t) =>
            t.tHead.textContent.includes("misclassification [95% CI]"));
          const column = [...table.tHead.rows[0].cells].findIndex((th) =>
            th.textContent.startsWith("misclassification"));
          // The ranking is already ascending: a second click must reverse it.
          table.tHead.rows[0].cells[column].click();
          table.tHead.rows[0].cells[column].click();
          return [...table.tBodies[0].rows].map((r) => parseFloat(r.cells[column].textContent));
        })()`),
        confusion: await clickAndReadPanel(page, "lenet5-confusion", pair.aria, pair.heading),
        tooltip: await hoverDegradation(page),
        heatmap: await clickAndReadPanel(
          page,
          "corruptions-synthetic-test",
          cell.aria,
          cell.heading,
        ),
      }));
      const { charts } = value;
      assert.deepEqual(errors, [], "page logged no errors");
      // Every figure appears in the comparison section or a card, so at least once on the page.
      const names = new Set(charts.map((c) => c.name));
      for (const f of report.figures) assert.ok(names.has(f.name), `chart ${f.name} on the page`);
      for (const chart of charts) {
        assert.equal(chart.rendered, "true", `${chart.name} rendered`);
        assert.ok(chart.svgs >= 1, `${chart.name} has an SVG`);
        assert.ok(chart.marks > 0, `${chart.name} has marks`);
      }
      assert.ok(value.sorted.length >= 3, `ranking rows ${value.sorted}`);
      assert.deepEqual(value.sorted, [...value.sorted].sort((a, b) => b - a), "sorted descending");
      assert.notDeepEqual(value.sorted, [...value.sorted].sort((a, b) => a - b), "order changed");
      // Hovering a degradation curve lists every model's error and interval at that level.
      for (const model of models) {
        assert.match(
          value.tooltip,
          new RegExp(`${model} \\[95% CI\\]\\s+\\d+\\.\\d\\d% \\[`),
          value.tooltip,
        );
      }
      // The confusion cell's linked panel: its stored mistakes, labelled true→predicted.
      assert.ok(
        value.confusion.captions.includes(pair.heading),
        value.confusion.captions.join("|"),
      );
      assert.equal(value.confusion.images, pair.expected.length);
      assert.deepEqual(
        value.confusion.captions.filter((t) => /^\d→\d /.test(t)).map((t) => t.slice(0, 3)),
        pair.expected,
      );
      // The heatmap cell's panel: that model's errors per severity with each model's prediction.
      assert.ok(value.heatmap.captions.includes(cell.heading), value.heatmap.captions.join("|"));
      assert.equal(value.heatmap.images, cell.expected.length);
      assert.deepEqual(
        value.heatmap.captions.filter((t) => t.startsWith("true ")).map((t) => t.slice(0, 6))
          .sort(),
        cell.expected.sort(),
      );
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
      const { value: charts, errors } = await withChromium(
        `${root}/report/report.html`,
        checkCharts,
      );
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
