/**
 * The process the local executor starts for one cell:
 * `deno run -A src/pipeline/study/cell_main.ts DIR INDEX [--threads N] [--backend B]`.
 * Exit 0 when the cell is complete; otherwise one line with the reason on stderr and exit 1.
 * (`deno task kit study cell DIR INDEX` is the same for people and cluster schedulers.)
 *
 * @module
 */
import { parseArgs } from "node:util";
import { terminalProgress } from "../../train/progress.ts";
import { runCell } from "./cell.ts";

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { threads: { type: "string" }, backend: { type: "string" } },
    allowPositionals: true,
  });
  const [dir, index] = positionals;
  try {
    const { outcome, cell } = await runCell(dir, Number(index), {
      threads: values.threads ? Number(values.threads) : undefined,
      backend: values.backend,
      callbacks: [terminalProgress()],
    });
    console.error(`cell ${cell.id}: ${outcome}`);
  } catch (error) {
    if (Deno.env.get("DIGITKIT_DEBUG") === "1") console.error(error);
    console.error(`cell ${index}: ${(error as Error)?.message ?? String(error)}`);
    Deno.exit(1);
  }
}
