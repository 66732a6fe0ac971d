import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { DEFAULT_MEMORY_LIMIT_GB, formatBytes, MEMORY_LIMIT_ENV } from "../../../core/limits.ts";
import { semSize } from "../../../core/sem/memory.ts";
import { parseScenario } from "../../../core/sem/scenario.ts";
import { prepareSimulation } from "../../../core/sem/simulation.ts";
import { runQuakeslide } from "../../helpers/run-cli.ts";
import { smallScenario } from "../sem/small-scenario.ts";

// Inputs that declare far more work than they weigh: a 518-byte sparse GeoTIFF of 50,000 x 50,000
// cells, a 372-byte one 2,000,000 cells wide (test/fixtures/limits/README.md), SEM scenarios with
// tiny elements, receivers every micrometre, a 10^9 m domain or a 10^9 s duration. Each used to
// take the process to several GB (or die of a RangeError); each is now refused at once with the
// estimate and the limit, exit 2, and no output.

const scratch = mkdtempSync(join(tmpdir(), "quakeslide-limits-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const HUGE = "test/fixtures/limits/huge-50000x50000.tif";
const WIDE = "test/fixtures/limits/wide-2000000x3.tif";
const RECORD = "data/records/RSN763_LOMAP_GIL067.AT2";
const LIMIT_LINE = new RegExp(
  `needs (about [\\d.]+ (GB|TB)|over 1000 TB) of memory, above the limit of ${DEFAULT_MEMORY_LIMIT_GB} GB; raise it with --memory-limit-gb or ${MEMORY_LIMIT_ENV}`,
);

/** The parts of a scenario the cases change. */
interface ScenarioJson {
  mesh: { element_size_m: number };
  layers: { element_size_m?: number }[];
  domain: { xmax: number };
  topography?: unknown;
  time: { duration_s: number };
  surface_receivers?: { spacing_m: number };
  output?: unknown;
}

function writeScenario(name: string, edit: (scenario: ScenarioJson) => void): string {
  const scenario = JSON.parse(readFileSync("examples/scenarios/hill-two-layers.json", "utf8"));
  delete scenario.output; // no snapshots: the limit on their count is another check
  edit(scenario);
  const path = join(scratch, `${name}.json`);
  writeFileSync(path, JSON.stringify(scenario));
  return path;
}

const inventory = join(scratch, "inventory.csv");
writeFileSync(inventory, "x,y,slide\n500100,9799900,1\n500200,9799800,0\n500300,9799700,1\n");

/** Expects a clean refusal: exit 2, one line naming `file`, matching `pattern`, no output. */
async function refused(args: string[], file: string, pattern = LIMIT_LINE): Promise<void> {
  const out = join(scratch, `out-${Math.random().toString(36).slice(2)}`);
  const run = await runQuakeslide([...args, "--out", out]);
  assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
  assert.equal(run.stderr.split("\n").length, 1, run.stderr);
  assert.match(run.stderr, pattern);
  assert.ok(run.stderr.includes(file), `names ${file}: ${run.stderr}`);
  assert.ok(!existsSync(out), "no output folder");
  assert.deepEqual(
    readdirSync(scratch).filter((name) => name.includes(".tmp-")),
    [],
  );
}

test("rasters that declare billions of cells are refused before a pixel is read, by every verb", async () => {
  await refused(["terrain", "--dem", HUGE], HUGE);
  await refused(["terrain", "--dem", WIDE], WIDE);
  await refused(
    ["krige", "--samples", "test/fixtures/geostat/meuse.csv", "--value", "zinc", "--grid", HUGE],
    HUGE,
  );
  await refused(
    ["stability", "--slope", HUGE, "--cohesion", "5", "--friction-angle", "30", "--unit-weight", "18"].concat(
      ["--thickness", "2", "--saturation", "0"],
    ),
    HUGE,
  );
  await refused(["newmark-map", "--ac", HUGE, "--record", RECORD], HUGE);
  await refused(
    ["susceptibility", "train", "--inventory", inventory, "--label", "slide", "--covariates", HUGE],
    HUGE,
  );
});

test("SEM scenarios with tiny elements, dense receivers, a huge domain or duration are refused", async () => {
  const cases: [string, (s: ScenarioJson) => void, RegExp][] = [
    [
      "elements",
      (s) => {
        s.mesh.element_size_m = 0.05;
        s.layers[0].element_size_m = 0.05;
      },
      /9\.0e\+8 elements/,
    ],
    ["receivers", (s) => (s.surface_receivers = { spacing_m: 1e-6 }), /2\.0e\+9 receivers/],
    [
      "domain",
      (s) => {
        s.domain.xmax = 1e9;
        delete s.topography;
      },
      /8\.8e\+8 elements/,
    ],
    ["duration", (s) => (s.time.duration_s = 1e9), /time steps/],
  ];
  for (const [name, edit, size] of cases) {
    const model = writeScenario(name, edit);
    await refused(["sem", "--model", model], model);
    await refused(["sem", "--model", model], model, size);
  }
  const snapshots = writeScenario("snapshots", (s) => {
    s.time.duration_s = 1e9;
    s.output = { snapshots: { every_s: 0.1 } };
  });
  await refused(
    ["sem", "--model", snapshots],
    snapshots,
    /output\.snapshots\.every_s: gives 10000000000 snapshots over time\.duration_s; at most 1000/,
  );
});

test("--memory-limit-gb and QUAKESLIDE_MEMORY_LIMIT_GB set the limit; the estimate is in the message", async () => {
  const model = writeScenario("moderate", (s) => (s.time.duration_s = 2));
  await refused(
    ["sem", "--model", model, "--memory-limit-gb", "0.001"],
    model,
    /above the limit of 0\.001 GB/,
  );
  const saved = process.env[MEMORY_LIMIT_ENV];
  try {
    process.env[MEMORY_LIMIT_ENV] = "0.002";
    await refused(["sem", "--model", model], model, /above the limit of 0\.002 GB/);
    // The option wins over the variable.
    await refused(
      ["sem", "--model", model, "--memory-limit-gb", "0.003"],
      model,
      /above the limit of 0\.003 GB/,
    );
    process.env[MEMORY_LIMIT_ENV] = "lots";
    const bad = await runQuakeslide(["sem", "--model", model, "--out", join(scratch, "never")]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /QUAKESLIDE_MEMORY_LIMIT_GB: "lots" is not a decimal number/);
  } finally {
    if (saved === undefined) delete process.env[MEMORY_LIMIT_ENV];
    else process.env[MEMORY_LIMIT_ENV] = saved;
  }
  // The Ecuador DEM's terrain needs ~150 MB (mostly the COG writers' held tiles): refused under
  // 0.05 GB, done under the default.
  const dem = "data/ecuador/dem.tif";
  await refused(["terrain", "--dem", dem, "--memory-limit-gb", "0.05"], dem, /above the limit of 0\.05 GB/);
  const run = await runQuakeslide(["terrain", "--dem", dem, "--out", join(scratch, "ok"), "--json"]);
  assert.equal(run.code, 0, run.stderr);
});

test("the SEM estimate counts the mesh the simulation builds (elements and points exactly, steps as a lower bound)", () => {
  const flat = parseScenario(
    {
      name: "box",
      domain: { xmin: 0, xmax: 1000, zmin: -600 },
      layers: [
        { bottom_z: -100, vp: 1500, vs: 600, rho: 1900, element_size_m: 50 },
        { vp: 3000, vs: 1700, rho: 2500 },
      ],
      mesh: { element_size_m: 100 },
      source: { type: "force", x: 480, z: -350, amplitude: 1, stf: { type: "ricker", f0_hz: 4, t0_s: 0.3 } },
      receivers: [{ name: "r", x: 500, z: "surface" }],
      surface_receivers: { spacing_m: 100 },
      time: { duration_s: 0.4 },
    },
    "box.json",
  );
  const hill = { x: [0, 300, 500, 700, 1000], z: [0, 0, 80, 0, 10] };
  const cases: [typeof flat, typeof hill | null][] = [
    [flat, null],
    [smallScenario(), hill],
  ];
  for (const [scenario, surface] of cases) {
    const size = semSize(scenario, surface);
    const prepared = prepareSimulation(scenario, surface);
    assert.equal(size.elements, prepared.mesh.nspec);
    assert.equal(size.points, prepared.mesh.nglob);
    assert.equal(size.receivers, prepared.receivers.length);
    // Topography squeezes elements, so the real step is a little shorter than the flat estimate.
    assert.ok(
      size.steps <= prepared.nsteps && size.steps >= 0.5 * prepared.nsteps,
      `${size.steps} vs ${prepared.nsteps}`,
    );
  }
  assert.equal(formatBytes(3.34e12), "3.3 TB");
  assert.equal(formatBytes(2.5e6), "3 MB");
});
