/**
 * The notebooks in a real client: JupyterLab 4 (from `.tools/venv`, with the project's Deno
 * kernel) driven by headless Chromium through `puppeteer-core`. Each notebook, with its quick
 * parameters injected, is opened in the UI and run with Run ▸ Run All Cells; once the kernel is
 * idle, every code cell must have run without an error output and every chart cell must show a
 * chart drawn by JupyterLab's Vega renderer (an SVG with marks, or a canvas with ink), and the
 * page must log no errors (no exception, no failed load such as a broken image). One
 * screenshot per notebook goes to `reports/notebooks/<name>.png`. Where a notebook shows linked
 * charts (`03-evaluate`: the confusion and corruption × model explorers), the test clicks a cell
 * other than the preselected one with the mouse and checks the digits the panel beside it then
 * shows against the evaluation the notebook wrote.
 *
 * Needs the provisioned venv and Chrome/Chromium; fails with the command to run otherwise.
 * `02-train` trains the models `03-evaluate` and `04-compare-and-report` use, so the notebooks
 * run in name order.
 */
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import puppeteer, { type Page } from "puppeteer-core";
import type { ConditionResult, EvaluationResult } from "../src/evaluate/types.ts";
import { factorName } from "../src/plots/degradation.ts";
import { errorsLabel } from "../src/plots/linked.ts";
import { findNotebooks } from "../tools/nb/executor.ts";
import { REPO_ROOT } from "../tools/nb/jupyter_env.ts";
import { readNotebook } from "../tools/nb/notebook_file.ts";
import { withQuickParameters } from "../tools/nb/quick_copy.ts";
import { requireBrowser } from "../tools/provision/chromium.ts";
import { startJupyterLab } from "./helpers/jupyterlab.ts";

/** Longest a notebook may take in the UI, from Run All to an idle kernel. */
const NOTEBOOK_TIMEOUT_MS = 20 * 60_000;
const SCREENSHOTS = join(REPO_ROOT, "reports", "notebooks");
/** Where `03-evaluate.ipynb` writes its evaluation (`kit.repoRoot()/reports/notebook-runs`). */
const EVALUATION = join(REPO_ROOT, "reports", "notebook-runs", "evaluation", "results.json");

/**
 * Objects inside the page (DOM nodes, JupyterLab's widgets): the functions handed to
 * `page.evaluate` run in the browser, where this file's Deno types do not apply.
 */
// deno-lint-ignore no-explicit-any
type InPage = any;

/** What the page reports about one code cell after the run. */
interface CellReport {
  index: number;
  source: string;
  executionCount: number | null;
  errors: string[];
  /** Outputs carrying a Vega or Vega-Lite spec. */
  charts: number;
  /** Selection fields of the linked charts among them, e.g. `"true,predicted"`. */
  linked: string[];
  /** Per Vega view in the cell's DOM: marks in its SVG and inked canvas pixels. */
  views: { svgMarks: number; canvasInk: number }[];
}

/** Clicks the first element matching `selector` whose text is exactly `text`. */
async function clickText(page: Page, selector: string, text: string): Promise<void> {
  const handle = await page.waitForFunction(
    (sel: string, label: string) =>
      [...(globalThis as InPage).document.querySelectorAll(sel)].find((el) =>
        el.textContent?.trim() === label
      ),
    { timeout: 30_000 },
    selector,
    text,
  );
  await (handle as unknown as { click: () => Promise<void> }).click();
}

/** Kernel status and whether any code cell is still queued or running. */
function progress(page: Page) {
  return page.evaluate(() => {
    const panel = (globalThis as InPage).jupyterapp.shell.currentWidget;
    const cells = panel.content.widgets.filter((c: InPage) => c.model.type === "code");
    return {
      status: String(panel.sessionContext.session?.kernel?.status ?? "none"),
      pending: cells.filter(
        (c: InPage) => c.model.executionState === "running" || /\*/.test(c.promptNode?.textContent),
      ).length,
      executed: cells.filter(
        (c: InPage) => c.model.executionCount !== null,
      ).length,
      total: cells.length,
    };
  });
}

