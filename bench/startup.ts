// `npm run bench -- startup [--runs N]`: how long `quakeslide` takes to start, from the built
// dist/ (what `npx quakeslide` runs after `npm ci`) and from the sources through tsx (what it ran
// before the build existed, and runs when dist/ is stale), against `node -e 0` as the floor: Node's
// own start-up, which no CLI can beat. `--help` loads the command table only; `<verb> --help`
// loads the verb's module and everything it imports (its science, zod, geotiff...): a verb's
// start-up, before it reads its first input. Targets: --help < 0.1 s, a verb < 0.15 s.
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { staleInput } from "../bin/dist-check.mjs";
import { commands } from "../cli/commands/index.ts";
import { buildAll, DIST, REPOSITORY_ROOT } from "../scripts/build.ts";

const BIN = new URL("../bin/quakeslide.mjs", import.meta.url).pathname;

interface Case {
  label: string;
  args: string[];
  env?: Record<string, string>;
}

function seconds(args: string[], env: Record<string, string> = {}): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, encoding: "utf8" });
  const elapsed = (performance.now() - start) / 1000;
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${result.stderr}`);
  return elapsed;
}

/** Fastest of `runs` per case, the cases interleaved so that a busy moment hits them all alike. */
function fastestInterleaved(cases: Case[], runs: number): Map<string, number> {
  const best = new Map<string, number>(cases.map((c) => [c.label, Number.POSITIVE_INFINITY]));
  for (let run = 0; run < runs; run++) {
    for (const c of cases) best.set(c.label, Math.min(best.get(c.label)!, seconds(c.args, c.env)));
  }
  return best;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { runs: { type: "string", default: "10" } } });
  const runs = Number(values.runs);
  const stale = staleInput(REPOSITORY_ROOT, `${DIST}/build.json`);
  if (stale) {
    console.log(`dist/ is stale (${stale}): building it first`);
    await buildAll();
  }
  const sources = { QUAKESLIDE_FROM_SOURCES: "1" };
  const verbs = commands.map((c) => c.name);
  const cases: Case[] = [
    { label: "node -e 0", args: ["-e", "0"] },
    { label: "--help dist", args: [BIN, "--help"] },
    { label: "--help tsx", args: [BIN, "--help"], env: sources },
    ...verbs.flatMap((verb) => [
      { label: `${verb} dist`, args: [BIN, verb, "--help"] },
      { label: `${verb} tsx`, args: [BIN, verb, "--help"], env: sources },
    ]),
  ];
  const best = fastestInterleaved(cases, runs);
  const floor = best.get("node -e 0")!;
  const line = (label: string, target?: number) => {
    const dist = best.get(`${label} dist`)!;
    const tsx = best.get(`${label} tsx`)!;
    const verdict =
      target === undefined
        ? ""
        : dist < target
          ? `  target < ${target} s: met`
          : `  target < ${target} s: NOT met`;
    return (
      `${label.padEnd(16)} dist ${dist.toFixed(3)} s (${(dist / floor).toFixed(2)}x node -e 0, +${(dist - floor).toFixed(3)} s)` +
      `   tsx ${tsx.toFixed(3)} s (${(tsx / floor).toFixed(2)}x)   tsx/dist ${(tsx / dist).toFixed(2)}${verdict}`
    );
  };
  console.log(`fastest of ${runs}, interleaved; floor: node -e 0 ${floor.toFixed(3)} s`);
  console.log(line("--help", 0.1));
  for (const verb of verbs) console.log(line(verb, 0.15));
  const slowest = verbs.reduce((a, b) => (best.get(`${a} dist`)! >= best.get(`${b} dist`)! ? a : b));
  console.log(`slowest verb start-up from dist: ${slowest} ${best.get(`${slowest} dist`)!.toFixed(3)} s`);
}
