/**
 * Static checks of the committed notebooks: each starts with a parameters cell, its quick
 * parameters exist there, it runs on the project kernel, and it promises chart bundles (the
 * executor fails a notebook whose outputs lack a promised mime type).
 */
import assert from "node:assert/strict";
import { findNotebooks } from "../tools/nb/executor.ts";
import { joinLines, readNotebook } from "../tools/nb/notebook_file.ts";

const CHART_MIMES = ["application/vnd.vegalite.v5+json", "image/svg+xml", "image/png"];
const notebooks = await findNotebooks();

Deno.test("the notebooks folder holds the numbered notebooks", () => {
  assert.ok(notebooks.length >= 1);
  for (const path of notebooks) assert.match(path, /notebooks\/0\d-[a-z-]+\.ipynb$/);
});

for (const path of notebooks) {
  Deno.test(`${path}: parameters cell, quick parameters, kernel, promised charts`, async () => {
    const nb = await readNotebook(path);
    const code = nb.cells.filter((c) => c.cell_type === "code");
    assert.deepEqual(code[0].metadata.tags, ["parameters"], "first code cell is the parameters");
    assert.equal(nb.cells.filter((c) => c.metadata.tags?.includes("parameters")).length, 1);
    const declared = joinLines(code[0].source);
    const digitkit = nb.metadata.digitkit as {
      quick_parameters: Record<string, unknown>;
      expect_mime_types: string[];
    };
    for (const name of Object.keys(digitkit.quick_parameters)) {
      assert.match(declared, new RegExp(`\\blet ${name}\\b`), `quick parameter ${name} declared`);
    }
    for (const mime of CHART_MIMES) assert.ok(digitkit.expect_mime_types.includes(mime), mime);
    assert.equal((nb.metadata.kernelspec as { name: string }).name, "deno");
    for (const cell of code) {
      assert.deepEqual(cell.outputs, [], "notebooks are committed without outputs");
      assert.equal(cell.execution_count, null);
    }
  });
}

for (const path of notebooks) {
  Deno.test(`${path}: one import, of the kit's entry point, and no plumbing`, async () => {
    const nb = await readNotebook(path);
    const code = nb.cells.filter((c) => c.cell_type === "code").map((c) => joinLines(c.source))
      .join("\n");
    const imports = [...code.matchAll(/^import\b[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]);
    assert.deepEqual(imports, ["../src/mod.ts"]);
    assert.doesNotMatch(code, /\binterface\s+\w+/, "no re-declared interfaces");
    assert.doesNotMatch(code, /display_id|run\.json"|rev-parse|JSON\.parse/, "no plumbing");
  });
}
