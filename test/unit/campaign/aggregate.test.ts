import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runCampaignAggregate } from "../../../core/campaign/aggregate.ts";
import { encodeArrays } from "../../../core/campaign/arrays-file.ts";
import type { CampaignIndex } from "../../../core/campaign/index-file.ts";
import type { JobReceiver } from "../../../core/campaign/job.ts";
import { encodeProfileFile } from "../../../core/campaign/profile-file.ts";
import { bandAsFloat32, readRaster } from "../../../core/raster/index.ts";

// The aggregation on hand-made job results (no SEM): a 4 × 3 grid of 10 m cells, profile A along
// the centres of row 0 and profile B along row 2, cells within 20 m of each; two scenarios of
// weights 0.25 and 0.75 whose D_N is constant along each profile.

let dir: string;
const load = async (uri: string) => (existsSync(uri) ? readFileSync(uri) : null);
const DN = { s0: { A: 2, B: 8 }, s1: { A: 10, B: 20 } } as const;

function band(profileRow: number) {
  const cells = Array.from({ length: 12 }, (_, i) => i);
  return {
    cell: Uint32Array.from(cells),
    along: Float32Array.from(cells, (i) => 10 * (i % 4)),
    distance: Float32Array.from(cells, (i) => 10 * Math.abs(Math.floor(i / 4) - profileRow)),
    ac: new Float32Array(12).fill(0.1),
    cx: new Float32Array(12).fill(1),
    cz: new Float32Array(12),
  };
}

function receivers(dn: number): JobReceiver[] {
  return [0, 10, 20].map((along, r) => ({
    name: `r00${r}`,
    along_m: along,
    x: {
      pga_g: 0.1 * dn * (1 + r),
      arias_m_s: 0.01 * dn ** 2,
      d5_95_s: (3 * (r + 1)) / dn + 0.1 * r,
      pgv_m_s: 0.1,
    },
    z: { pga_g: 0.05, arias_m_s: 0.001, d5_95_s: 1 },
    newmark: [{ ac_g: 0.05, normal_cm: dn * (1 + r), inverse_cm: dn * (1 + r) }],
  }));
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), "quakeslide-aggregate-"));
  const index: CampaignIndex = {
    kind: "quakeslide-campaign-index",
    campaign: "hand",
    grid: { width: 4, height: 3, transform: [0, 10, 0, 30, 0, -10], crs: { epsg: 32717, geographic: false } },
    maxDistanceM: 20,
    thresholdsCm: [5, 10, 15],
    landslideDnCm: 5,
    extremes: 1,
    studyAc: [0.05],
    dnFloorCm: 0.01,
    profiles: [],
    scenarios: (["s0", "s1"] as const).map((id, s) => ({
      id,
      label: id,
      mw: 4 + s,
      distance_m: 0,
      depth_m: 1000,
      length_m: 1000,
      rupture_duration_s: 1,
      dip_deg: 45,
      weight: s === 0 ? 0.25 : 0.75,
      annual_rate: null,
      length_factor: 1,
      duration_factor: 1,
    })),
    jobs: [],
  };
  for (const [name, row] of [
    ["A", 0],
    ["B", 2],
  ] as const) {
    const uri = join(dir, `${name}.bin`);
    const file = { name, from: [5, 25 - 10 * row], to: [35, 25 - 10 * row], length_m: 30 } as const;
    writeFileSync(
      uri,
      encodeProfileFile({
        ...file,
        from: [...file.from],
        to: [...file.to],
        surface: { x: [0, 30], z: [0, 0] },
        band: band(row),
      }),
    );
    index.profiles.push({ name, uri });
    for (const scenario of ["s0", "s1"] as const) {
      const id = `${scenario}-${name}`;
      const out = join(dir, id);
      mkdirSync(out);
      const dn = DN[scenario][name];
      writeFileSync(join(out, "dn_cm.bin"), encodeArrays({}, { dn_cm: new Float32Array(12).fill(dn) }));
      writeFileSync(join(out, "receivers.json"), JSON.stringify({ receivers: receivers(dn) }));
      const summary = { job: id, elements: 10, nsteps: 100, wall_s: 1, newmark_s: 0 };
      const result = {
        outputs: { dn_cm_bin: join(out, "dn_cm.bin"), receivers_json: join(out, "receivers.json") },
        summary,
      };
      writeFileSync(join(dir, `${id}.json`), JSON.stringify(result));
      index.jobs.push({ id, scenario, profile: name, result: join(dir, `${id}.json`) });
    }
  }
  writeFileSync(join(dir, "index.json"), JSON.stringify(index));
});

after(() => rmSync(dir, { recursive: true, force: true }));

async function band0(file: string): Promise<number[]> {
  return Array.from(bandAsFloat32(await readRaster(file)));
}

