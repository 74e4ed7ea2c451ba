/** Tests of tools/check_notebooks.ts: notebook cells are type-checked as one module. */
import assert from "node:assert/strict";
import { checkNotebook, extractModule, mapDiagnostics } from "../tools/check_notebooks.ts";
import { readNotebook } from "../tools/nb/notebook_file.ts";

const FIXTURES = "tests/fixtures/notebooks";

Deno.test("code cells become one module with a line map back to the cells", async () => {
  const nb = await readNotebook(`${FIXTURES}/type_error.ipynb`);
  const { code, cellStarts } = extractModule(nb);
  const lines = code.split("\n");
  for (const [cell, first] of cellStarts) {
    const source = nb.cells[cell - 1].source;
    const firstLine = (Array.isArray(source) ? source.join("") : source).split("\n")[0];
    assert.equal(lines[first - 1], firstLine);
  }
  assert.equal(
    mapDiagnostics("at file:///x/m.ts:7:7", "/x/m.ts", "a.ipynb", cellStarts),
    "at a.ipynb cell 2, line 2:7",
  );
});

Deno.test("a type error in a cell fails the check and names the cell", async () => {
  const problems = await checkNotebook(`${FIXTURES}/type_error.ipynb`);
  assert.ok(problems);
  assert.match(problems, /Type 'string' is not assignable to type 'number'/);
  assert.match(problems, /type_error\.ipynb cell 2, line 2:7/);
});

Deno.test("a well-typed notebook that imports from src passes the check", async () => {
  assert.equal(await checkNotebook(`${FIXTURES}/ok.ipynb`), null);
  assert.equal(await checkNotebook(`${FIXTURES}/throws.ipynb`), null);
});
