import type { PyramidReader } from "../../core/raster/pyramid.ts";
import type { BaseMap, Catalog, Layer, LayerFile } from "./catalog.ts";
import { hillshadeWindow, slopeShadeWindow } from "./hillshade.ts";
import { colouringOf } from "./legend.ts";
import {
  type Colouring,
  encodePng,
  paintTile,
  sampleTile,
  transparentTile,
  type WindowValues,
} from "./render.ts";
import { levelFor, type TileBox, tileBox, windowFor } from "./tile-grid.ts";

/** Classes cannot be averaged: their tiles read full-resolution cells up to this many per tile. */
const MAX_CATEGORICAL_WINDOW_CELLS = 2048 * 2048;

export class TileNotFound extends Error {}

/** One PNG tile of a layer (the scenario's file for a campaign layer). */
export async function layerTile(
  catalog: Catalog,
  layer: Layer,
  scenario: string | null,
  z: number,
  x: number,
  y: number,
): Promise<Buffer> {
  const file = fileFor(layer, scenario);
  const box = tileBox(catalog.tileGrid, z, x, y);
  if (!file || !box) throw new TileNotFound(`no tile ${z}/${x}/${y} of ${layer.id}`);
  const level = layer.style.categorical
    ? categoricalLevel(file.reader, box)
    : levelFor(file.reader.levels, box.pixelSize);
  const window = windowFor(file.reader.levels[level], box);
  if (!window) return transparentTile(box.size);
  const values = await file.reader.readBand(level, window);
  return draw(
    { values, window, level: file.reader.levels[level] },
    box,
    colouringOf(layer.style, layer.legend),
  );
}

/** One PNG tile of the hillshade base map, computed from the DEM level that suits the zoom. */
export async function baseTile(
  catalog: Catalog,
  base: BaseMap,
  z: number,
  x: number,
  y: number,
): Promise<Buffer> {
  const box = tileBox(catalog.tileGrid, z, x, y);
  if (!box) throw new TileNotFound(`no tile ${z}/${x}/${y}`);
  const level = levelFor(base.reader.levels, box.pixelSize);
  const window = windowFor(base.reader.levels[level], box);
  if (!window) return transparentTile(box.size);
  const shaded =
    base.from === "dem"
      ? await hillshadeWindow(base.reader, level, window)
      : await slopeShadeWindow(base.reader, level, window);
  return draw(shaded, box, { type: "grey" });
}

export function fileFor(layer: Layer, scenario: string | null): LayerFile | undefined {
  if (layer.files.length === 1) return layer.files[0];
  return layer.files.find((f) => f.scenario === scenario) ?? (scenario === null ? layer.files[0] : undefined);
}

function draw(source: WindowValues, box: TileBox, colouring: Colouring): Buffer {
  const pixels = box.size * box.size;
  const samples = new Float32Array(pixels);
  sampleTile(source, box, samples);
  const rgba = new Uint8Array(pixels * 4);
  paintTile(samples, colouring, rgba);
  return encodePng(rgba, box.size);
}

function categoricalLevel(reader: PyramidReader, box: TileBox): number {
  const window = windowFor(reader.levels[0], box);
  if (!window || window.width * window.height <= MAX_CATEGORICAL_WINDOW_CELLS) return 0;
  return levelFor(reader.levels, box.pixelSize);
}
