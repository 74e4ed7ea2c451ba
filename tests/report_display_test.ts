/**
 * Charts in notebooks: runs a two-cell notebook in the project's Deno kernel (through the
 * kit's executor: stock `nbconvert --execute` drops the display whenever the Deno kernel sends
 * it after its "idle" message, which happened on a loaded machine) and checks that a chart
 * shows as the Vega-Lite v5 spec plus SVG, PNG and text, then that nbconvert's HTML export
 * keeps a picture of it.
 *
 * Needs the project's Python (`.tools/venv` with nbconvert and the Jupyter client, provisioned
 * by `deno task test`); fails with the command to run when it is missing.
 */
import assert from "node:assert/strict";
import { runNotebooks } from "../tools/nb/executor.ts";
import { jupyterEnv } from "../tools/nb/jupyter_env.ts";
import { requirePython } from "../tools/provision/python.ts";

const ROOT = new URL("..", import.meta.url).pathname;

function notebook(cells: string[]) {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
    cells: cells.map((source, i) => ({
      id: `cell-${i}`,
      cell_type: "code",
      metadata: {},
      execution_count: null,
      outputs: [],
      source,
    })),
  };
}

async function nbconvert(args: string[], cwd: string) {
  const python = requirePython(["nbconvert", "ipykernel"]);
  const out = await new Deno.Command(python, {
    args: ["-m", "jupyter", "nbconvert", ...args],
    cwd,
    env: { ...jupyterEnv(), PYDEVD_DISABLE_FILE_VALIDATION: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

Deno.test({
  name: "a chart shows in the Deno kernel as v5 spec + SVG + PNG and survives nbconvert",
  async fn() {
    // Inside the repo so the kernel finds deno.json and its npm imports.
    const dir = await Deno.makeTempDir({ dir: ROOT, prefix: ".report-display-" });
    try {
      const nb = notebook([
        'import { reliabilitySpec, showChart } from "../src/plots/mod.ts";\n' +
        'const spec = { ...reliabilitySpec([]), title: "Notebook chart" };',
        "showChart(spec)",
      ]);
      await Deno.writeTextFile(`${dir}/chart.ipynb`, JSON.stringify(nb));
      const { results, log } = await runNotebooks({
        notebooks: [`${dir}/chart.ipynb`],
        outDir: `${dir}/out`,
        output: "piped",
      });
      assert.ok(results[0]?.ok, log);
      await Deno.rename(`${dir}/out/chart.ipynb`, `${dir}/chart.ipynb`);
      const executed = JSON.parse(await Deno.readTextFile(`${dir}/chart.ipynb`));
      const outputs = executed.cells[1].outputs;
      assert.equal(outputs.length, 1);
      const data = outputs[0].data;
      assert.deepEqual(Object.keys(data).sort(), [
        "application/vnd.vegalite.v5+json",
        "image/png",
        "image/svg+xml",
        "text/plain",
      ]);
      assert.equal(
        data["application/vnd.vegalite.v5+json"].$schema,
        "https://vega.github.io/schema/vega-lite/v5.json",
      );
      assert.match([data["image/svg+xml"]].flat().join(""), /Notebook chart/);
      assert.match([data["image/png"]].flat().join("").trim(), /^iVBORw0KGgo/);
      assert.equal([data["text/plain"]].flat().join(""), "Notebook chart");
      await nbconvert(["--to", "html", "chart.ipynb"], dir);
      const html = await Deno.readTextFile(`${dir}/chart.html`);
      assert.match(
        html,
        /<svg[^>]*class="marks"|data:image\/png;base64,iVBORw0KGgo/,
        "chart picture in HTML",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "a table shows in the Deno kernel as HTML + markdown + text and exports as a table",
  async fn() {
    const dir = await Deno.makeTempDir({ dir: ROOT, prefix: ".report-display-" });
    try {
      const nb = notebook([
        'import { displayTable } from "../src/mod.ts";\n' +
        'displayTable([{ model: "mlp", error: { value: 0.02, lower: 0.0092, upper: 0.0429 }, ' +
        'p: 0.0004 }], [{ key: "model" }, { key: "error", format: "interval" }, ' +
        '{ key: "p", format: "pvalue" }])',
      ]);
      await Deno.writeTextFile(`${dir}/table.ipynb`, JSON.stringify(nb));
      const { results, log } = await runNotebooks({
        notebooks: [`${dir}/table.ipynb`],
        outDir: `${dir}/out`,
        output: "piped",
      });
      assert.ok(results[0]?.ok, log);
      await Deno.rename(`${dir}/out/table.ipynb`, `${dir}/table.ipynb`);
      const executed = JSON.parse(await Deno.readTextFile(`${dir}/table.ipynb`));
      const data = executed.cells[0].outputs[0].data;
      assert.deepEqual(Object.keys(data).sort(), ["text/html", "text/markdown", "text/plain"]);
      const html = [data["text/html"]].flat().join("");
      assert.match(html, /<td class="right">2\.00% \[0\.92, 4\.29\]<\/td>/);
      assert.match(html, /<td class="right">&lt; 0\.001<\/td>/);
      assert.match(
        [data["text/markdown"]].flat().join(""),
        /\| mlp \| 2\.00% \[0\.92, 4\.29\] \| < 0\.001 \|/,
      );
      await nbconvert(["--to", "markdown", "table.ipynb"], dir);
      const markdown = await Deno.readTextFile(`${dir}/table.md`);
      assert.match(markdown, /2\.00% \[0\.92, 4\.29\]/, "the table survives the markdown export");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
