import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fromFile } from "geotiff";
import {
  openCogWriter,
  readRaster,
  readRasterInfo,
  type SampleArray,
  writeCog,
} from "../../../core/raster/index.ts";
import type { Grid } from "../../../core/raster/types.ts";
import { walkIfds } from "./tiff-structure.ts";

const dir = mkdtempSync(join(tmpdir(), "raster-cog-"));
after(() => rmSync(dir, { recursive: true, force: true }));

// 600 x 300 cells with 256-px tiles: partial edge tiles and two overview levels (300x150, 150x75).
const grid: Grid = {
  width: 600,
  height: 300,
  transform: [500000.5, 10, 0, 9000000.25, 0, -10],
  crs: { epsg: 32717, geographic: false },
};

/** A deterministic field with structure (so the predictors matter) and noise, scaled into a type's range. */
function field(
  Type: new (n: number) => SampleArray,
  low: number,
  high: number,
  nodata?: number,
): SampleArray {
  const out = new Type(grid.width * grid.height);
  let seed = 12345;
  for (let i = 0; i < out.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const x = (i % grid.width) / grid.width;
    const y = Math.floor(i / grid.width) / grid.height;
    const t = 0.5 + 0.3 * Math.sin(7 * x) * Math.cos(5 * y) + 0.2 * (seed / 2147483648);
    out[i] = low + t * (high - low);
  }
  if (nodata !== undefined) for (let i = 0; i < out.length; i += 97) out[i] = nodata;
  return out;
}

const cases: [string, SampleArray, number | null][] = [
  ["float32", field(Float32Array, -1e3, 5e3, Number.NaN), Number.NaN],
  ["float64", field(Float64Array, -1e-3, 1e-3, Number.NaN), Number.NaN],
  ["int16", field(Int16Array, -32000, 32000, -32768), -32768],
  ["uint16", field(Uint16Array, 0, 65535, 0), 0],
  ["int32", field(Int32Array, -2e9, 2e9, -2147483648), -2147483648],
  ["uint32", field(Uint32Array, 0, 4e9), null],
  ["int8", field(Int8Array, -127, 127, -128), -128],
  ["uint8", field(Uint8Array, 0, 255, 255), 255],
];

for (const [name, band, nodata] of cases) {
  test(`COG round trip of ${name} keeps values, nodata, geotransform and EPSG exactly`, async () => {
    const path = join(dir, `${name}.tif`);
    await writeCog(path, { ...grid, bands: [band], bandNames: [name], nodata });
    const back = await readRaster(path);
    // Exact: DEFLATE and the predictors are lossless, and the geotransform is stored as doubles.
    assert.deepEqual(back.transform, grid.transform);
    assert.deepEqual(back.crs, grid.crs);
    assert.deepEqual(back.bandNames, [name]);
    if (nodata !== null && Number.isNaN(nodata)) assert.ok(Number.isNaN(back.nodata));
    else assert.equal(back.nodata, nodata);
    assert.equal(back.bands[0].constructor, band.constructor);
    assert.deepEqual(back.bands[0], band);
    const info = await readRasterInfo(path);
    assert.equal(info.overviewCount, 2);
    assert.equal(info.predictor, name.startsWith("float") ? 3 : 2);
    assert.equal(info.compression, 8);
  });
}

test("multi-band, geographic CRS and a rotated transform survive the round trip", async () => {
  const path = join(dir, "multi.tif");
  const geographic: Grid = {
    ...grid,
    transform: [-79.1, 1e-4, 2e-6, -3.9, 1e-6, -1e-4],
    crs: { epsg: 4326, geographic: true },
  };
  const bands = [
    field(Float32Array, 0, 90),
    field(Float32Array, -1, 1, Number.NaN),
    field(Float32Array, 1700, 3200),
  ];
  await writeCog(path, { ...geographic, bands, bandNames: ["slope", "cplan & <x>", undefined] });
  const back = await readRaster(path);
  assert.deepEqual(back.transform, geographic.transform);
  assert.deepEqual(back.crs, { epsg: 4326, geographic: true });
  assert.deepEqual(back.bandNames, ["slope", "cplan & <x>", undefined]);
  bands.forEach((band, b) => {
    assert.deepEqual(back.bands[b], band);
  });
});

test("streaming rows in uneven chunks writes the same file as writing the whole raster", async () => {
  const band = cases[0][1] as Float32Array;
  const whole = join(dir, "whole.tif");
  const streamed = join(dir, "streamed.tif");
  await writeCog(whole, { ...grid, bands: [band], bandNames: ["v"] });
  const writer = openCogWriter(streamed, grid, { bandNames: ["v"] });
  for (let y = 0; y < grid.height; y += 37) {
    const rows = Math.min(37, grid.height - y);
    await writer.writeRows(y, band.slice(y * grid.width, (y + rows) * grid.width));
  }
  await writer.close();
  assert.ok(readFileSync(whole).equals(readFileSync(streamed)));
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.endsWith(".tmp")),
    [],
    "no spill file left",
  );
});

