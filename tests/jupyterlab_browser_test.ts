/**
 * The notebooks in a real client: JupyterLab 4 (from `.tools/venv`, with the project's Deno
 * kernel) driven by headless Chromium through `puppeteer-core`. Each notebook, with its quick
 * parameters injected, is opened in the UI and run with Run ▸ Run All Cells; once the kernel is
 * idle, every code cell must have run without an error output and every chart cell must show a
 * chart drawn by JupyterLab's Vega renderer (an SVG with marks, or a canvas with ink). One
 * screenshot per notebook goes to `reports/notebooks/<name>.png`.
 *
 * Needs the provisioned venv and Chrome/Chromium; fails with the command to run otherwise.
 * `02-train` trains the models `03-evaluate` and `04-compare-and-report` use, so the notebooks
 * run in name order.
 */
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import puppeteer, { type Page } from "puppeteer-core";
import { findNotebooks } from "../tools/nb/executor.ts";
import { REPO_ROOT } from "../tools/nb/jupyter_env.ts";
import { readNotebook } from "../tools/nb/notebook_file.ts";
import { withQuickParameters } from "../tools/nb/quick_copy.ts";
import { requireBrowser } from "../tools/provision/chromium.ts";
import { startJupyterLab } from "./helpers/jupyterlab.ts";

/** Longest a notebook may take in the UI, from Run All to an idle kernel. */
const NOTEBOOK_TIMEOUT_MS = 20 * 60_000;
const SCREENSHOTS = join(REPO_ROOT, "reports", "notebooks");

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
        views: [...cell.node.querySelectorAll(".vega-embed")].map((view: InPage) => ({
          svgMarks: view.querySelectorAll("svg [class*='mark-'] > *").length,
          canvasInk: ink(view.querySelector("canvas")),
        })),
      }];
    });
  });
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
      });
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
          // JupyterLab's first load and kernel start are slow on a busy machine.
          page.setDefaultTimeout(120_000);
          const { seconds, cells } = await runInUi(page, server!.url, server!.token, name)
            .finally(() => page.close({ runBeforeUnload: false }));
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
