// `npm run bench -- <name> [args]` runs bench/<name>.ts; with no name, every benchmark in turn.
// Each benchmark measures a reference tool in the same run and prints the ratio, since these
// machines are noisy; benchmarks may use reference data sets outside the repository when given their folder.
import { readdirSync } from "node:fs";

interface Benchmark {
  run(args: string[]): Promise<void>;
}

const here = new URL(".", import.meta.url);
const available = readdirSync(here)
  .filter((name) => name.endsWith(".ts") && name !== "run.ts" && !name.startsWith("_"))
  .map((name) => name.slice(0, -3))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (name === "--help" || name === "-h") {
  console.log(`usage: npm run bench -- [${available.join("|")}] [args]`);
  process.exit(0);
}
if (name !== undefined && !available.includes(name)) {
  console.error(`unknown benchmark "${name}"; available: ${available.join(", ")}`);
  process.exit(2);
}
for (const bench of name ? [name] : available) {
  console.log(`\n=== bench ${bench} ===`);
  const module = (await import(new URL(`./${bench}.ts`, here).href)) as Benchmark;
  await module.run(args);
}
