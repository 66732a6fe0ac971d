import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { bandAsFloat32, readRaster } from "../../core/raster/index.ts";
import type { DashboardInfo, ExceedanceSeries } from "../../dashboard/api-types.ts";
import { EmbeddedRuntime } from "../../local/runtime.ts";
import { skipUnlessInstalled } from "../crosscheck/reference-tool.ts";
import { artifactDir } from "../helpers/browser.ts";
import { firstLine } from "../helpers/first-line.ts";

// Every notebook in notebooks/ and the TypeScript client example, run top to bottom against the
// embedded runtime of the project's own app, as a user would after `quakeslide up`: a cell that
// raises fails the test. Debian's interpreter and packages (.ci/run installs them); the executed
// copies, with their outputs and plots, are kept under test-artifacts/notebooks/.

const repositoryRoot = join(import.meta.dirname, "..", "..");
const notebooksDir = join(repositoryRoot, "notebooks");
const PYTHON = "/usr/bin/python3";
const MODULES = ["nbclient", "ipykernel", "boto3", "matplotlib", "numpy", "osgeo.gdal"];
const installed = spawnSync(PYTHON, ["-c", `import ${MODULES.join(", ")}`]).status === 0;
const skip = skipUnlessInstalled(
  installed,
  `${PYTHON} with ${MODULES.join(", ")} (apt-get install python3-nbclient python3-ipykernel python3-boto3 python3-matplotlib python3-gdal)`,
);
const notebooks = readdirSync(notebooksDir)
  .filter((name) => name.endsWith(".ipynb"))
  .sort();
const artifacts = artifactDir("notebooks");

let stateDir: string;
let runtime: EmbeddedRuntime;

before(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "quakeslide-notebooks-"));
  runtime = await EmbeddedRuntime.start({ projectRoot: repositoryRoot, stateDir });
});

after(async () => {
  await runtime?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Runs a command with the runtime's state folder in its environment; the runtime keeps serving meanwhile. */
function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: repositoryRoot,
      env: { ...process.env, QUAKESLIDE_STATE_DIR: stateDir, MPLBACKEND: "Agg" },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("notebooks run against the embedded runtime", { skip }, () => {
  for (const name of notebooks) {
    test(name, async () => {
      const executed = join(artifacts, name);
      const runner = join(repositoryRoot, "test/integration/fixtures/python/execute_notebook.py");
      const { code, output } = await run(PYTHON, [runner, join(notebooksDir, name), executed]);
      console.log(`executed notebook: ${executed}`);
      assert.equal(code, 0, output);
    });
  }
});

test("the TypeScript client example runs a hazard map end to end", async () => {
  const { code, output } = await run(process.execPath, ["--import", "tsx", "examples/client/hazard-map.ts"]);
  assert.equal(code, 0, output);
  assert.match(output, /hazard-pipeline SUCCEEDED/);
});

/** The prefix of the first run of a step in the results bucket (the folder of its manifest.json). */
async function firstRunPrefix(step: string): Promise<string | undefined> {
  const listed = await runtime.s3Client.send(
    new ListObjectsV2Command({ Bucket: runtime.bucketName("ResultsBucket"), Prefix: `runs/${step}/` }),
  );
  const manifest = listed.Contents?.find((o) => o.Key?.endsWith("/manifest.json"))?.Key;
  return manifest?.slice(0, -"manifest.json".length);
}

/** `quakeslide dashboard --results PREFIX` while `use` runs; stopped with SIGINT after. */
async function withResultsDashboard(
  prefix: string,
  use: (started: { url: string; root: string }) => Promise<void>,
): Promise<void> {
  const args = ["dashboard", "--results", prefix, "--state-dir", stateDir, "--port", "0", "--json"];
  const child = spawn(process.execPath, ["bin/quakeslide.mjs", ...args], { cwd: repositoryRoot });
  try {
    const started = JSON.parse(await firstLine(child)) as { url: string; root: string };
    assert.ok(started.root.startsWith(join(stateDir, "dashboard")), started.root);
    await use(started);
  } finally {
    const exited = new Promise((resolve) => child.on("close", resolve));
    child.kill("SIGINT");
    await exited;
  }
}

const getJson = async <T>(url: string) => (await (await fetch(url)).json()) as T;

test("quakeslide dashboard --results serves a run's outputs straight from the results bucket", async () => {
  const prefix = await firstRunPrefix("newmark-map");
  assert.ok(prefix, "a newmark-map run of the notebooks");
  await withResultsDashboard(prefix, async ({ url }) => {
    const info = await getJson<DashboardInfo>(`${url}api/layers`);
    assert.deepEqual(info.layers.map((l) => l.files[0]).sort(), ["dn_cm.tif", "pf.tif"]);
  });
});

test("the dashboard over notebook 03's campaign: a layer per rare scenario, landslide area and exceedance against Mw", {
  skip,
}, async () => {
  const prefix = await firstRunPrefix("campaign-aggregate");
  assert.ok(prefix, "the campaign of notebook 03");
  const csv = await runtime.s3Client.send(
    new GetObjectCommand({ Bucket: runtime.bucketName("ResultsBucket"), Key: `${prefix}scenarios.csv` }),
  );
  const [header, ...rows] = (await csv.Body!.transformToString())
    .trim()
    .split("\n")
    .map((l) => l.split(","));
  const field = (row: string[], name: string) => Number(row[header.indexOf(name)]);
  await withResultsDashboard(prefix, async ({ url, root }) => {
    const info = await getJson<DashboardInfo>(`${url}api/layers`);
    const ids = info.layers.map((l) => l.id);
    for (const id of ["p_dn_gt_5cm", "p_dn_gt_10cm", "p_dn_gt_15cm", "dn_mean_cm", "dn_p90_cm"])
      assert.ok(ids.includes(id), `${id} in ${ids}`);
    const perScenario = info.layers.find((l) => l.scenarios.length > 1);
    assert.ok(perScenario, "the rarest scenarios' D_N maps are one layer");
    assert.equal(perScenario.scenarios.length, 3, "the spec's default of 3 extremes");
    const series = await getJson<ExceedanceSeries>(`${url}api/exceedance`);
    // Landslide area: every scenario of the campaign's table, as the aggregation wrote it.
    assert.deepEqual(
      series.landslideArea,
      rows.map((row) => ({
        scenario: row[header.indexOf("id")],
        mw: field(row, "mw"),
        hectares: field(row, "landslide_area_m2") / 1e4,
      })),
    );
    // Exceedance: recomputed from each rare scenario's COG; the campaign's landslide area
    // (D_N >= 5 cm) is the same count of cells as the share past 5 cm (no cell sits at 5.000 cm).
    assert.equal(series.points.length, 3);
    for (const point of series.points) {
      const raster = await readRaster(join(root, `scenario_${point.scenario}_dn_cm.tif`));
      const mapped = Array.from(bandAsFloat32(raster)).filter(Number.isFinite);
      const expected = series.thresholdsCm.map((t) => mapped.filter((v) => v > t).length / mapped.length);
      assert.deepEqual(point.fractions, expected, point.scenario);
      const cellAreaM2 = Math.abs(raster.transform[1] * raster.transform[5]);
      const area = series.landslideArea.find((a) => a.scenario === point.scenario)!;
      const cellsPast5 = Math.round(point.fractions[0] * mapped.length);
      assert.ok(Math.abs(cellsPast5 * cellAreaM2 - area.hectares * 1e4) < 1e-6, point.scenario);
    }
  });
});
