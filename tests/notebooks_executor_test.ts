/**
 * End-to-end tests of the headless notebook executor on small fixture notebooks: every failure
 * mode fails the run with the right cell, parameters are injected, and no output is lost.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type NotebookResult, runNotebooks } from "../tools/nb/executor.ts";

const FIXTURES = "tests/fixtures/notebooks";

interface Output {
  output_type: string;
  name?: string;
  text?: string[] | string;
  data?: Record<string, string[] | string>;
}
interface Cell {
  source: string[] | string;
  metadata: { tags?: string[] };
  outputs: Output[];
  execution_count: number | null;
}

const join2 = (value: string[] | string | undefined) =>
  Array.isArray(value) ? value.join("") : value ?? "";

async function readCells(result: NotebookResult): Promise<Cell[]> {
  return JSON.parse(await Deno.readTextFile(result.output)).cells;
}

async function run(names: string[], options: { quick?: boolean; params?: object } = {}) {
  const outDir = await Deno.makeTempDir({ prefix: "digitkit-nb-test-" });
  const { results, log } = await runNotebooks({
    notebooks: names.map((name) => join(FIXTURES, `${name}.ipynb`)),
    outDir,
    output: "piped",
    timeoutS: 60,
    quick: options.quick,
    params: options.params as Record<string, unknown>,
  });
  return { results: new Map(results.map((r, i) => [names[i], r])), log, outDir };
}

const FAILING = [
  "throws",
  "syntax_error",
  "unhandled_rejection",
  "timer_error",
  "kernel_death",
  "timeout",
  "missing_chart",
];

Deno.test("every failure mode fails its notebook and names the cell and error", async (t) => {
  const { results, log, outDir } = await run(FAILING);
  try {
    const failure = (name: string) => {
      const result = results.get(name)!;
      assert.equal(result.ok, false, `${name} should fail:\n${log}`);
      return result.failure!;
    };
    await t.step("thrown error", () => {
      assert.equal(failure("throws").cell, 2);
      assert.match(failure("throws").error, /Error: boom from cell two/);
      assert.match(failure("throws").source, /throw new Error/);
    });
    await t.step("thrown error stops the run before later cells", async () => {
      const cells = await readCells(results.get("throws")!);
      assert.deepEqual(cells[2].outputs, []);
    });
    await t.step("syntax error is located although the kernel gives no traceback", async () => {
      assert.equal(failure("syntax_error").cell, 2);
      assert.match(failure("syntax_error").error, /SyntaxError: Expression expected/);
      assert.match(failure("syntax_error").error, /cell line 1, column 21/);
      const cells = await readCells(results.get("syntax_error")!);
      assert.equal(cells[1].outputs.at(-1)?.output_type, "error");
    });
    await t.step("unhandled promise rejection", () => {
      assert.equal(failure("unhandled_rejection").cell, 1);
      assert.match(
        failure("unhandled_rejection").error,
        /Unhandled promise rejection: Error: rejected in the background/,
      );
    });
    await t.step("error thrown in a timer", () => {
      assert.match(failure("timer_error").error, /Error: thrown in a timer/);
    });
    await t.step("kernel death", () => {
      assert.equal(failure("kernel_death").cell, 2);
      assert.match(failure("kernel_death").error, /kernel died \(exit code 3\)/);
    });
    await t.step("per-cell timeout from cell metadata", () => {
      assert.equal(failure("timeout").cell, 2);
      assert.match(failure("timeout").error, /timed out after 3s/);
      assert.ok(results.get("timeout")!.seconds < 30);
    });
    await t.step("missing expected chart mime type", () => {
      assert.match(failure("missing_chart").error, /image\/svg\+xml/);
    });
    await t.step("failures are printed with the cell source", () => {
      assert.match(log, /FAILED .*throws\.ipynb, cell 2: Error: boom from cell two/);
      assert.match(log, /--- cell source ---\nthrow new Error\("boom from cell two"\);/);
    });
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("late asynchronous errors fail the notebook, blamed on the cell that scheduled them", async () => {
  const names = [
    "late_rejection",
    "late_timer_error",
    "rejection_in_next_cell",
    "late_io_rejection",
  ];
  const { results, log, outDir } = await run(names);
  try {
    const failure = (name: string) => {
      const result = results.get(name)!;
      assert.equal(result.ok, false, `${name} should fail:\n${log}`);
      return result.failure!;
    };
    // A rejection 1.8 s and a throwing timer 1.5 s after the last cell: caught while settling.
    assert.equal(failure("late_rejection").cell, 2);
    assert.match(
      failure("late_rejection").error,
      /after cell 2 \(the last\):\nUnhandled promise rejection: Error: rejected late/,
    );
    assert.equal(failure("late_timer_error").cell, 2);
    assert.match(
      failure("late_timer_error").error,
      /Uncaught error \(timer or event\): Error: thrown late/,
    );
    // Scheduled in cell 1, fired while cell 2 ran: cell 1 is blamed.
    assert.equal(failure("rejection_in_next_cell").cell, 1);
    assert.match(
      failure("rejection_in_next_cell").error,
      /scheduled by cell 1, surfaced during or after cell 2:\nUnhandled promise rejection: Error: from cell one/,
    );
    // No timer to trace it to: reported as after the last cell.
    assert.equal(failure("late_io_rejection").cell, 2);
    assert.match(
      failure("late_io_rejection").error,
      /asynchronous error after cell 2 \(the last\):\n.*late after I\/O/,
    );
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("quick parameters and --param overrides are injected after the parameters cell", async () => {
  const { results, log, outDir } = await run(["ok"], { quick: true, params: { size: 7 } });
  try {
    const result = results.get("ok")!;
    assert.ok(result.ok, log);
    const cells = await readCells(result);
    assert.deepEqual(cells[1].metadata.tags, ["injected-parameters"]);
    assert.match(join2(cells[1].source), /size = 7;\nlabel = "quick";/);
    assert.equal(join2(cells[2].outputs[0].text), "size=7 label=quick\n");
    // The progress display was updated in place: one output showing the last step.
    assert.equal(cells[3].outputs.length, 1);
    assert.equal(join2(cells[3].outputs[0].data?.["text/plain"]), "step 3");
    // raises-exception cells may fail; the run goes on.
    assert.equal(cells[4].outputs[0].output_type, "error");
    assert.equal(join2(cells[5].outputs[0].data?.["text/plain"]), "14");
    assert.deepEqual(cells.map((c) => c.execution_count), [1, 2, 3, 4, 5, 6]);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("a parameter not declared with let in the parameters cell is refused", async () => {
  const { results, outDir } = await run(["ok"], { params: { nope: 1 } });
  try {
    const result = results.get("ok")!;
    assert.equal(result.ok, false);
    assert.match(result.failure!.error, /parameter 'nope' is not declared with `let`/);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("no output is lost, even late ones, with the CPU busy", async () => {
  // The Deno kernel sends some outputs after the cell's idle status, most often under load;
  // stock nbclient drops them. Keep every core busy for the whole run.
  const busy = Array.from(
    { length: navigator.hardwareConcurrency },
    () =>
      new Deno.Command(Deno.execPath(), {
        args: ["eval", "while (true) {}"],
        stdout: "null",
        stderr: "null",
      }).spawn(),
  );
  let outDir = "";
  try {
    const ran = await run(["many_outputs"]);
    outDir = ran.outDir;
    const result = ran.results.get("many_outputs")!;
    assert.ok(result.ok, ran.log);
    const cells = await readCells(result);
    assert.equal(cells.length, 40);
    cells.forEach((cell, i) => {
      const stream = (name: string) =>
        cell.outputs.filter((o) => o.name === name).map((o) => join2(o.text)).join("");
      assert.equal(stream("stdout"), `out ${i}a\nout ${i}b\n`, `stdout of cell ${i}`);
      assert.equal(stream("stderr"), `err ${i}\n`, `stderr of cell ${i}`);
      const results = cell.outputs.filter((o) => o.output_type === "execute_result");
      assert.deepEqual(results.map((o) => join2(o.data?.["text/plain"])), [String(i)]);
    });
  } finally {
    for (const process of busy) {
      process.kill("SIGKILL");
      await process.status;
    }
    if (outDir) await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("charts from src/plots arrive as Vega-Lite + SVG + PNG bundles, updatable in place", async () => {
  const { results, log, outDir } = await run(["chart"]);
  try {
    const result = results.get("chart")!;
    assert.ok(result.ok, log);
    const cells = await readCells(result);
    const bundle = cells[1].outputs[0].data!;
    assert.deepEqual(Object.keys(bundle).sort(), [
      "application/vnd.vegalite.v5+json",
      "image/png",
      "image/svg+xml",
      "text/plain",
    ]);
    const spec = bundle["application/vnd.vegalite.v5+json"] as unknown as { $schema: string };
    assert.match(spec.$schema, /vega-lite\/v5/);
    assert.match(join2(bundle["image/svg+xml"]), /^<svg/);
    const png = atob(join2(bundle["image/png"]).replace(/\n/g, ""));
    assert.equal(png.slice(1, 4), "PNG");
    // The display_id update replaced the chart's bundle in place, adding no output.
    assert.equal(cells[2].outputs.length, 1);
    assert.deepEqual(Object.keys(cells[2].outputs[0].data!), ["text/plain"]);
    assert.equal(join2(cells[2].outputs[0].data!["text/plain"]), "replaced");
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});
