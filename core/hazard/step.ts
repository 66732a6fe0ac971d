import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { parseOptionsWith } from "../options.ts";
import { checkRasterInputs, readBand, writeBandOutputs, writeSummary } from "../stability/raster-io.ts";
import { hazardClasses, matrixProblem } from "./classes.ts";
import { type HazardOptions, hazardOptionsSchema } from "./schema.ts";
import { type ClassRow, classTable, classTableCsv } from "./summary.ts";

export interface HazardSummary {
  method: "class-matrix";
  pfBreaks: number[];
  susceptibilityBreaks: number[];
  matrix: number[][];
  width: number;
  height: number;
  classifiedCells: number;
  classes: ClassRow[];
  exposureName?: string;
  exposureTotal?: number;
  meanPf: number | null;
  meanSusceptibility: number | null;
  outputs: string[];
}

/** Hazard classes (hazard_class.tif + PNG), the per-class table (CSV) and summary.json. */
export async function runHazard(options: HazardOptions): Promise<HazardSummary> {
  const o = parseOptionsWith(hazardOptionsSchema, options, "hazard options");
  const problem = matrixProblem(o.matrix);
  if (problem) throw new InputError(`hazard options: matrix: ${problem}`);
  // The classes and the COG writer's working copy besides the inputs.
  await checkRasterInputs(
    [o.pf, o.susceptibility, ...(o.exposure ? [o.exposure] : [])],
    8,
    o.memoryLimitGb,
    "hazard classes",
  );
  const pf = await readBand(o.pf);
  const susceptibility = await readBand(o.susceptibility, pf);
  checkUnitInterval(pf.values, o.pf, "P(f)");
  checkUnitInterval(susceptibility.values, o.susceptibility, "susceptibility");
  const exposure = o.exposure === undefined ? undefined : await readBand(o.exposure, pf);
  if (exposure) {
    for (let i = 0; i < exposure.values.length; i++) {
      if (exposure.values[i] < 0)
        throw new InputError(
          `cell (col ${i % pf.grid.width}, row ${Math.floor(i / pf.grid.width)}): exposure ${exposure.values[i]} is negative`,
          { file: o.exposure },
        );
    }
  }
  const classes = hazardClasses(
    pf.values,
    susceptibility.values,
    o.pfBreaks,
    o.susceptibilityBreaks,
    o.matrix,
  );
  const rows = classTable(pf.grid, classes, exposure?.values);
  mkdirSync(o.outDir, { recursive: true });
  await writeBandOutputs(o.outDir, "hazard_class", pf.grid, classes, {
    ramp: "magma",
    title: "Earthquake-induced landslide hazard (1 low - 4 very high)",
    units: "class",
    min: 1,
    max: 4,
  });
  writeFileSync(
    join(o.outDir, "hazard_classes.csv"),
    classTableCsv(rows, exposure ? o.exposureName : undefined),
  );
  const summary: HazardSummary = {
    method: "class-matrix",
    pfBreaks: o.pfBreaks,
    susceptibilityBreaks: o.susceptibilityBreaks,
    matrix: o.matrix,
    width: pf.grid.width,
    height: pf.grid.height,
    classifiedCells: rows.reduce((sum, row) => sum + row.cells, 0),
    classes: rows,
    ...(exposure
      ? { exposureName: o.exposureName, exposureTotal: rows.reduce((s, r) => s + (r.exposure ?? 0), 0) }
      : {}),
    meanPf: mean(pf.values),
    meanSusceptibility: mean(susceptibility.values),
    outputs: ["hazard_class.tif", "hazard_class.png", "hazard_classes.csv", "summary.json"],
  };
  writeSummary(o.outDir, summary);
  return summary;
}

function checkUnitInterval(values: Float32Array, file: string, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < 0 || v > 1) throw new InputError(`${what} ${v} at cell ${i} is outside [0, 1]`, { file });
  }
}

function mean(values: Float32Array): number | null {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) continue;
    sum += values[i];
    count++;
  }
  return count ? sum / count : null;
}
