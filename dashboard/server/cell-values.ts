import { cellOf } from "../../core/raster/grid.ts";
import type { PyramidReader } from "../../core/raster/pyramid.ts";
import type { CellValues } from "../api-types.ts";
import type { Catalog } from "./catalog.ts";
import { fileFor } from "./tiles.ts";

/**
 * The value of every layer at map point (x, y), read from the full-resolution COG cell that
 * contains it (the same cell gdallocationinfo -geoloc reports), and for campaign layers the
 * cell's value under each scenario.
 */
export async function valuesAt(
  catalog: Catalog,
  x: number,
  y: number,
  scenario: string | null,
): Promise<CellValues> {
  const values: CellValues["values"] = [];
  const perScenario: CellValues["perScenario"] = [];
  for (const layer of catalog.layers) {
    const file = fileFor(layer, scenario);
    if (file) {
      const [col, row] = cellOf(file.reader.levels[0], x, y);
      values.push({
        layer: layer.id,
        title: layer.title,
        units: layer.style.units,
        value: await cellValue(file.reader, col, row),
        col,
        row,
      });
    }
    if (layer.files.length > 1) {
      const byScenario = [];
      for (const info of catalog.scenarios) {
        const other = layer.files.find((f) => f.scenario === info.id);
        if (!other) continue;
        const [col, row] = cellOf(other.reader.levels[0], x, y);
        byScenario.push({
          scenario: info.id,
          ...(info.mw === undefined ? {} : { mw: info.mw }),
          value: await cellValue(other.reader, col, row),
        });
      }
      perScenario.push({
        layer: layer.id,
        kind: layer.style.kind,
        title: layer.title,
        units: layer.style.units,
        values: byScenario,
      });
    }
  }
  return { x, y, scenario, values, perScenario };
}

async function cellValue(reader: PyramidReader, col: number, row: number): Promise<number | null> {
  const grid = reader.levels[0];
  if (col < 0 || row < 0 || col >= grid.width || row >= grid.height) return null;
  const [value] = await reader.readBand(0, { x0: col, y0: row, width: 1, height: 1 });
  return Number.isNaN(value) ? null : value;
}
