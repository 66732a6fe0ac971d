import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultCutoff, empiricalVariogram, variogramCloud } from "../../../core/geostat/variogram.ts";
import { meuseLogZinc, readFixture } from "./helpers.ts";

const meuse = meuseLogZinc();

/**
 * Same pairs in the same bins means np equal exactly; dist and gamma are sums of the same doubles
 * in a possibly different order, so they agree to rounding: 1e-12 relative is ~1e4 ulps of slack.
 */
function assertSameAsGstat(
  bins: { np: number; dist: number; gamma: number; direction: number }[],
  file: string,
  directional = false,
) {
  const columns = directional ? ["np", "dist", "gamma", "dir.hor"] : ["np", "dist", "gamma"];
  const reference = readFixture(file, columns);
  assert.equal(bins.length, reference.np.length, `${file}: number of non-empty bins`);
  bins.forEach((bin, i) => {
    assert.equal(bin.np, reference.np[i], `${file} bin ${i}: np`);
    assert.ok(
      Math.abs(bin.dist - reference.dist[i]) <= 1e-12 * reference.dist[i],
      `${file} bin ${i}: dist ${bin.dist} vs ${reference.dist[i]}`,
    );
    assert.ok(
      Math.abs(bin.gamma - reference.gamma[i]) <= 1e-12 * reference.gamma[i],
      `${file} bin ${i}: gamma ${bin.gamma} vs ${reference.gamma[i]}`,
    );
    if (directional) assert.equal(bin.direction, reference["dir.hor"][i], `${file} bin ${i}: direction`);
  });
}

test("empirical variogram of log(zinc) equals gstat's with its default cutoff and width", () => {
  const variogram = empiricalVariogram(meuse.x, meuse.y, meuse.z);
  assert.ok(Math.abs(variogram.cutoff - defaultCutoff(meuse.x, meuse.y)) < 1e-9);
  assertSameAsGstat(variogram.bins, "variogram_default.csv");
});

test("explicit cutoff 1000 / width 50 matches gstat, including the pairs exactly on a bin boundary (200 m, 450 m)", () => {
  const variogram = empiricalVariogram(meuse.x, meuse.y, meuse.z, { cutoff: 1000, width: 50 });
  assertSameAsGstat(variogram.bins, "variogram_cutoff1000_width50.csv");
});

test("directional variograms (0, 45, 90, 135 degrees, tolerance 22.5) match gstat", () => {
  const variogram = empiricalVariogram(meuse.x, meuse.y, meuse.z, { directions: [0, 45, 90, 135] });
  assertSameAsGstat(variogram.bins, "variogram_directional.csv", true);
});

test("the cloud holds every pair within the cutoff, and binning it reproduces the binned variogram", () => {
  const variogram = empiricalVariogram(meuse.x, meuse.y, meuse.z);
  const cloud = variogramCloud(meuse.x, meuse.y, meuse.z, variogram.cutoff);
  const totalPairs = variogram.bins.reduce((s, b) => s + b.np, 0);
  assert.equal(cloud.length, totalPairs);
  const firstBin = cloud.filter((p) => p.dist <= variogram.width);
  const gamma = firstBin.reduce((s, p) => s + p.gamma, 0) / firstBin.length;
  assert.ok(Math.abs(gamma - variogram.bins[0].gamma) < 1e-12 * gamma);
});

test("a pair at distance zero falls in the first bin, as in gstat", () => {
  const x = Float64Array.from([0, 0, 10, 30]);
  const y = Float64Array.from([0, 0, 0, 0]);
  const z = Float64Array.from([1, 3, 2, 5]);
  const variogram = empiricalVariogram(x, y, z, { cutoff: 30, width: 10 });
  // pairs: (0,0) d=0 -> bin 0; two at d=10 -> bin 0; d=20 -> bin 1; two at d=30 -> bin 2
  assert.deepEqual(
    variogram.bins.map((b) => b.np),
    [3, 1, 2],
  );
  assert.equal(variogram.bins[0].gamma, ((1 - 3) ** 2 + (1 - 2) ** 2 + (3 - 2) ** 2) / 6);
});
