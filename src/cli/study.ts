/**
 * `kit study`: multi-seed studies (model × recipe × seed cells, each a training run and an
 * evaluation, compared with statistics that count training randomness).
 *
 * @example
 * ```sh
 * deno task kit study run studies/cards-quick.yaml --json
 * deno task kit study status reports/studies/cards-quick
 * deno task kit study report reports/studies/cards-quick
 * deno task kit study cell reports/studies/cards-quick 0
 * ```
 *
 * @module
 */
import type { CellStatus } from "../pipeline/study/folder.ts";
import type { StudyStatus } from "../pipeline/study/study.ts";
import { UsageError } from "../util/errors.ts";
import { intFlag, parseFlags } from "./args.ts";
import type { CommandResult } from "./commands.ts";

/** `--help` text. */
export const help =
  `usage: deno task kit study run FILE [--out DIR] [--executor local|slurm] [--wait]
                               [--parallel N] [--threads N] [--backend B]
                               [--retry-failed] [--json]
       deno task kit study status DIR [--executor NAME] [--json]
       deno task kit study report DIR [--json]
       deno task kit study cell DIR INDEX [--threads N] [--backend B] [--json]

A study file (YAML, see studies/cards-quick.yaml) names models with recipes, seeds, training
overrides and the evaluation; its cells are model × recipe × seed, each one training run and
one evaluation in DIR/cells/<model>--<recipe>--seed<seed>/. A stopped study continues where it
stopped: finished cells (cell.json with checksums) are skipped, a half-finished cell resumes
from its last epoch checkpoint, a cell that failed for a reason is left failed until
--retry-failed.

  run FILE        run the missing cells, then write the study report (report.md, report.html,
                  metrics.csv, charts) into DIR (default reports/studies/<name>)
  status DIR      cells done / running / failed (with reasons) / pending
  report DIR      rebuild the report from the finished cells
  cell DIR INDEX  run exactly one cell (0-based index into DIR/study.json's cells); a no-op if
                  complete, resumes if half-done; what executors and schedulers call

  --out DIR        study folder
  --executor NAME  local (default): cells as child processes on this machine;
                   slurm: one job array of the missing cells (sbatch), see the README
  --wait           slurm: block until the array's tasks have finished
  --parallel N     cells at once (local; default: one per core, at most one per 2 GiB)
  --threads N      backend threads per cell (default: the cores / --parallel)
  --backend B      TensorFlow.js backend of the cells (default auto)
  --retry-failed   rerun failed cells too
  --json           one JSON object on stdout`;

/**
 * Runs `kit study SUBCOMMAND …`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { run } from "./study.ts";
 * import { writePlan } from "../pipeline/study/folder.ts";
 * import { parseStudy } from "../pipeline/study/plan.ts";
 * const dir = await Deno.makeTempDir();
 * await writePlan(dir, parseStudy("name: t\nmodels: [mlp]\nseeds: 2\n", "t.yaml"));
 * const { json } = await run(["status", dir]);
 * deepStrictEqual((json as { counts: Record<string, number> }).counts.pending, 2);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function run(flags: string[]): Promise<CommandResult> {
  const { values, positionals } = parseFlags(flags, {
    out: { type: "string" },
    executor: { type: "string" },
    parallel: { type: "string" },
    threads: { type: "string" },
    backend: { type: "string" },
    "retry-failed": { type: "boolean" },
    wait: { type: "boolean" },
  }, { allowPositionals: true });
  const [sub, ...args] = positionals;
  const need = (n: number, what: string) => {
    if (args.length !== n) {
      throw new UsageError(`kit study ${sub} needs ${what} (see 'kit study --help')`);
    }
  };
  // Loaded per subcommand: `cell` (what schedulers call) never loads the report's charting.
  const study = () => import("../pipeline/study/study.ts");
  switch (sub) {
    case "run": {
      need(1, "one study FILE");
      const { runStudy } = await study();
      const result = await runStudy(args[0], {
        out: values.out,
        executor: values.executor,
        parallel: intFlag("parallel", values.parallel, 1),
        threadsPerCell: intFlag("threads", values.threads, 1),
        backend: values.backend,
        retryFailed: values["retry-failed"] ?? false,
        wait: values.wait ?? false,
      });
      const failed = result.status.counts.failed;
      const json = {
        dir: result.dir,
        name: result.plan.name,
        cells: result.plan.cells.length,
        ran: result.ran.length,
        counts: result.status.counts,
        failures: result.status.cells.filter((c) => c.state === "failed")
          .map((c) => ({ id: c.id, reason: c.reason })),
        report: result.report,
        wallSeconds: result.wallSeconds,
      };
      const text = `${formatStatus(result.status)}\n` +
        (result.report
          ? `report: ${Object.values(result.report).join(", ")}`
          : "report not written: not every cell is done") +
        `\n${result.wallSeconds.toFixed(1)} s`;
      // --wait promises finished cells: any left undone (e.g. a Slurm task that failed on its
      // node before the cell could record why) is a failure too.
      const unfinished = values.wait === true && result.report === null;
      return { json, text, exitCode: failed > 0 || unfinished ? 1 : 0 };
    }
    case "status": {
      need(1, "the study folder DIR");
      const { studyStatus } = await study();
      const status = await studyStatus(args[0], values.executor);
      return { json: status, text: formatStatus(status) };
    }
    case "report": {
      need(1, "the study folder DIR");
      const { studyReport } = await study();
      const files = await studyReport(args[0]);
      return { json: files, text: `wrote ${Object.values(files).join(", ")}` };
    }
    case "cell": {
      need(2, "the study folder DIR and a cell INDEX");
      const index = intFlag("INDEX", args[1], 0)!;
      const { runCell } = await import("../pipeline/study/cell.ts");
      const { terminalProgress } = await import("../train/progress.ts");
      const { cell, outcome, record } = await runCell(args[0], index, {
        threads: intFlag("threads", values.threads, 1),
        backend: values.backend,
        callbacks: [terminalProgress()],
      });
      return {
        json: { id: cell.id, index, outcome, record },
        text: `cell ${cell.id}: ${outcome}`,
      };
    }
    default:
      throw new UsageError(
        `kit study needs a subcommand: run, status, report or cell (got '${sub ?? ""}')`,
      );
  }
}

function formatCell(c: CellStatus): string {
  const progress = c.state === "done" ? "" : ` (${c.epochsDone}/${c.epochs} epochs)`;
  const external = c.external
    ? ` [${c.external.state}${c.external.detail ? `: ${c.external.detail}` : ""}]`
    : "";
  const why = c.reason ? `: ${c.reason}` : c.runningOn ? ` on ${c.runningOn}` : "";
  return `  ${String(c.index).padStart(3)} ${
    c.id.padEnd(44)
  } ${c.state}${progress}${why}${external}`;
}

function formatStatus(s: StudyStatus): string {
  const { done, running, failed, pending } = s.counts;
  return [
    `study ${s.name} (${s.dir}): ${done} done, ${running} running, ${failed} failed, ` +
    `${pending} pending`,
    ...s.cells.map(formatCell),
  ].join("\n");
}
