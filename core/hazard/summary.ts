import type { Grid } from "../raster/types.ts";
import { cellAreasByRow } from "../stability/raster-io.ts";
import { HAZARD_CLASS_NAMES } from "./classes.ts";

export interface ClassRow {
  hazardClass: number;
  name: string;
  cells: number;
  areaKm2: number;
  /** Share of the area that has a class (nodata excluded). */
  share: number;
  /** Sum of the exposure raster over the class (e.g. people), when one is given. */
  exposure?: number;
}

/** Area, share and (optionally) exposure per hazard class: the table a disaster-risk office reads. */
export function classTable(grid: Grid, classes: Float32Array, exposure?: Float32Array): ClassRow[] {
  const areas = cellAreasByRow(grid);
  const rows: ClassRow[] = HAZARD_CLASS_NAMES.map((name, index) => ({
    hazardClass: index + 1,
    name,
    cells: 0,
    areaKm2: 0,
    share: 0,
    ...(exposure ? { exposure: 0 } : {}),
  }));
  let classifiedArea = 0;
  for (let i = 0; i < classes.length; i++) {
    const value = classes[i];
    if (Number.isNaN(value)) continue;
    const row = rows[value - 1];
    const area = areas[Math.floor(i / grid.width)] / 1e6;
    row.cells++;
    row.areaKm2 += area;
    classifiedArea += area;
    // Nodata exposure counts as none: the class's area is known, its people are not.
    if (exposure && !Number.isNaN(exposure[i])) (row.exposure as number) += exposure[i];
  }
  for (const row of rows) row.share = classifiedArea > 0 ? row.areaKm2 / classifiedArea : 0;
  return rows;
}

/** The same table as CSV (class, name, cells, area_km2, share[, exposure]). */
export function classTableCsv(rows: ClassRow[], exposureName?: string): string {
  const header = ["class", "name", "cells", "area_km2", "share", ...(exposureName ? [exposureName] : [])];
  const lines = rows.map((r) =>
    [
      r.hazardClass,
      r.name,
      r.cells,
      r.areaKm2.toFixed(6),
      r.share.toFixed(6),
      ...(exposureName ? [Number((r.exposure ?? 0).toPrecision(10))] : []),
    ].join(","),
  );
  return `${[header.join(","), ...lines].join("\n")}\n`;
}
