import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runQuakeslide } from "../../helpers/run-cli.ts";

const work = mkdtempSync(join(tmpdir(), "quakeslide-sem-cli-"));

function scenario(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "cli-small",
    domain: { xmin: 0, xmax: 800, zmin: -400 },
    topography: { x: [0, 400, 800], z: [0, 40, 0] },
    layers: [{ vp: 2000, vs: 1000, rho: 2000 }],
    mesh: { element_size_m: 100, ngll: 5 },
    source: { type: "force", x: 400, z: -200, amplitude: 1e9, stf: { type: "ricker", f0_hz: 3, t0_s: 0.35 } },
    receivers: [{ name: "top", x: 400, z: "surface" }],
    surface_receivers: { spacing_m: 200 },
    time: { duration_s: 0.3 },
    output: { quantities: ["acceleration", "displacement"], snapshots: { every_s: 0.15 } },
    ...overrides,
  };
}

function writeScenario(name: string, value: unknown): string {
  const path = join(work, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

/** Runs the CLI in-process and returns its exit code and what it printed on stderr. */
const runCli = (args: string[]) => runQuakeslide(["sem", ...args]);

test("sem writes seismograms.csv, peaks.json (with D_N) and the PGA profile; --json prints only JSON", async () => {
  const out = join(work, "ok");
  const { code, stdout } = await runCli([
    "--model",
    writeScenario("ok.json", scenario()),
    "--out",
    out,
    "--json",
    "--threads",
    "2",
    "--ac",
    "0.01,0.05",
  ]);
  assert.equal(code, 0);
  const summary = JSON.parse(stdout);
  assert.deepEqual(summary.outputs, [
    "seismograms.csv",
    "peaks.json",
    "snapshot_0.150s.png",
    "snapshot_0.300s.png",
    "surface_pga.png",
  ]);
  const lines = readFileSync(join(out, "seismograms.csv"), "utf8").trim().split("\n");
  assert.equal(lines.length, summary.nsteps + 1);
  // 1 named + 5 surface receivers (0..800 every 200 m), 2 quantities, 2 components.
  assert.equal(lines[0].split(",").length, 1 + 6 * 2 * 2);
  assert.ok(
    lines[0].startsWith(
      "t,top_x_acceleration,top_z_acceleration,top_x_displacement,top_z_displacement,surf_0_x_acceleration",
    ),
  );
  const peaks = JSON.parse(readFileSync(join(out, "peaks.json"), "utf8"));
  assert.equal(peaks.receivers.length, 6);
  const top = peaks.receivers[0];
  assert.equal(top.z_m, 40);
  assert.ok(top.z.pga_m_s2 > 0 && top.z.pgv_m_s > 0 && top.z.pgd_m > 0 && top.z.arias_m_s > 0);
  assert.deepEqual(
    top.newmark.map((n: { ac_g: number }) => n.ac_g),
    [0.01, 0.05],
  );
  assert.ok(existsSync(join(out, "surface_pga.png")));
  // A re-run into the same folder overwrites its own outputs (all expected names).
  const again = await runCli(["--model", join(work, "ok.json"), "--out", out, "--json", "--threads", "1"]);
  assert.equal(again.code, 0);
});

for (const [label, file, expected] of [
  ["invalid JSON", "{ not json", /not valid JSON/],
  [
    "a time step above the stability limit",
    scenario({ time: { duration_s: 0.3, dt_s: 0.01 } }),
    /above the stability limit [0-9.e-]+ s/,
  ],
  [
    "a Courant number above the limit",
    scenario({ time: { duration_s: 0.3, cfl: 0.9 } }),
    /time\.cfl = 0\.9 gives dt = [0-9.e-]+ s, which is above the stability limit/,
  ],
  [
    "a receiver outside the domain",
    scenario({ receivers: [{ name: "far", x: 900, z: "surface" }] }),
    /receiver far at x = 900 m lies outside the domain/,
  ],
  [
    "a source above the surface",
    scenario({
      source: { type: "force", x: 100, z: 50, amplitude: 1, stf: { type: "ricker", f0_hz: 3, t0_s: 0.3 } },
    }),
    /source at \(x = 100 m, z = 50 m\) lies outside the domain/,
  ],
  [
    "vs too high for vp",
    scenario({ layers: [{ vp: 2000, vs: 1500, rho: 2000 }] }),
    /layers\.0\.vs: vs must be below vp/,
  ],
] as const) {
  test(`sem refuses ${label}: one line naming the file, exit 2, no output folder`, async () => {
    const name = `bad-${label.replace(/\W+/g, "-")}`;
    const model = writeScenario(`${name}.json`, file);
    const out = join(work, name);
    const { code, stderr } = await runCli(["--model", model, "--out", out, "--threads", "1"]);
    assert.equal(code, 2);
    assert.match(stderr, expected);
    assert.ok(stderr.includes(model), `message names the file: ${stderr}`);
    assert.equal(stderr.trim().split("\n").length, 1);
    assert.equal(existsSync(out), false);
  });
}

test("sem without --model is a usage error (exit 2)", async () => {
  const { code, stderr } = await runCli(["--out", join(work, "none")]);
  assert.equal(code, 2);
  assert.match(stderr, /missing required option --model/);
});

test("sem --help documents every option with an example", async () => {
  const { code, stdout } = await runCli(["--help"]);
  assert.equal(code, 0);
  for (const option of ["--model", "--out", "--threads", "--ac", "--json", "Example:"])
    assert.ok(stdout.includes(option), option);
});
