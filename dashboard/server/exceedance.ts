import type { PyramidReader } from "../../core/raster/pyramid.ts";
import type { ExceedanceSeries } from "../api-types.ts";
import type { Catalog } from "./catalog.ts";

/** The campaign thresholds (Jibson & Michael 2009's 5 cm; 10 and 15 cm as the campaign maps). */
export const THRESHOLDS_CM = [5, 10, 15];
const STRIP_CELLS = 1 << 20;

/**
 * How the landslide-prone area grows with Mw, for a campaign: the landslide area of every
 * scenario as the campaign's table gives it, and, for the scenarios with a D_N map, the share of
 * mapped cells whose D_N exceeds each threshold (full-resolution cells, strip by strip). Null for
 * a single run.
 */
export async function exceedanceByScenario(catalog: Catalog): Promise<ExceedanceSeries | null> {
  const landslideArea = catalog.scenarioTable.flatMap((row) =>
    row.landslideAreaM2 === undefined
      ? []
      : [
          {
            scenario: row.id,
            ...(row.mw === undefined ? {} : { mw: row.mw }),
            hectares: row.landslideAreaM2 / 1e4,
          },
        ],
  );
  const layer = catalog.layers.find((l) => l.style.kind === "dn" && l.files.length > 1);
  if (!layer && landslideArea.length === 0) return null;
  const points: ExceedanceSeries["points"] = [];
  for (const info of layer ? catalog.scenarios : []) {
    const file = layer?.files.find((f) => f.scenario === info.id);
    if (!file) continue;
    points.push({
      scenario: info.id,
      ...(info.mw === undefined ? {} : { mw: info.mw }),
      fractions: await exceedanceFractions(file.reader),
    });
  }
  return { layer: layer?.id ?? null, thresholdsCm: THRESHOLDS_CM, points, landslideArea };
}

async function exceedanceFractions(reader: PyramidReader): Promise<number[]> {
  const grid = reader.levels[0];
  const rows = Math.max(1, Math.floor(STRIP_CELLS / grid.width));
  const above = THRESHOLDS_CM.map(() => 0);
  let mapped = 0;
  for (let y0 = 0; y0 < grid.height; y0 += rows) {
    const strip = await reader.readBand(0, {
      x0: 0,
      y0,
      width: grid.width,
      height: Math.min(rows, grid.height - y0),
    });
    for (const v of strip) {
      if (Number.isNaN(v)) continue;
      mapped++;
      for (let t = 0; t < THRESHOLDS_CM.length; t++) if (v > THRESHOLDS_CM[t]) above[t]++;
    }
  }
  return above.map((n) => (mapped > 0 ? n / mapped : 0));
}
