import { InputError } from "../errors.ts";
import { Random } from "../ml/random.ts";
import { cellCenter } from "../raster/index.ts";
import type { PemlArtifact } from "./artifact.ts";
import type { PemlModel } from "./model.ts";
import { readModelRasters } from "./raster-inputs.ts";
import { loadForPemlModel } from "./step-evaluate.ts";

/** The points a Shapley study explains: inventory points, or cells drawn from the covariate raster. */
export interface ExplainedPoints {
  kind: "points" | "cells";
  featureNames: string[];
  columns: Float64Array[];
  slopeDeg: Float64Array;
  pgaG?: Float64Array;
  /** Inventory line numbers, or cell indices (row-major). */
  id: number[];
  x: Float64Array;
  y: Float64Array;
  /** Inventory points only. */
  label?: Uint8Array;
}

export async function explainedPoints(
  artifact: PemlArtifact,
  model: PemlModel,
  o: {
    inventory?: string;
    cells?: number;
    covariates?: string;
    pga?: string;
    seed: number;
    memoryLimitGb: number;
  },
): Promise<ExplainedPoints> {
  if ((o.inventory === undefined) === (o.cells === undefined))
    throw new InputError(
      "give either --inventory (explain its points) or --cells N (explain N raster cells)",
    );
  if (o.inventory !== undefined) {
    const data = await loadForPemlModel(artifact, model, { ...o, inventory: o.inventory }, false);
    const t = data.training;
    return {
      kind: "points",
      featureNames: t.featureNames,
      columns: t.columns,
      slopeDeg: t.slopeDeg,
      pgaG: t.pgaG,
      id: data.dataset.lineNumbers,
      x: data.dataset.x,
      y: data.dataset.y,
      label: t.label,
    };
  }
  if (!o.covariates) throw new InputError("--cells draws cells from the covariate raster: give --covariates");
  const inputs = await readModelRasters(artifact, model, o.covariates, o.pga, o.memoryLimitGb);
  const valid: number[] = [];
  for (let i = 0; i < inputs.cells; i++) {
    let ok = !Number.isNaN(inputs.slopeDeg[i]) && !(inputs.pgaG && Number.isNaN(inputs.pgaG[i]));
    for (const column of inputs.columns) ok &&= !Number.isNaN(column[i]);
    if (ok) valid.push(i);
  }
  if (valid.length === 0)
    throw new InputError("the covariate raster has no cell without nodata", { file: o.covariates });
  const chosen = new Random(o.seed)
    .shuffle(Int32Array.from(valid))
    .slice(0, Math.min(o.cells ?? 0, valid.length))
    .sort();
  const take = (band: ArrayLike<number>) => Float64Array.from(chosen, (i) => band[i]);
  const centres = Array.from(chosen, (i) =>
    cellCenter(inputs.grid, i % inputs.grid.width, Math.floor(i / inputs.grid.width)),
  );
  return {
    kind: "cells",
    featureNames: artifact.features.map((f) => f.name),
    columns: inputs.columns.map(take),
    slopeDeg: take(inputs.slopeDeg),
    pgaG: inputs.pgaG ? take(inputs.pgaG) : undefined,
    id: Array.from(chosen),
    x: Float64Array.from(centres, (c) => c[0]),
    y: Float64Array.from(centres, (c) => c[1]),
  };
}