test("maps: profiles combined by inverse distance, then P(D_N > t), weighted mean and 90th percentile by hand", async () => {
  const outDir = join(dir, "out");
  const summary = await runCampaignAggregate({ index: join(dir, "index.json"), outDir }, { load });
  // Per row (all columns alike): row 0 on A, row 2 on B, row 1 halfway (the mean of A and B).
  // s0: 2, 5, 8; s1: 10, 15, 20 (weights 0.25, 0.75).
  const perRow = (values: number[]) => [0, 1, 2].map((row) => values.slice(4 * row, 4 * row + 4));
  const expectRows = (values: number[], rows: number[]) => {
    for (const [row, cells] of perRow(values).entries())
      for (const v of cells) assert.ok(Math.abs(v - rows[row]) < 1e-6, `row ${row}: ${v} vs ${rows[row]}`);
  };
  expectRows(await band0(join(outDir, "p_dn_gt_5cm.tif")), [0.75, 0.75, 1]); // 5 is not more than 5
  expectRows(await band0(join(outDir, "p_dn_gt_10cm.tif")), [0, 0.75, 0.75]);
  expectRows(await band0(join(outDir, "p_dn_gt_15cm.tif")), [0, 0, 0.75]);
  expectRows(await band0(join(outDir, "dn_mean_cm.tif")), [8, 12.5, 17]);
  expectRows(await band0(join(outDir, "dn_p90_cm.tif")), [10, 15, 20]);
  // s0 (weight 0.25) is the rarer scenario: with extremes = 1 it alone gets its own map.
  assert.deepEqual(
    summary.extremes.map((e) => e.id),
    ["s0"],
  );
  expectRows(await band0(join(outDir, "scenario_s0_dn_cm.tif")), [2, 5, 8]);
  // Landslide area (D_N ≥ 5 cm): s0 rows 1-2 (8 cells of 100 m²), s1 all 12.
  assert.deepEqual(
    summary.scenarioStatistics.map((s) => s.landslide_area_m2),
    [800, 1200],
  );
  assert.equal(summary.study[0].used, 12);
  for (const file of [
    "report.html",
    "summary.json",
    "study.csv",
    "scenarios.csv",
    "dn_vs_pga.png",
    "area_vs_mw.png",
  ])
    assert.ok(existsSync(join(outDir, file)), file);
  const csv = readFileSync(join(outDir, "study.csv"), "utf8").trim().split("\n");
  assert.equal(csv.length, 1 + 12);
  assert.match(
    readFileSync(join(outDir, "report.html"), "utf8"),
    /^<!DOCTYPE html>[\s\S]*data:image\/png;base64,/,
  );
});

test("a job without a result stops the aggregation with the jobs missing and why they failed", async () => {
  const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as CampaignIndex;
  index.jobs[1].result = join(dir, "absent.json");
  writeFileSync(join(dir, "index-incomplete.json"), JSON.stringify(index));
  // The Distributed Map's result files as the ResultWriter writes them.
  mkdirSync(join(dir, "map"), { recursive: true });
  const cause = {
    JobName: index.jobs[1].id,
    StatusReason: "Essential container in task exited (exit code 137)",
    Attempts: [{}, {}, {}],
  };
  writeFileSync(
    join(dir, "map", "FAILED_0.json"),
    JSON.stringify([{ Status: "FAILED", Error: "States.TaskFailed", Cause: JSON.stringify(cause) }]),
  );
  writeFileSync(
    join(dir, "map", "manifest.json"),
    JSON.stringify({ ResultFiles: [{ Key: "map/FAILED_0.json" }] }),
  );
  await assert.rejects(
    runCampaignAggregate(
      {
        index: join(dir, "index-incomplete.json"),
        outDir: join(dir, "out-incomplete"),
        mapResults: { Bucket: dir, Key: "map/manifest.json" },
      },
      { load: (uri) => load(uri.replace(/^s3:\/\//, "")) },
    ),
    (error: Error) =>
      error.name === "NotFoundError" &&
      /1 of 4 jobs have no result \(s1-A\); failed in this run: s1-A: Essential container in task exited \(exit code 137\) after 3 attempt/.test(
        error.message,
      ),
  );
  assert.equal(existsSync(join(dir, "out-incomplete")), false);
});

test("the outputs do not depend on the order in which job results arrive", async () => {
  // Results delayed differently in two runs: the jobs of a scenario finish loading in other orders.
  const delayed = (seed: number) => async (uri: string) => {
    const delay = ([...uri].reduce((sum, c) => sum + c.charCodeAt(0), 0) * seed) % 11;
    await new Promise((resolve) => setTimeout(resolve, delay));
    return load(uri);
  };
  const files = [];
  for (const seed of [3, 5]) {
    const outDir = join(dir, `order-${seed}`);
    await runCampaignAggregate({ index: join(dir, "index.json"), outDir }, { load: delayed(seed) });
    files.push(
      ["summary.json", "study.csv", "report.html"].map((name) => readFileSync(join(outDir, name), "utf8")),
    );
  }
  assert.deepEqual(files[0], files[1]);
});

test("an aggregation estimated above the memory limit is refused before it reads the jobs", async () => {
  await assert.rejects(
    runCampaignAggregate(
      { index: join(dir, "index.json"), outDir: join(dir, "out-limit"), memoryLimitGb: 1e-7 },
      { load },
    ),
    (error: Error) =>
      error.name === "LimitExceededError" &&
      /the aggregation of 2 scenarios over a 4 x 3 grid \(12 cells near a profile\) needs .* above the limit/.test(
        error.message,
      ),
  );
  assert.equal(existsSync(join(dir, "out-limit")), false);
});