test("tiles held in memory, spilled to disk, or moved there midway give the same file", async () => {
  const band = cases[0][1] as Float32Array;
  const files = [undefined, 0, 600_000].map((maxHeldBytes) => join(dir, `held-${maxHeldBytes}.tif`));
  for (const [k, maxHeldBytes] of [undefined, 0, 600_000].entries()) {
    const writer = openCogWriter(files[k], grid, { bandNames: ["v"], maxHeldBytes });
    for (let y = 0; y < grid.height; y += 100)
      await writer.writeRows(y, band.slice(y * grid.width, (y + 100) * grid.width));
    await writer.close();
  }
  assert.ok(readFileSync(files[0]).equals(readFileSync(files[1])), "all held = all spilled");
  assert.ok(readFileSync(files[0]).equals(readFileSync(files[2])), "all held = spilled midway");
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.endsWith(".tmp")),
    [],
    "no spill file left",
  );
});

test("each overview cell is the NaN-ignoring mean of the 2x2 cells below it", async () => {
  const path = join(dir, "overviews.tif");
  const band = field(Float32Array, 0, 100, Number.NaN);
  for (let i = 0; i < 4; i++) band[i] = Number.NaN; // a 2x2 block (cols 0-1 of rows 0-1) partly NaN...
  band[grid.width] = Number.NaN;
  band[grid.width + 1] = Number.NaN; // ...and now wholly NaN: its overview cell must be NaN
  await writeCog(path, { ...grid, bands: [band] });
  const tiff = await fromFile(path);
  let parent = { data: band, width: grid.width, height: grid.height };
  for (let level = 1; level < (await tiff.getImageCount()); level++) {
    const image = await tiff.getImage(level);
    const [data] = (await image.readRasters({ interleave: false })) as unknown as Float32Array[];
    assert.equal(image.getWidth(), Math.ceil(parent.width / 2));
    assert.equal(image.getHeight(), Math.ceil(parent.height / 2));
    for (let r = 0; r < image.getHeight(); r++) {
      for (let c = 0; c < image.getWidth(); c++) {
        const values: number[] = [];
        for (const [dr, dc] of [
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
        ]) {
          const rr = Math.min(2 * r + dr, parent.height - 1);
          const cc = Math.min(2 * c + dc, parent.width - 1);
          const v = parent.data[rr * parent.width + cc];
          if (!Number.isNaN(v)) values.push(v);
        }
        const actual = data[r * image.getWidth() + c];
        if (values.length === 0) {
          assert.ok(Number.isNaN(actual), `level ${level} (${c},${r}) should be NaN`);
          continue;
        }
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        // One float32 rounding of the mean (relative 6e-8), with margin.
        assert.ok(
          Math.abs(actual - mean) <= 1e-6 * Math.max(1, Math.abs(mean)),
          `level ${level} (${c},${r}): ${actual} vs ${mean}`,
        );
      }
    }
    if (level === 1) assert.ok(Number.isNaN(data[0]), "the all-NaN 2x2 block gives a NaN overview cell");
    parent = { data, width: image.getWidth(), height: image.getHeight() };
  }
  tiff.close();
});

function assertCogLayout(path: string, levels: number, tileSize: number) {
  const { bytes, ifds, bigTiff } = walkIfds(path);
  const headerSize = bigTiff ? 16 : 8;
  assert.match(
    bytes.toString("latin1", headerSize, headerSize + 80),
    /^GDAL_STRUCTURAL_METADATA_SIZE=\d{6} bytes\nLAYOUT=IFDS_BEFORE_DATA/,
  );
  assert.equal(ifds.length, levels);
  const firstData = Math.min(...ifds.flatMap((ifd) => ifd.tags.get(324) ?? []));
  for (const ifd of ifds) {
    assert.ok(ifd.offset < firstData, "every IFD comes before the image data");
    assert.deepEqual(ifd.tags.get(322), [tileSize]);
    assert.deepEqual(ifd.tags.get(259), [8]);
  }
  for (let level = 0; level + 1 < ifds.length; level++) {
    const lower = Math.min(...(ifds[level].tags.get(324) ?? []));
    const smaller = Math.max(...(ifds[level + 1].tags.get(324) ?? []));
    assert.ok(smaller < lower, `overview ${level + 1} data comes before level ${level} data`);
  }
  for (const ifd of ifds) {
    const offsets = ifd.tags.get(324) ?? [];
    const counts = ifd.tags.get(325) ?? [];
    offsets.forEach((offset, i) => {
      if (i > 0) assert.ok(offset > offsets[i - 1], "tiles in row-major order");
      assert.equal(bytes.readUInt32LE(offset - 4), counts[i], "size leader");
      assert.ok(
        bytes
          .subarray(offset + counts[i] - 4, offset + counts[i])
          .equals(bytes.subarray(offset + counts[i], offset + counts[i] + 4)),
        "trailer",
      );
    });
  }
}

