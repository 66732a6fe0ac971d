import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fitBestVariogram, fitVariogram } from "../../../core/geostat/fit.ts";
import {
  besselK,
  correlationFunction,
  gammaFunction,
  type ModelType,
  parseVariogramSpec,
  semivariance,
} from "../../../core/geostat/models.ts";
import { empiricalVariogram } from "../../../core/geostat/variogram.ts";
import { fixture, meuseLogZinc } from "./helpers.ts";

const meuse = meuseLogZinc();
const bins = empiricalVariogram(meuse.x, meuse.y, meuse.z).bins;
const gstatFits = readFileSync(fixture("fit_params.csv"), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => {
    const [model, nugget, psill, range, kappa, sserr] = line.split(",");
    return {
      type: model.toLowerCase() as ModelType,
      nugget: +nugget,
      psill: +psill,
      range: +range,
      kappa: +kappa,
      sserr: +sserr,
    };
  });

/** The target: fitted parameters within 1 % of gstat's (absolute 1 % of the sill for a zero nugget). */
function within1Percent(ours: number, theirs: number, scale: number) {
  return Math.abs(ours - theirs) <= 0.01 * (theirs === 0 ? scale : Math.abs(theirs));
}

for (const reference of gstatFits.filter((f) => f.type !== "gau")) {
  test(`fit.method 7 fit of ${reference.type} (kappa ${reference.kappa}) is within 1 % of gstat's fit.variogram`, () => {
    const { model, sserr } = fitVariogram(bins, reference.type, reference.kappa);
    const sillScale = reference.nugget + reference.psill;
    assert.ok(
      within1Percent(model.nugget, reference.nugget, sillScale),
      `nugget ${model.nugget} vs ${reference.nugget}`,
    );
    assert.ok(
      within1Percent(model.psill, reference.psill, sillScale),
      `psill ${model.psill} vs ${reference.psill}`,
    );
    assert.ok(within1Percent(model.range, reference.range, 0), `range ${model.range} vs ${reference.range}`);
    assert.ok(within1Percent(sserr, reference.sserr, 0), `SSErr ${sserr} vs ${reference.sserr}`);
  });
}

test("Gaussian fit: at gstat's parameters our objective equals gstat's SSErr, and our optimum is no worse", () => {
  // gstat stops at range 386.5 although the same objective is lower near 411 (checked from both start
  // values); the same weighted objective is asserted instead of gstat's parameters.
  const reference = gstatFits.find((f) => f.type === "gau")!;
  const objective = (model: {
    type: ModelType;
    nugget: number;
    psill: number;
    range: number;
    kappa: number;
  }) => bins.reduce((s, b) => s + (b.np / b.dist ** 2) * (b.gamma - semivariance(model, b.dist)) ** 2, 0);
  // 1e-6 relative: gstat prints its parameters with 15 digits, SSErr is a smooth function of them.
  assert.ok(Math.abs(objective(reference) - reference.sserr) <= 1e-6 * reference.sserr);
  const ours = fitVariogram(bins, "gau");
  assert.ok(ours.sserr <= reference.sserr, `our SSErr ${ours.sserr} vs gstat ${reference.sserr}`);
});

test("automatic choice keeps the candidate with the smallest SSErr (spherical for meuse log(zinc))", () => {
  const { best, candidates } = fitBestVariogram(bins);
  assert.equal(best.sserr, Math.min(...candidates.map((c) => c.sserr)));
  assert.equal(best.model.type, "sph");
});

test("fitting constant values is refused with a clear message", () => {
  const flat = empiricalVariogram(meuse.x, meuse.y, new Float64Array(meuse.x.length).fill(3)).bins;
  assert.throws(() => fitVariogram(flat, "sph"), /all sample values are equal/);
});

test("besselK and gamma agree with closed forms (K_1/2, K_3/2, Γ(1/2)) to 1e-13 relative", () => {
  for (const x of [0.01, 0.3, 1, 7, 60, 300]) {
    const k12 = Math.sqrt(Math.PI / (2 * x)) * Math.exp(-x);
    assert.ok(Math.abs(besselK(0.5, x) / k12 - 1) < 1e-13, `K_1/2(${x})`);
    assert.ok(Math.abs(besselK(1.5, x) / (k12 * (1 + 1 / x)) - 1) < 1e-13, `K_3/2(${x})`);
  }
  assert.ok(Math.abs(gammaFunction(0.5) / Math.sqrt(Math.PI) - 1) < 1e-13);
  assert.ok(Math.abs(gammaFunction(5) / 24 - 1) < 1e-13);
});

test("--variogram text: auto, a family to fit, a fixed model, and clear errors", () => {
  assert.deepEqual(parseVariogramSpec("auto"), { kind: "auto" });
  assert.deepEqual(parseVariogramSpec("Mat(kappa=1.5)"), { kind: "fit", type: "mat", kappa: 1.5 });
  assert.deepEqual(parseVariogramSpec("sph(nugget=0.05,psill=0.59,range=897)"), {
    kind: "fixed",
    model: { type: "sph", nugget: 0.05, psill: 0.59, range: 897, kappa: 0.5 },
  });
  assert.throws(() => parseVariogramSpec("cubic(psill=1,range=2)"), /unknown model "cubic"/);
  assert.throws(() => parseVariogramSpec("sph(psill=1)"), /needs psill= and range=/);
  assert.throws(() => parseVariogramSpec("sph(psill=1,range=abc)"), /cannot read "range=abc"/);
  assert.throws(() => parseVariogramSpec("exp(psill=-1,range=5)"), /nugget >= 0, psill >= 0/);
});

test("the tabulated Matérn correlation equals the direct formula (1e-8 absolute, κ from 0.2 to 10)", () => {
  for (const kappa of [0.2, 0.7, 1.5, 10]) {
    const rho = correlationFunction({ type: "mat", nugget: 0, psill: 1, range: 1, kappa });
    const scale = 1 / (2 ** (kappa - 1) * gammaFunction(kappa));
    for (let r = 1e-9; r < 80; r *= 1.013) {
      const direct = scale * r ** kappa * besselK(kappa, r);
      // interpolation error bound step^4 * max|rho''''| / 24 is ~1e-9 at r = 0.05 for κ = 0.2
      assert.ok(Math.abs(rho(r) - direct) < 1e-8, `κ ${kappa}, r ${r}: ${rho(r)} vs ${direct}`);
    }
  }
});
