import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

// The repository holds notebooks without outputs (CI executes them and keeps the executed copies
// as artefacts): outputs would bloat the history with images and leak local paths.
const dir = join(import.meta.dirname, "..", "..", "..", "notebooks");
const notebooks = readdirSync(dir).filter((name) => name.endsWith(".ipynb"));

test("there are notebooks to check", () => {
  assert.ok(notebooks.length > 0);
});

for (const name of notebooks) {
  test(`${name} is stored without outputs (node scripts/strip-notebooks.mjs strips them)`, () => {
    const notebook = JSON.parse(readFileSync(join(dir, name), "utf8")) as {
      nbformat: number;
      metadata: { kernelspec?: { name: string } };
      cells: { cell_type: string; outputs?: unknown[]; execution_count?: number | null }[];
    };
    assert.equal(notebook.nbformat, 4);
    assert.equal(notebook.metadata.kernelspec?.name, "python3", "runs with the python3 kernel");
    const code = notebook.cells.filter((c) => c.cell_type === "code");
    assert.ok(code.length > 0);
    for (const [index, cell] of code.entries()) {
      assert.deepEqual(cell.outputs, [], `code cell ${index + 1} has outputs`);
      assert.equal(cell.execution_count, null, `code cell ${index + 1} has an execution count`);
    }
  });
}