function inspectCells(page: Page): Promise<CellReport[]> {
  return page.evaluate(() => {
    const ink = (canvas: InPage | null) => {
      if (!canvas || canvas.width === 0 || canvas.height === 0) return 0;
      const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240)) count++;
      }
      return count;
    };
    const panel = (globalThis as InPage).jupyterapp.shell.currentWidget;
    return panel.content.widgets.flatMap((cell: InPage, index: number) => {
      if (cell.model.type !== "code") return [];
      const outputs = cell.model.outputs.toJSON() as {
        output_type: string;
        data?: Record<string, unknown>;
        ename?: string;
        evalue?: string;
      }[];
      return [{
        index,
        source: String(cell.model.sharedModel.getSource()).slice(0, 120),
        executionCount: cell.model.executionCount,
        errors: outputs.filter((o) => o.output_type === "error").map((o) =>
          `${o.ename}: ${o.evalue}`
        ),
        charts: outputs.filter((o) =>
          Object.keys(o.data ?? {}).some((k) =>
            /^application\/vnd\.vega(lite)?\.v\d/.test(k)
          )
        ).length,
        linked: outputs.flatMap((o) => {
          const spec = o.data?.["application/vnd.vegalite.v5+json"] as InPage;
          const fields = spec?.hconcat?.[0]?.layer?.[0]?.params?.[0]?.select?.fields;
          return fields ? [fields.join(",")] : [];
        }),
        views: [...cell.node.querySelectorAll(".vega-embed")].map((view: InPage) => ({
          svgMarks: view.querySelectorAll("svg [class*='mark-'] > *").length,
          canvasInk: ink(view.querySelector("canvas")),
        })),
      }];
    });
  });
}

/** A click on a linked chart: the mark to click and what its panel must then show. */
interface LinkedClick {
  /** Which explorer: its panel's selection fields, e.g. `["true", "predicted"]`. */
  fields: string[];
  /** `name: value` items the clicked mark's ARIA label (Vega-Lite's description) holds. */
  aria: string[];
  heading: string;
  /** The first caption line of every digit the panel must show, in any order. */
  captions: string[];
  /** Tells the panel's captions (all their lines) from the chart's other texts. */
  captionText: RegExp;
}

/** What the panel of a linked chart shows after a click. */
interface PanelReading {
  images: number;
  /** Every text of the chart's SVG, lines joined with `\n`. */
  texts: string[];
}

/**
 * The confusion cell and the corruption × model cell to click, from the evaluation
 * `03-evaluate.ipynb` wrote: a pair other than the preselected largest one in the confusion
 * matrix of the most accurate model on the first test set (as the notebook picks it), and a
 * (corruption, model) cell other than the preselected worst one that has errors to show.
 */
