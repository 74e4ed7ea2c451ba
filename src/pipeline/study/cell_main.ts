/**
 * The process the local executor starts for one cell:
 * `deno run -A src/pipeline/study/cell_main.ts DIR INDEX [--threads N] [--backend B]`.
 * Exit 0 when the cell is complete; otherwise one line with the reason on stderr and exit 1.
 * It stops (exit 3, its lock left to a dead process, so the cell resumes from its last
 * checkpoint) when its stdin reaches end-of-file: the executor holds stdin open for as long as
 * it lives. (`deno task kit study cell DIR INDEX` is the same for people and cluster
 * schedulers, without that watch.)
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { terminalProgress } from "../../train/progress.ts";
import { runCell } from "./cell.ts";
import { cellDir, readPlan, STUDY_FILES } from "./folder.ts";

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { threads: { type: "string" }, backend: { type: "string" } },
    allowPositionals: true,
  });
  const [dir, index] = positionals;
  const studyGone = () => stopForGoneStudy(dir, Number(index));
  stdinClosed().then(studyGone);
  try {
    const { outcome, cell } = await runCell(dir, Number(index), {
      threads: values.threads ? Number(values.threads) : undefined,
      backend: values.backend,
      callbacks: [terminalProgress()],
    });
    try {
      console.error(`cell ${cell.id}: ${outcome}`);
    } catch { /* the executor went away after the cell was complete */ }
    Deno.exit(0); // the stdin watch would keep the process alive
  } catch (error) {
    // A progress line written to a dead executor's pipe: the study went away mid-cell.
    if (error instanceof Deno.errors.BrokenPipe) await studyGone();
    if (Deno.env.get("DIGITKIT_DEBUG") === "1") console.error(error);
    console.error(`cell ${index}: ${(error as Error)?.message ?? String(error)}`);
    Deno.exit(1);
  }
}

/** Resolves when stdin reaches its end: the executor holds it open, unwritten, while it lives. */
async function stdinClosed(): Promise<void> {
  try {
    for await (const _ of Deno.stdin.readable) { /* the executor never writes */ }
  } catch { /* a stdin that cannot be read counts as closed */ }
}

/**
 * Notes in the cell's log (whose reader, the executor, is gone) why the cell stopped, and exits
 * with code 3; the cell's checkpoint and dead lock leave it pending.
 */
async function stopForGoneStudy(dir: string, index: number): Promise<never> {
  try {
    const id = (await readPlan(dir)).cells[index].id;
    await Deno.writeTextFile(
      join(cellDir(dir, id), STUDY_FILES.log),
      `cell ${id}: the study process went away; stopped (it resumes from its last checkpoint)\n`,
      { append: true },
    );
  } finally {
    Deno.exit(3);
  }
}
