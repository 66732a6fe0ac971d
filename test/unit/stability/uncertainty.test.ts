import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readRaster, writeCog } from "../../../core/raster/index.ts";
import { factorOfSafety } from "../../../core/stability/infinite-slope.ts";
import {
  normalCdf,
  propagateUncertainty,
  rectifiedGaussian,
  type UncertaintyInputs,
} from "../../../core/stability/uncertainty.ts";
import { runStabilityWithUncertainty } from "../../../core/stability/uncertainty-step.ts";

// Textbook values of the standard normal: Φ(1) = 0.8413447461, φ(1) = 0.2419707245, Φ(-2) = 0.0227501319.
const PHI_1 = 0.8413447461;
const PDF_1 = 0.2419707245;

/** One cell: α, c', φ', γ, t, m, γw. */
function cell(
  values: number[],
  parameter: UncertaintyInputs["parameter"],
  variance: number,
  method: "fosm" | "montecarlo",
  samples = 2000,
  seed = 1,
) {
  const [slope, cohesion, frictionAngle, unitWeight, thickness, saturation, waterUnitWeight] = values;
  const result = propagateUncertainty({
    layers: { slope, cohesion, frictionAngle, unitWeight, thickness, saturation, waterUnitWeight },
    parameter,
    variance: Float32Array.of(variance),
    method,
    samples,
    seed,
  });
  return { p: result.probabilityUnstable[0], sd: result.acSd[0] };
}

test("normal CDF and the rectified Gaussian against textbook values", () => {
  assert.ok(Math.abs(normalCdf(1) - PHI_1) < 1e-7);
  assert.ok(Math.abs(normalCdf(-2) - 0.0227501319) < 1e-8);
  // max(X, 0), X ~ N(0.5, 0.5^2): E = μΦ(1) + σφ(1); E[Y²] = (μ² + σ²)Φ(1) + μσφ(1).
  const mean = 0.5 * PHI_1 + 0.5 * PDF_1;
  const sd = Math.sqrt(0.5 * PHI_1 + 0.25 * PDF_1 - mean * mean);
  const r = rectifiedGaussian(0.5, 0.5);
  assert.ok(Math.abs(r.mean - mean) < 1e-7 && Math.abs(r.sd - sd) < 1e-7);
});

test("cohesion (FS linear in c'): FOSM is the closed form, P(FS<1) = Φ(-1) for FS(μ) = 2, σ_FS = 1", () => {
  // α = 30°, φ' = 30° (tan φ'/tan α = 1), m = 0, γ t sin α = 18 x 2 x 0.5 = 18: FS = 1 + c'/18.
  // μ_c = 18 kPa gives FS = 2; σ_c = 18 kPa gives σ_FS = 1; a_c = (FS - 1)/2 ~ N(0.5, 0.5²).
  const fosm = cell([30, 18, 30, 18, 2, 0, 9.81], "cohesion", 18 * 18, "fosm");
  assert.ok(Math.abs(fosm.p - (1 - PHI_1)) < 1e-6, String(fosm.p));
  assert.ok(Math.abs(fosm.sd - rectifiedGaussian(0.5, 0.5).sd) < 1e-6);
  assert.equal(cell([30, 18, 30, 18, 2, 0, 9.81], "cohesion", 0, "fosm").p, 0, "no variance: deterministic");
});

test("Monte Carlo converges to the closed form where draws stay physical (cohesion, P(c' < 0) = 4e-4)", () => {
  // α 35°, φ' 25°, γ 18, t 2, m 0: FS = c'/20.649 + 0.66596; μ_c 10, σ_c 3: FS(μ) = 1.1503, σ_FS = 0.14529.
  const values = [35, 10, 25, 18, 2, 0, 9.81];
  const exact = cell(values, "cohesion", 9, "fosm");
  const fsMu = factorOfSafety({
    slope: 35,
    cohesion: 10,
    frictionAngle: 25,
    unitWeight: 18,
    thickness: 2,
    saturation: 0,
    waterUnitWeight: 9.81,
  });
  const sigmaFs = 3 / (18 * 2 * Math.sin((35 * Math.PI) / 180));
  assert.ok(Math.abs(exact.p - normalCdf((1 - fsMu) / sigmaFs)) < 1e-7);
  const mc = cell(values, "cohesion", 9, "montecarlo", 100_000, 7);
  // Binomial standard error sqrt(0.15 x 0.85 / 1e5) = 0.0011: 4 standard errors.
  assert.ok(Math.abs(mc.p - exact.p) < 0.0045, `MC ${mc.p} vs ${exact.p}`);
  assert.ok(Math.abs(mc.sd / exact.sd - 1) < 0.02, `MC sd ${mc.sd} vs ${exact.sd}`);
  assert.equal(
    cell(values, "cohesion", 9, "montecarlo", 5000, 3).p,
    cell(values, "cohesion", 9, "montecarlo", 5000, 3).p,
    "seeded",
  );
});

