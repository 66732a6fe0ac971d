import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { PNG } from "pngjs";
import { writePreviewPng } from "../../../core/raster/index.ts";
import { PREVIEW_MAX_SIDE } from "../../../core/raster/preview.ts";
import { rampTable } from "../../../core/raster/ramps.ts";
import type { Grid } from "../../../core/raster/types.ts";
import { formatValue } from "../../../core/util/format-value.ts";

const dir = mkdtempSync(join(tmpdir(), "raster-preview-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function gridOf(width: number, height: number): Grid {
  return { width, height, transform: [0, 1, 0, 0, 0, -1], crs: { epsg: 32717, geographic: false } };
}

function pixel(png: PNG, x: number, y: number): number[] {
  const at = (y * png.width + x) * 4;
  return Array.from(png.data.subarray(at, at + 4));
}

test("a small band is drawn 1:1 with ramp ends at min and max, NaN transparent, legend below", async () => {
  const width = 300;
  const height = 200;
  const band = new Float32Array(width * height);
  for (let i = 0; i < band.length; i++) band[i] = (i % width) / (width - 1); // 0 at the left, 1 at the right
  band[width * 100 + 150] = Number.NaN;
  const path = join(dir, "small.png");
  await writePreviewPng(path, band, gridOf(width, height), { ramp: "viridis", title: "Slope", units: "deg" });
  const png = PNG.sync.read(readFileSync(path));
  assert.equal(png.width, width);
  assert.ok(png.height > height, "legend below the map");
  const viridis = rampTable("viridis");
  assert.deepEqual(pixel(png, 0, 0), [viridis[0], viridis[1], viridis[2], 255]);
  assert.deepEqual(pixel(png, width - 1, 0), [viridis[765], viridis[766], viridis[767], 255]);
  assert.equal(pixel(png, 150, 100)[3], 0, "NaN is transparent");
  const legend = png.data.subarray(height * width * 4);
  let dark = 0;
  for (let i = 0; i < legend.length; i += 4)
    if (legend[i] === 0 && legend[i + 1] === 0 && legend[i + 2] === 0) dark++;
  assert.ok(dark > 50, "legend text is drawn");
});

test("a large band is block-averaged so that its long side is at most 1024 px; min/max options clamp", async () => {
  const width = 3000;
  const height = 1500;
  const band = new Float32Array(width * height).fill(5);
  const path = join(dir, "large.png");
  await writePreviewPng(path, band, gridOf(width, height), { ramp: "greys", min: 0, max: 10 });
  const png = PNG.sync.read(readFileSync(path));
  assert.equal(png.width, Math.ceil(width / 3));
  assert.ok(png.width <= PREVIEW_MAX_SIDE);
  // 5 on a 0..10 grey ramp is index round(0.5 * 255) = 128.
  assert.deepEqual(pixel(png, 10, 10), [128, 128, 128, 255]);
});

test("an all-NaN band gives a fully transparent map and a 'no data' legend instead of failing", async () => {
  const path = join(dir, "empty.png");
  await writePreviewPng(path, new Float32Array(400 * 100).fill(Number.NaN), gridOf(400, 100), {});
  const png = PNG.sync.read(readFileSync(path));
  for (let y = 0; y < 100; y += 9) for (let x = 0; x < 400; x += 13) assert.equal(pixel(png, x, y)[3], 0);
});

test("legend numbers have four significant digits", () => {
  assert.deepEqual([1000, 12, 12.5, 0.0001234, 1234567, -3.14259, 0].map(formatValue), [
    "1000",
    "12",
    "12.5",
    "1.234e-4",
    "1.235e+6",
    "-3.143",
    "0",
  ]);
});