test("COG layout: ghost header, IFDs first, smallest overview's tiles first, size leaders and trailers", () => {
  assertCogLayout(join(dir, "float32.tif"), 3, 256);
});

test("512-px tiles and forced BigTIFF are read back exactly", async () => {
  const band = cases[2][1];
  for (const [name, bigTiff] of [
    ["tile512.tif", false],
    ["bigtiff.tif", true],
  ] as const) {
    const path = join(dir, name);
    await writeCog(path, { ...grid, bands: [band], nodata: -32768 }, { tileSize: 512, bigTiff });
    assert.equal(walkIfds(path).bigTiff, bigTiff);
    assertCogLayout(path, 2, 512);
    assert.deepEqual((await readRaster(path)).bands[0], band);
  }
});

test("writer misuse fails loudly and leaves neither output nor spill file", async () => {
  const sub = mkdtempSync(join(dir, "misuse-"));
  const path = join(sub, "out.tif");
  const rows = new Float32Array(grid.width * 10);
  const early = openCogWriter(path, grid);
  await early.writeRows(0, rows);
  await assert.rejects(early.close(), /closed after 10 of 300 rows/);
  const outOfOrder = openCogWriter(path, grid);
  await outOfOrder.writeRows(0, rows);
  await assert.rejects(outOfOrder.writeRows(20, rows), /expected row 10, got 20/);
  await outOfOrder.abort();
  const wrongType = openCogWriter(path, grid);
  await assert.rejects(wrongType.writeRows(0, new Float64Array(grid.width)), /rows must be Float32Array/);
  await assert.rejects(
    openCogWriter(path, grid).writeRows(0, new Float32Array(grid.width + 1)),
    /k\*600 samples/,
  );
  await assert.rejects(
    writeCog(path, { ...grid, bands: [new Float32Array(10)] }),
    /band 0 has 10 cells, the grid 180000/,
  );
  assert.equal(existsSync(path), false);
  assert.deepEqual(readdirSync(sub), []);
});

test("a spill failure in the background (missing folder) surfaces as an error, not a hang or a crash", async () => {
  const writer = openCogWriter(join(dir, "no-such-folder", "out.tif"), grid, { maxHeldBytes: 0 });
  const rows = new Float32Array(grid.width * grid.height);
  await assert.rejects(
    (async () => {
      await writer.writeRows(0, rows);
      await writer.close();
    })(),
    /ENOENT/,
  );
});

test('the "planes" encoder: float rasters read back exactly (also by geotiff.js), held, spilled or both alike', async () => {
  for (const [name, band] of [cases[0], cases[1]]) {
    const files = [undefined, 0, 600_000].map((maxHeldBytes) =>
      join(dir, `planes-${name}-${maxHeldBytes}.tif`),
    );
    for (const [k, maxHeldBytes] of [undefined, 0, 600_000].entries()) {
      const writer = openCogWriter(files[k], grid, {
        bandNames: ["v"],
        deflateStrategy: "planes",
        maxHeldBytes,
        sampleType: band.constructor as Float32ArrayConstructor,
      });
      for (let y = 0; y < grid.height; y += 100)
        await writer.writeRows(y, band.slice(y * grid.width, (y + 100) * grid.width));
      await writer.close();
    }
    assert.deepEqual((await readRaster(files[0])).bands[0], band, `${name}: our reader`);
    const tiff = await fromFile(files[0]);
    const [data] = (await (
      await tiff.getImage(0)
    ).readRasters({ interleave: false })) as unknown as SampleArray[];
    tiff.close();
    assert.deepEqual(data, band, `${name}: geotiff.js`);
    const info = await readRasterInfo(files[0]);
    assert.deepEqual([info.compression, info.predictor, info.overviewCount], [8, 3, 2]);
    assert.ok(readFileSync(files[0]).equals(readFileSync(files[1])), `${name}: all held = all spilled`);
    assert.ok(readFileSync(files[0]).equals(readFileSync(files[2])), `${name}: all held = spilled midway`);
  }
});