test("thickness (FS nonlinear in t): Monte Carlo matches the exact P(t > t*), FOSM carries a linearisation error", () => {
  // A(t) = c'/(γ t) + K - sin α, K = tan φ' cos α (1 - m γw/γ), falls with t: FS < 1 exactly when
  // t > t* = c'/(γ (sin α - K)), so P(FS < 1) = 1 - Φ((t* - μ)/σ) for t ~ N(μ, σ²).
  const [alpha, c, phi, gamma, t, m, gammaW] = [40, 6, 30, 19, 1, 0.3, 9.81];
  const rad = Math.PI / 180;
  const k = Math.tan(phi * rad) * Math.cos(alpha * rad) * (1 - (m * gammaW) / gamma);
  const tStar = c / (gamma * (Math.sin(alpha * rad) - k));
  const sigma = 0.3;
  const exact = 1 - normalCdf((tStar - t) / sigma); // 0.2811
  const values = [alpha, c, phi, gamma, t, m, gammaW];
  const mc = cell(values, "thickness", sigma * sigma, "montecarlo", 50_000, 1);
  const fosm = cell(values, "thickness", sigma * sigma, "fosm");
  // Binomial standard error sqrt(0.28 x 0.72 / 5e4) = 0.002: 4 standard errors.
  assert.ok(Math.abs(mc.p - exact) < 0.008, `MC ${mc.p} vs exact ${exact}`);
  assert.ok(fosm.p - exact > 0.02, `FOSM ${fosm.p} linearises A(t) around μ and overestimates here`);
  const smaller = cell(values, "thickness", 0.1 ** 2, "montecarlo", 50_000, 1);
  assert.ok(smaller.p < mc.p, "FS(μ) > 1: more spread, more probability of failure");
});

test("P(FS < 1) is 0.5 where FS(μ) = 1 and grows with the slope; nodata stays nodata", () => {
  // FS = 1 + c'/18 with c' = 0 (α = φ' = 30°): exactly 1.
  assert.ok(Math.abs(cell([30, 0, 30, 18, 2, 0, 9.81], "frictionAngle", 4, "fosm").p - 0.5) < 1e-9);
  const p = (slope: number) => cell([slope, 8, 32, 19, 2, 0.2, 9.81], "cohesion", 16, "fosm").p;
  assert.ok(p(25) < p(35) && p(35) < p(45));
  assert.ok(Number.isNaN(cell([30, 18, 30, 18, 2, 0, 9.81], "cohesion", Number.NaN, "fosm").p));
});

test("the stability step with a variance raster writes pfs.tif and ac_sd.tif on the slope grid", async () => {
  const dir = mkdtempSync(join(tmpdir(), "quakeslide-uncertainty-"));
  const grid = {
    width: 3,
    height: 2,
    transform: [500_000, 10, 0, 9_800_000, 0, -10] as [number, number, number, number, number, number],
    crs: { epsg: 32717, geographic: false },
  };
  const write = async (name: string, values: number[]) => {
    await writeCog(join(dir, name), { ...grid, bands: [Float32Array.from(values)], nodata: Number.NaN });
    return join(dir, name);
  };
  const slope = await write("slope.tif", [10, 20, 30, 40, 50, Number.NaN]);
  const cohesion = await write("c.tif", [10, 10, 10, 10, 10, 10]);
  const variance = await write("var.tif", [4, 4, 4, 4, 0, 4]);
  const outDir = join(dir, "out");
  const summary = await runStabilityWithUncertainty({
    slope,
    cohesion,
    frictionAngle: 30,
    unitWeight: 19,
    thickness: 2,
    saturation: 0.3,
    variance,
    uncertainty: { parameter: "cohesion" },
    outDir,
  });
  const pfs = (await readRaster(join(outDir, "pfs.tif"))).bands[0] as Float32Array;
  const unstable = (await readRaster(join(outDir, "unstable.tif"))).bands[0] as Float32Array;
  assert.ok(pfs[0] < pfs[1] && pfs[1] < pfs[2] && pfs[2] < pfs[3], `steeper, less stable: ${pfs}`);
  assert.equal(pfs[4], unstable[4], "zero variance: the deterministic answer");
  assert.ok(Number.isNaN(pfs[5]));
  assert.ok(summary.uncertainty && summary.outputs.includes("ac_sd.tif"));
  assert.deepEqual(
    JSON.parse(readFileSync(join(outDir, "summary.json"), "utf8")).uncertainty.parameter,
    "cohesion",
  );
  await assert.rejects(
    runStabilityWithUncertainty({
      slope,
      cohesion: 5,
      frictionAngle: 30,
      unitWeight: 19,
      thickness: 2,
      saturation: 0,
      variance,
      outDir,
    }),
    /give both `variance`/,
  );
});
