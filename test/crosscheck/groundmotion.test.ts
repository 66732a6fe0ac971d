// Cross-checks of core/groundmotion against GDAL/PROJ live (gdal-bin + python3-gdal, installed by
// .ci/run): the stored gdalwarp reference is what the fixture script makes today, and the UTM
// projection agrees with gdaltransform on points spread over several zones.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { projectionFor } from "../../core/groundmotion/projection.ts";
import { runGroundMotion } from "../../core/groundmotion/step.ts";
import { Random } from "../../core/ml/random.ts";
import { bandAsFloat32, readRaster, writeCog } from "../../core/raster/index.ts";
import { skipUnlessInstalled } from "./reference-tool.ts";

const gdalMissing = skipUnlessInstalled(
  spawnSync("gdalwarp", ["--version"]).status === 0 &&
    spawnSync("/usr/bin/python3", ["-c", "import osgeo"]).status === 0,
  "gdalwarp and GDAL's Python bindings (apt-get install gdal-bin python3-gdal)",
);
const fixtures = new URL("../fixtures/groundmotion/", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "groundmotion-crosscheck-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("gdalwarp -r bilinear, run now, gives the stored reference, and Quakeslide's interpolation matches it", {
  skip: gdalMissing,
}, async () => {
  copyFileSync(join(fixtures, "loma_prieta_1989_grid.xml"), join(dir, "loma_prieta_1989_grid.xml"));
  const made = spawnSync("sh", [join(fixtures, "make_gdalwarp_reference.sh")], {
    cwd: dir,
    encoding: "utf8",
  });
  assert.equal(made.status, 0, made.stderr);
  const live = await readRaster(join(dir, "loma_prieta_pga_pgv_utm10n_gdalwarp.tif"));
  const stored = await readRaster(join(fixtures, "loma_prieta_pga_pgv_utm10n_gdalwarp.tif"));
  for (const band of [0, 1]) {
    const [a, b] = [bandAsFloat32(live, band), bandAsFloat32(stored, band)];
    for (let i = 0; i < a.length; i++)
      assert.ok(Math.abs(a[i] - b[i]) <= 1e-6 * Math.abs(b[i]), `band ${band} cell ${i}`);
  }
  const template = join(dir, "template.tif");
  await writeCog(template, {
    width: live.width,
    height: live.height,
    transform: live.transform,
    crs: { epsg: 32610, geographic: false },
    bands: [new Float32Array(live.width * live.height)],
    nodata: Number.NaN,
  });
  await runGroundMotion({
    grid: template,
    shakemap: join(dir, "loma_prieta_1989_grid.xml"),
    outDir: join(dir, "ours"),
  });
  const ours = bandAsFloat32(await readRaster(join(dir, "ours", "pga.tif")));
  const gdal = bandAsFloat32(live, 0);
  for (let i = 0; i < ours.length; i++) assert.ok(Math.abs(ours[i] / gdal[i] - 1) < 1e-6, `PGA cell ${i}`);
});

test("UTM inverse agrees with gdaltransform to 1e-8 degree on 200 points over 4 zones", {
  skip: gdalMissing,
}, () => {
  const random = new Random(3);
  for (const epsg of [32610, 32633, 32717, 32755]) {
    const points = Array.from({ length: 50 }, () => [
      200_000 + 600_000 * random.next(),
      1_000_000 + 8_000_000 * random.next(),
    ]);
    const result = spawnSync(
      "gdaltransform",
      ["-s_srs", `EPSG:${epsg}`, "-t_srs", "EPSG:4326", "-output_xy"],
      {
        input: points.map(([x, y]) => `${x} ${y}`).join("\n"),
        encoding: "utf8",
      },
    );
    assert.equal(result.status, 0, result.stderr);
    const expected = result.stdout
      .trim()
      .split("\n")
      .map((line) => line.split(/\s+/).map(Number));
    const projection = projectionFor({ epsg, geographic: false });
    const out = new Float64Array(2);
    points.forEach(([x, y], i) => {
      projection.inverse(x, y, out);
      assert.ok(
        Math.abs(out[0] - expected[i][0]) < 1e-8 && Math.abs(out[1] - expected[i][1]) < 1e-8,
        `EPSG:${epsg} ${x} ${y}: ${[...out]} vs ${expected[i]}`,
      );
    });
  }
});