function expectedClicks(result: EvaluationResult): LinkedClick[] {
  const testSet = result.testSets[0].name;
  const clean = result.conditions.filter((c) => c.kind === "clean" && c.testSet === testSet);
  const best = clean.reduce((a, b) => b.overall.accuracy > a.overall.accuracy ? b : a);
  const names = best.report.classes.map((c) => c.name);
  const top = best.confusion.topPairs[0];
  const other = best.misclassified.find((m) =>
    m.trueLabel !== top.trueLabel || m.predicted !== top.predicted
  );
  assert.ok(other, `${best.model} has errors outside its largest confusion pair`);
  const [t, p] = [names[other.trueLabel], names[other.predicted]];
  const confusion: LinkedClick = {
    fields: ["true", "predicted"],
    aria: [`true class: ${t}`, `predicted class: ${p}`],
    heading: `true ${t} → predicted ${p}: ` +
      errorsLabel(best.confusion.counts[other.trueLabel][other.predicted]),
    // confusionExplorerSpec's default: the 12 most confident mistakes of a pair.
    captions: best.misclassified.filter((m) =>
      m.trueLabel === other.trueLabel && m.predicted === other.predicted
    ).slice(0, 12).map((m) => `${t}→${p} ${m.confidence.toFixed(2)}`),
    captionText: /^\S+→\S+ \d\.\d\d$/,
  };
  // The preselected heatmap cell: the largest mean error (corruptionExplorerSpec's choice).
  let worst = { error: -1, model: "", corruption: "" };
  for (const summary of result.robustness.filter((r) => r.testSet === testSet)) {
    for (const c of summary.corruptions) {
      if (c.meanError > worst.error) {
        worst = { error: c.meanError, model: summary.model, corruption: c.corruption };
      }
    }
  }
  const corrupted = (model: string, factor: string) =>
    result.conditions.filter((c): c is ConditionResult & { factor: string } =>
      c.kind === "corruption" && c.testSet === testSet && c.model === model &&
      c.factor === factor
    );
  const cells = result.robustness.filter((r) => r.testSet === testSet).flatMap((r) =>
    r.corruptions.map((c) => ({ model: r.model, corruption: c.corruption }))
  );
  const cell = cells.find((c) =>
    (c.model !== worst.model || c.corruption !== worst.corruption) &&
    corrupted(c.model, c.corruption).some((r) => r.misclassified.length > 0)
  );
  assert.ok(cell, "a corruption × model cell other than the worst one has errors");
  const heatmap: LinkedClick = {
    fields: ["row", "column"],
    aria: [`corruption: ${factorName(cell.corruption)}`, `model: ${cell.model}`],
    heading: `${cell.model} under ${factorName(cell.corruption)}`,
    // corruptionExplorerSpec's default: the first 4 errors at each severity.
    captions: corrupted(cell.model, cell.corruption).flatMap((r) =>
      r.misclassified.slice(0, 4).map((m) => `true ${names[m.trueLabel]}`)
    ),
    // "true 7" over a line per model's prediction.
    captionText: /^true \S+\n/,
  };
  return [confusion, heatmap];
}

/**
 * Clicks, with the mouse, the mark of the linked chart whose panel selects `click.fields`
 * (found through the cell outputs' Vega-Lite specs) whose ARIA label holds every item of
 * `click.aria`; waits for the panel's heading and returns what the chart then shows. The marks
 * are SVG elements because the linked specs ask vega-embed for its SVG renderer.
 */
async function clickLinked(page: Page, click: LinkedClick): Promise<PanelReading> {
  const box = await page.evaluate(
    (fields: string[], aria: string[]) => {
      const panel = (globalThis as InPage).jupyterapp.shell.currentWidget;
      const cell = panel.content.widgets.find((c: InPage) =>
        c.model.type === "code" &&
        c.model.outputs.toJSON().some((o: InPage) => {
          const spec = o.data?.["application/vnd.vegalite.v5+json"];
          const chart = spec?.hconcat?.[0]?.layer?.[0];
          return JSON.stringify(chart?.params?.[0]?.select?.fields) === JSON.stringify(fields);
        })
      );
      if (!cell) return { error: `no cell shows a linked chart selecting ${fields}` };
      const marks = [...cell.node.querySelectorAll(".vega-embed svg [aria-label]")];
      const mark = marks.find((m: InPage) => {
        const items = m.getAttribute("aria-label").split("; ");
        return aria.every((part) => items.includes(part));
      });
      if (!mark) {
        const labels = marks.slice(0, 5).map((m: InPage) => m.getAttribute("aria-label"));
        return { error: `no mark labelled ${aria.join(", ")} among ${marks.length}: ${labels}` };
      }
      mark.scrollIntoView({ block: "center", inline: "center" });
      const r = mark.getBoundingClientRect();
      cell.node.dataset.linkedClick = fields.join(",");
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    },
    click.fields,
    click.aria,
  ) as { x: number; y: number; error?: string };
  assert.ok(!box.error, box.error ?? "");
  await page.mouse.click(box.x, box.y);
  const view = `[data-linked-click="${click.fields.join(",")}"] .vega-embed svg`;
  // The view redraws after the click's dataflow run: poll until the panel's heading shows.
  let reading = await page.evaluate(readPanel, view);
  for (let i = 0; i < 150 && !reading.texts.includes(click.heading); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    reading = await page.evaluate(readPanel, view);
  }
  return reading;
}

