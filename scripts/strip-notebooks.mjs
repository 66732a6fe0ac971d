#!/usr/bin/env node
// Removes outputs and execution counts from the notebooks in notebooks/ (or the files given), so
// the repository holds code and prose only: CI runs them and keeps the outputs as artefacts.
//   node scripts/strip-notebooks.mjs [FILE.ipynb ...]
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const files = process.argv.slice(2);
const targets = files.length
  ? files
  : readdirSync("notebooks")
      .filter((name) => name.endsWith(".ipynb"))
      .map((name) => join("notebooks", name));

for (const file of targets) {
  const notebook = JSON.parse(readFileSync(file, "utf8"));
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    cell.outputs = [];
    cell.execution_count = null;
    delete cell.metadata?.execution;
  }
  delete notebook.metadata?.widgets;
  writeFileSync(file, `${JSON.stringify(notebook, null, 1)}\n`);
  console.log(`stripped ${file}`);
}
