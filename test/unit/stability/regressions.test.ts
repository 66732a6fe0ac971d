import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { intensityMeasures } from "../../../core/stability/intensity.ts";
import { newmarkBothPolarities } from "../../../core/stability/newmark.ts";
import { readAccelerationRecord } from "../../../core/stability/records.ts";
import {
  brayTravasarou2007,
  brayTravasarou2007ProbabilityOfSliding,
  jibson2007,
  jibson2007Arias,
  jibson2007Magnitude,
  probabilityOfFailure,
  saygiliRathje2008,
  standardNormalCdf,
} from "../../../core/stability/regressions.ts";

function close(actual: number, expected: number, relative: number, label: string): void {
  assert.ok(
    Math.abs(actual - expected) <= relative * Math.abs(expected),
    `${label}: ${actual} vs ${expected}`,
  );
}

test("Jibson 2007 eqs 6 and 7 reproduce OpenQuake's worked values", () => {
  // gem/oq-engine openquake/sep/tests/landslide/test_displacement.py (test_jibson_2007_a/b_landslide):
  // a_c = 1 g, PGA = linspace(0, 2, 10) → displacements in metres; eq 7 with M 6.5. Their values
  // have 9 significant digits; 1e-6 relative allows for their float rounding only.
  const pgas = [10 / 9, 12 / 9, 14 / 9, 16 / 9, 2];
  const eq6Metres = [8.70561128e-5, 9.66583692e-4, 2.78057386e-3, 5.41818012e-3, 8.77344007e-3];
  const eq7Metres = [6.006612e-5, 6.681122e-4, 1.929713e-3, 3.775745e-3, 6.137864e-3];
  pgas.forEach((pga, i) => {
    close(jibson2007(1, pga), eq6Metres[i] * 100, 1e-6, `eq6 PGA ${pga}`);
    close(jibson2007Magnitude(1, pga, 6.5), eq7Metres[i] * 100, 1e-6, `eq7 PGA ${pga}`);
  });
  assert.equal(jibson2007(0.5, 0.5), 0);
  assert.equal(jibson2007Magnitude(0.6, 0.5, 7), 0);
});

test("Saygili & Rathje 2008 PGA-PGV model: OpenQuake's value and Rathje et al. (2014)'s examples", () => {
  // OpenQuake test_saygili_rathje_2008_landslide: PGA 0.284 g, PGV 14 cm/s, a_c 0.02 g → 0.186370166332798 m.
  close(saygiliRathje2008(0.02, 0.284, 14), 18.6370166332798, 1e-9, "OpenQuake");
  // Rathje, Wang, Stokoe, Cox & Kottke (2014) worked examples as transcribed in arkottke/pygeems
  // tests/test_slope_disp.py (test_calc_disp_rs08, published to 2 significant figures, ±2 cm there):
  // k_y 0.1, PGA 0.54 g, PGV 42 cm/s → 29 cm; PGA 0.88 g, PGV 71 cm/s → 81 cm.
  assert.ok(Math.abs(saygiliRathje2008(0.1, 0.54, 42) - 29) <= 2);
  assert.ok(Math.abs(saygiliRathje2008(0.1, 0.88, 71) - 81) <= 2);
});

test("Bray & Travasarou 2007: Table 1 examples (probability of zero displacement and displacement range)", () => {
  // BT07 Table 1 as transcribed in arkottke/pygeems tests (test_calc_prob_disp_bt07, atol 0.02):
  // (k_y, T_s, Sa(1.5 T_s)) → P(D = 0) = 0.85, 0.1, 0.0 (two decimals published).
  for (const [ky, ts, sa, pZero] of [
    [0.35, 0.45, 0.43, 0.85],
    [0.08, 0.0, 0.24, 0.1],
    [0.14, 0.33, 0.94, 0.0],
  ]) {
    assert.ok(
      Math.abs(1 - brayTravasarou2007ProbabilityOfSliding(ky, sa, ts) - pZero) <= 0.02,
      `P(D=0) k_y ${ky}`,
    );
  }
  // Displacement ranges 4-15 cm and 20-70 cm (M 7 examples): the median sits within 10 % of the
  // range's geometric mean, the tolerance pygeems uses for the same check (test_calc_disp_bt07).
  close(brayTravasarou2007(0.08, 0.24, 7, 0), Math.sqrt(4 * 15), 0.1, "BT07 rigid");
  close(brayTravasarou2007(0.14, 0.94, 7, 0.33), Math.sqrt(20 * 70), 0.1, "BT07 flexible");
});

