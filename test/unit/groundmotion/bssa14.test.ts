import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { bssa14, checkBssa14Inputs, type Mechanism } from "../../../core/groundmotion/bssa14.ts";

// OpenQuake's verification tables for BooreEtAl2014 (gem/oq-engine,
// openquake/hazardlib/tests/gsim/data/BSSA2014/), a subset copied in
// test/fixtures/groundmotion/openquake_bssa14.csv (see its README).
const fixture = new URL("../../fixtures/groundmotion/openquake_bssa14.csv", import.meta.url);
const rows = readFileSync(fixture, "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => {
    const [table, mag, rake, rjb, vs30, pgv, pga] = line.split(",");
    return {
      table,
      mag: +mag,
      rake: rake === "" ? null : +rake,
      rjb: +rjb,
      vs30: +vs30,
      pgv: +pgv,
      pga: +pga,
    };
  });

/** OpenQuake's rake convention: within 30 degrees of horizontal strike-slip, 30-150 reverse, else normal. */
function mechanismOf(rake: number | null): Mechanism {
  if (rake === null) return "U";
  if (Math.abs(rake) <= 30 || 180 - Math.abs(rake) <= 30) return "SS";
  return rake > 30 && rake < 150 ? "RS" : "NS";
}

test("BSSA14 medians match OpenQuake's tables (SS, NS, RS and unspecified; M 3-8, Rjb 0-100 km, Vs30 200-760)", () => {
  const medians = rows.filter((r) => r.table.endsWith("MEAN"));
  assert.ok(medians.length >= 40);
  for (const r of medians) {
    const motion = bssa14({ magnitude: r.mag, mechanism: mechanismOf(r.rake) }, r.rjb, r.vs30);
    // The tables print 6 significant digits (relative rounding <= 5e-6); 1e-5 leaves room for
    // float differences and nothing else: a wrong coefficient moves the value by 1e-3 or more.
    const where = `${r.table} M${r.mag} rake ${r.rake} Rjb ${r.rjb} Vs30 ${r.vs30}`;
    assert.ok(Math.abs(motion.pgaG / r.pga - 1) < 1e-5, `${where}: PGA ${motion.pgaG} vs ${r.pga}`);
    assert.ok(Math.abs(motion.pgvCmS / r.pgv - 1) < 1e-5, `${where}: PGV ${motion.pgvCmS} vs ${r.pgv}`);
  }
});

test("BSSA14 total sigma matches OpenQuake's tables (magnitude taper, soft-site reduction)", () => {
  const sigmas = rows.filter((r) => r.table.endsWith("TOTAL_STD"));
  assert.ok(sigmas.length >= 10);
  for (const r of sigmas) {
    const motion = bssa14({ magnitude: r.mag, mechanism: mechanismOf(r.rake) }, r.rjb, r.vs30);
    // Printed with 4 decimals: half a unit of the last one.
    assert.ok(Math.abs(motion.sigmaLnPga - r.pga) <= 5e-5, `M${r.mag} Vs30 ${r.vs30}: ${motion.sigmaLnPga}`);
    assert.ok(Math.abs(motion.sigmaLnPgv - r.pgv) <= 5e-5, `M${r.mag} Vs30 ${r.vs30}: ${motion.sigmaLnPgv}`);
  }
});

test("BSSA14 behaves physically: decays with distance, grows with magnitude, soft sites amplify weak motion", () => {
  const at = (m: number, rjb: number, vs30: number) => bssa14({ magnitude: m, mechanism: "SS" }, rjb, vs30);
  for (const rjb of [1, 10, 50, 150]) assert.ok(at(6.5, rjb, 760).pgaG > at(6.5, rjb * 2, 760).pgaG);
  for (const m of [4, 5, 6, 7]) assert.ok(at(m + 0.5, 20, 760).pgvCmS > at(m, 20, 760).pgvCmS);
  assert.ok(at(5, 80, 250).pgaG > at(5, 80, 760).pgaG, "linear amplification where shaking is weak");
  // Beyond 110 km the within-event sigma of PGA grows (Delta phi_R).
  assert.ok(at(6.5, 200, 760).sigmaLnPga > at(6.5, 50, 760).sigmaLnPga);
});

test("inputs outside the model's range are refused with the value and the range", () => {
  assert.throws(
    () => checkBssa14Inputs(9, 10, 760),
    /magnitude = 9 is outside the range of BSSA14 \(3 to 8.5\)/,
  );
  assert.throws(() => checkBssa14Inputs(6, 500, 760), /Rjb = 500 km/);
  assert.throws(() => checkBssa14Inputs(6, 10, 100), /Vs30 = 100 m\/s/);
  assert.doesNotThrow(() => checkBssa14Inputs(6, 10, 760));
});