/** The pictures and texts (lines joined with `\n`) in the SVG at `selector`; runs in the page. */
function readPanel(selector: string): PanelReading {
  const svg = (globalThis as InPage).document.querySelector(selector);
  if (!svg) return { images: 0, texts: [] };
  return {
    images: svg.querySelectorAll("g.mark-image image").length,
    texts: [...svg.querySelectorAll("text")].map((text: InPage) => {
      const lines = [...text.querySelectorAll("tspan")].map((line: InPage) => line.textContent);
      return lines.length > 0 ? lines.join("\n") : text.textContent;
    }),
  };
}

/** Opens `name` in JupyterLab, runs all cells from the Run menu, waits, checks, screenshots. */
async function runInUi(page: Page, base: string, token: string, name: string) {
  // `reset`: a clean workspace, so earlier notebooks are not reopened (with their kernels).
  await page.goto(`${base}/lab/tree/${encodeURIComponent(name)}?reset&token=${token}`);
  await page.waitForFunction(
    (path: string) => {
      const panel = (globalThis as InPage).jupyterapp?.shell?.currentWidget;
      return panel?.context?.path === path && panel.context.isReady &&
        panel.sessionContext.session?.kernel?.status === "idle";
    },
    { timeout: 120_000, polling: 500 },
    name,
  );
  await clickText(page, ".lm-MenuBar-itemLabel", "Run");
  await clickText(page, ".lm-Menu-itemLabel", "Run All Cells");
  const started = Date.now();
  let idleChecks = 0;
  let last = await progress(page);
  while (idleChecks < 3) {
    if (Date.now() - started > NOTEBOOK_TIMEOUT_MS) {
      throw new Error(
        `${name}: not idle after ${NOTEBOOK_TIMEOUT_MS / 1000} s: ${JSON.stringify(last)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    last = await progress(page);
    const ran = last.executed > 0 || last.pending > 0;
    idleChecks = ran && last.status === "idle" && last.pending === 0 ? idleChecks + 1 : 0;
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  const cells = await inspectCells(page);
  // A view in the screenshot: scroll the first chart into sight.
  await page.evaluate(() =>
    (globalThis as InPage).document.querySelector(".vega-embed")?.scrollIntoView()
  );
  await page.screenshot({ path: join(SCREENSHOTS, `${name.replace(/\.ipynb$/, "")}.png`) });
  await page.evaluate(async () => {
    await (globalThis as InPage).jupyterapp.shell.currentWidget.sessionContext.shutdown();
  });
  return { seconds, cells };
}

Deno.test({
  name: "notebooks run in JupyterLab 4 in Chromium: every cell runs, every chart renders",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const chrome = requireBrowser();
    const notebooks = await findNotebooks();
    assert.ok(notebooks.length > 0, "notebooks/ has notebooks");
    // Beside notebooks/, so the copies' `../src/...` imports and deno.json resolve as there.
    const dir = await Deno.makeTempDir({ dir: REPO_ROOT, prefix: ".jupyterlab-ui-" });
    const profile = await Deno.makeTempDir({ prefix: "digitkit-chromium-" });
    let server: Awaited<ReturnType<typeof startJupyterLab>> | undefined;
    let browser: Awaited<ReturnType<typeof puppeteer.launch>> | undefined;
    try {
      for (const path of notebooks) {
        const quick = withQuickParameters(await readNotebook(path));
        await Deno.writeTextFile(join(dir, basename(path)), JSON.stringify(quick, null, 1));
      }
      await Deno.mkdir(SCREENSHOTS, { recursive: true });
      server = await startJupyterLab(dir, {
        // Every cell in the DOM, so charts below the fold render and can be checked.
        "@jupyterlab/notebook-extension:tracker": { windowingMode: "none" },
        // No "get notified about Jupyter news?" toast over the screenshots.
        "@jupyterlab/apputils-extension:notification": { fetchNews: "false" },
      }, [
        // The Deno kernel has no debugger; JupyterLab's debugger plugin then throws "No active
        // debugger session" on every kernel change, which would drown the page-error check.
        "@jupyterlab/debugger-extension",
      ]);
      browser = await puppeteer.launch({
        executablePath: chrome,
        headless: true,
        userDataDir: profile,
        args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
        defaultViewport: { width: 1400, height: 1800 },
      });
      for (const path of notebooks) {
        const name = basename(path);
        await t.step(name, async () => {
          // A fresh page each time: leaving a notebook with unsaved outputs asks "leave page?".
          const page = await browser!.newPage();
          const pageErrors: string[] = [];
          page.on("console", (message) => {
            if (message.type() === "error") {
              pageErrors.push(`console.error: ${message.text()} ${message.location().url ?? ""}`);
            }
          });
          page.on("pageerror", (error) => pageErrors.push(`exception: ${error}`));
          // JupyterLab's first load and kernel start are slow on a busy machine.
          page.setDefaultTimeout(120_000);
          let run: Awaited<ReturnType<typeof runInUi>>;
          const clicked: { click: LinkedClick; shown: PanelReading }[] = [];
          try {
            run = await runInUi(page, server!.url, server!.token, name);
            if (run.cells.some((cell) => cell.linked.includes("true,predicted"))) {
              const evaluation = JSON.parse(await Deno.readTextFile(EVALUATION));
              for (const [k, click] of expectedClicks(evaluation).entries()) {
                clicked.push({ click, shown: await clickLinked(page, click) });
                // The clicked chart and its panel, in sight after the click.
                const shot = `${name.replace(/\.ipynb$/, "")}-linked-${k + 1}.png`;
                await page.screenshot({ path: join(SCREENSHOTS, shot) });
              }
            }
          } finally {
            await page.close({ runBeforeUnload: false });
          }
          const { seconds, cells } = run;
          const charts = cells.reduce((sum, cell) => sum + cell.views.length, 0);
          console.log(
            `  ${name}: ran in the UI in ${seconds} s, ${cells.length} code cells, ${charts} charts`,
          );
          for (const cell of cells) {
            const where = `${name} cell ${cell.index + 1} (${cell.source.split("\n")[0]})`;
            assert.notEqual(cell.executionCount, null, `${where} did not run`);
            assert.deepEqual(cell.errors, [], `${where} shows an error`);
            assert.ok(
              cell.views.length >= cell.charts,
              `${where}: ${cell.charts} charts, ${cell.views.length} Vega views`,
            );
            for (const view of cell.views) {
              assert.ok(
                view.svgMarks > 0 || view.canvasInk > 100,
                `${where}: empty chart ${JSON.stringify(view)}`,
              );
            }
          }
          assert.ok(cells.some((cell) => cell.charts > 0), `${name} shows at least one chart`);
          for (const { click, shown } of clicked) {
            const what = `${name}: after clicking ${click.aria.join(", ")}`;
            assert.ok(shown.texts.includes(click.heading), `${what}: ${shown.texts.join(" | ")}`);
            assert.equal(shown.images, click.captions.length, `${what}: digits shown`);
            const captions = shown.texts.filter((text) => click.captionText.test(text))
              .map((text) => text.split("\n")[0]);
            assert.deepEqual(captions.sort(), [...click.captions].sort(), `${what}: captions`);
            console.log(`  ${what}: "${click.heading}", ${shown.images} digits`);
          }
          assert.deepEqual(pageErrors, [], `${name}: the page logged errors`);
        });
      }
    } finally {
      await browser?.close().catch(() => {});
      await server?.stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    }
  },
});
