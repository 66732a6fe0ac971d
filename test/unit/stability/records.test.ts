import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { InputError } from "../../../core/errors.ts";
import { readAccelerationRecord } from "../../../core/stability/records.ts";

const fixtures = new URL("../../fixtures/stability/", import.meta.url);
const dir = mkdtempSync(join(tmpdir(), "quakeslide-records-"));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test("PEER .AT2: NPTS, DT and units from the header; values in g", () => {
  const record = readAccelerationRecord(new URL("Rinaldi228.AT2", fixtures).pathname);
  assert.equal(record.name, "Rinaldi228.AT2");
  assert.equal(record.dtS, 0.01);
  assert.equal(record.accelerationG.length, 1991);
  // data/README: first value -.2556093E-02 and PGA 0.8741 g (INDEX.csv 0.87406).
  assert.equal(record.accelerationG[0], -0.2556093e-2);
  assert.ok(Math.abs(Math.max(...record.accelerationG.map(Math.abs)) - 0.87406) < 5e-6);
});

test("one value per line needs --dt; units and scale convert to g", () => {
  const path = file("plain.txt", "0.1\n-0.2\n0.3\n");
  assert.throws(() => readAccelerationRecord(path), /give --dt/);
  const record = readAccelerationRecord(path, { dtS: 0.01, units: "m/s2", scale: 2 });
  assert.equal(record.accelerationG.length, 3);
  // 0.3 m/s² × 2 = 0.6 m/s² = 0.6 / 9.80665 g; exact up to float rounding.
  assert.ok(Math.abs(record.accelerationG[2] - 0.6 / 9.80665) < 1e-15);
});

test("headered text and CSV with a time column", () => {
  const headered = readAccelerationRecord(
    file("h.txt", "# dt_s=0.02\n# units=cm/s2\n# npts=3\n980.665\n0\n-490.3325\n"),
  );
  assert.equal(headered.dtS, 0.02);
  assert.deepEqual(
    Array.from(headered.accelerationG, (v) => Math.round(v * 1e12) / 1e12),
    [1, 0, -0.5],
  );
  const csv = readAccelerationRecord(
    file("r.csv", "time_s,accel_g\n0,0.1\n0.005,0.2\n0.010,-0.1\n0.015,0\n"),
  );
  assert.ok(Math.abs(csv.dtS - 0.005) < 1e-12);
  assert.deepEqual(Array.from(csv.accelerationG), [0.1, 0.2, -0.1, 0]);
});

test("bad records: clear InputErrors naming the file and line", () => {
  const cases: [string, string, RegExp, object?][] = [
    ["nan.txt", "0.1\nNaN\n", /nan\.txt.*line 2/, { dtS: 0.01 }],
    ["word.txt", "0.1\n0.2\nabc\n", /word\.txt.*line 3.*"abc"/, { dtS: 0.01 }],
    ["zero-dt.txt", "# dt_s=0\n0.1\n", /time step must be positive/],
    ["neg-dt.txt", "0.1\n", /time step must be positive/, { dtS: -0.01 }],
    ["npts.txt", "# dt_s=0.01\n# npts=4\n0.1\n0.2\n", /header says 4 samples but the file holds 2/],
    ["units.txt", "# dt_s=0.01\n# units=furlongs\n0.1\n", /unknown acceleration units "furlongs"/],
    ["units-opt.txt", "0.1\n", /unknown acceleration units "ft\/s2"/, { dtS: 0.01, units: "ft/s2" }],
    ["uneven.csv", "0,0.1\n0.01,0.2\n0.05,0.3\n", /uneven\.csv.*line 3.*uniform step/],
    ["empty.txt", "\n", /no acceleration values/, { dtS: 0.01 }],
  ];
  for (const [name, text, pattern, options] of cases) {
    assert.throws(
      () => readAccelerationRecord(file(name, text), options),
      (error: unknown) => error instanceof InputError && pattern.test(error.message),
      name,
    );
  }
  assert.throws(
    () => readAccelerationRecord(join(dir, "missing.txt")),
    /missing\.txt: no such file \(expected an acceleration record\)/,
  );
});