test("Jibson et al. 2000 probability of failure", () => {
  // Closed form at D = 0 and the asymptote 0.335 (OpenQuake test_jibson_etal_2000_landslide_probability
  // gives 0.335 for D = 183.67 cm). Independent evaluation (python3 math): D = 5 cm →
  // 5^1.565 = 12.413323, 0.335 (1 − e^(−0.048 × 12.413323)) = 0.1503816 (1e-6 relative: 7 digits).
  assert.equal(probabilityOfFailure(0), 0);
  close(probabilityOfFailure(183.67), 0.335, 1e-9, "asymptote");
  close(probabilityOfFailure(5), 0.1503816, 1e-6, "D = 5 cm");
});

test("standard normal CDF against tabulated values", () => {
  // Abramowitz & Stegun Table 26.1: Φ(1) = 0.8413447, Φ(1.96) = 0.9750021, Φ(-2.5) = 0.0062097.
  for (const [x, phi] of [
    [0, 0.5],
    [1, 0.8413447],
    [1.96, 0.9750021],
    [-2.5, 0.0062097],
  ]) {
    assert.ok(Math.abs(standardNormalCdf(x) - phi) < 2e-7, `Φ(${x})`);
  }
});

test("every model is within 3σ of the exact rigid-block D_N of SLAMMER records (units and magnitude check)", () => {
  // The worked values above check coefficients; this checks that the inputs' units (g, cm/s, m/s)
  // and our intensity measures feed the models as the papers meant: on four SLAMMER records, the
  // prediction for a_c = 0.05, 0.1, 0.2 g stays within three published standard deviations of the
  // geometric mean of our two-polarity rigid-block displacement (where that exceeds 1 cm).
  const fixtures = new URL("../../fixtures/stability/slammer/", import.meta.url);
  const rows = readFileSync(new URL("SLAMMER_eq_db_4.tsv", fixtures), "utf8").trim().split("\n").slice(1);
  const LN10 = Math.log(10);
  let compared = 0;
  for (const row of rows) {
    const [, name, dt, magnitudeText] = row.split("\t");
    const magnitude = Number(magnitudeText);
    const { accelerationG, dtS } = readAccelerationRecord(new URL(name, fixtures).pathname, {
      dtS: Number(dt),
    });
    const { pgaG, pgvCmS, ariasMS } = intensityMeasures(accelerationG, dtS);
    for (const acG of [0.05, 0.1, 0.2]) {
      const { normalCm, inverseCm } = newmarkBothPolarities(accelerationG, dtS, acG);
      const exact = Math.sqrt(normalCm * inverseCm);
      if (!(exact > 1)) continue;
      const predictions: [string, number, number][] = [
        ["jibson2007", jibson2007(acG, pgaG), 0.51],
        ["jibson2007-m", jibson2007Magnitude(acG, pgaG, magnitude), 0.454],
        ["jibson2007-arias", jibson2007Arias(acG, pgaG, ariasMS), 0.616],
        ["saygili-rathje2008", saygiliRathje2008(acG, pgaG, pgvCmS), (0.405 + (0.524 * acG) / pgaG) / LN10],
        ["bray-travasarou2007", brayTravasarou2007(acG, pgaG, magnitude, 0), 0.66 / LN10],
      ];
      for (const [model, predicted, sigmaLog10] of predictions) {
        const misfit = Math.abs(Math.log10(predicted / exact));
        assert.ok(misfit <= 3 * sigmaLog10, `${model} ${name} a_c ${acG}: ${predicted} vs ${exact}`);
        compared++;
      }
    }
  }
  assert.ok(compared >= 40, `only ${compared} comparisons`);
});
