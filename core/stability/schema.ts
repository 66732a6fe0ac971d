import { z } from "zod";
import { memoryLimitSchema } from "../limits.ts";
import { inRange, PARAMETER_RANGES, rangeProblem, type SlopeParameters } from "./infinite-slope.ts";
import { REGRESSION_MODELS } from "./regressions.ts";
import { UNCERTAIN_PARAMETERS } from "./uncertainty.ts";

/** A number inside the physical range of a slope parameter (infinite-slope.ts holds the ranges). */
function parameter(key: keyof SlopeParameters) {
  return z.number().refine((value) => inRange(value, PARAMETER_RANGES[key]), rangeProblem(key));
}

/** A soil parameter: one value for every cell, or the path of a raster on the slope grid. */
const constantOrRaster = (key: keyof SlopeParameters) => z.union([parameter(key), z.string().min(1)]);

const WATER_UNIT_WEIGHT_KN_M3 = 9.81;

/** Options of the stability step (the CLI verb, the Lambda handler and the state machine share them). */
export const stabilityOptionsSchema = z.object({
  /** Slope raster in degrees (e.g. terrain's slope.tif). */
  slope: z.string().min(1),
  /** Effective cohesion c' (kPa). */
  cohesion: constantOrRaster("cohesion"),
  /** Effective friction angle phi' (degrees). */
  frictionAngle: constantOrRaster("frictionAngle"),
  /** Soil unit weight gamma (kN/m3). */
  unitWeight: constantOrRaster("unitWeight"),
  /** Slope-normal thickness of the sliding slab t (m). */
  thickness: constantOrRaster("thickness"),
  /** Saturated fraction of the slab m (0..1). */
  saturation: constantOrRaster("saturation"),
  /** Unit weight of water (kN/m3). */
  waterUnitWeight: constantOrRaster("waterUnitWeight").default(WATER_UNIT_WEIGHT_KN_M3),
  /** Folder the outputs are written to (the CLI passes a temporary folder, renamed at the end). */
  outDir: z.string().min(1),
  /** Refuse work estimated to need more memory than this (GB); see core/limits.ts. */
  memoryLimitGb: memoryLimitSchema,
  /**
   * Variance raster ((unit)^2) of the parameter named by `uncertainty.parameter`, e.g. kriging's
   * variance.tif: propagated to P(FS < 1) and the spread of a_c (core/stability/uncertainty.ts).
   */
  variance: z.string().min(1).optional(),
  uncertainty: z
    .object({
      parameter: z.enum(UNCERTAIN_PARAMETERS as [string, ...string[]]),
      /** fosm: first order, exact for cohesion; montecarlo: `samples` seeded draws per cell. */
      method: z.enum(["fosm", "montecarlo"]).default("fosm"),
      samples: z.int().min(100).max(100_000).default(2000),
      seed: z.int().default(1),
    })
    .optional(),
});

/** One slope, every parameter a number (`quakeslide stability --slope 30 ...`): the same names and ranges. */
export const slopePointSchema = z.object({
  /** Slope angle (degrees). */
  slope: parameter("slope"),
  cohesion: parameter("cohesion"),
  frictionAngle: parameter("frictionAngle"),
  unitWeight: parameter("unitWeight"),
  thickness: parameter("thickness"),
  saturation: parameter("saturation"),
  waterUnitWeight: parameter("waterUnitWeight").default(WATER_UNIT_WEIGHT_KN_M3),
});

export type StabilityOptions = z.input<typeof stabilityOptionsSchema>;

export const STABILITY_OUTPUTS = [
  "fs.tif",
  "fs.png",
  "ac.tif",
  "ac.png",
  "unstable.tif",
  "unstable.png",
  "summary.json",
] as const;

/** Written besides STABILITY_OUTPUTS when a variance raster is given. */
export const STABILITY_UNCERTAINTY_OUTPUTS = ["pfs.tif", "pfs.png", "ac_sd.tif", "ac_sd.png"] as const;

export const POLARITIES = ["normal", "inverse", "mean", "max"] as const;
export type Polarity = (typeof POLARITIES)[number];

/** How an acceleration record file is read (newmark and newmark-map --record). */
const recordFields = {
  /** Acceleration record file (see readAccelerationRecord for the formats). */
  record: z.string().min(1),
  /** Record time step (s) when the file does not state it. */
  dt: z.number().positive().optional(),
  /** Record units: g, m/s2 or cm/s2 (default: as the file states, else g). */
  units: z.string().min(1).optional(),
  /** Factor applied to the record (after conversion to g); -1 inverts it. */
  scale: z
    .number()
    .refine((value) => value !== 0, "must not be 0")
    .default(1),
};

/** Options of the newmark verb: one record, a list of critical accelerations. */
export const newmarkOptionsSchema = z.object({
  ...recordFields,
  /** Critical accelerations (g). */
  ac: z.array(z.number().min(0)).min(1),
});

export type NewmarkOptions = z.input<typeof newmarkOptionsSchema>;

/** Options of the newmark-map step: either one record (exact rigid block) or a regression model. */
export const newmarkMapOptionsSchema = z
  .object({
    /** Critical acceleration raster (g), e.g. the stability step's ac.tif. */
    ac: z.string().min(1),
    outDir: z.string().min(1),
    /** Record mode: the record, read as by the newmark verb. */
    ...recordFields,
    record: recordFields.record.optional(),
    /** Which polarity gives D_N: as recorded, inverted, their mean or their maximum. */
    polarity: z.enum(POLARITIES).default("mean"),
    /** Regression mode: PGA raster (g). */
    pga: z.string().min(1).optional(),
    /** PGV raster (cm/s), for saygili-rathje2008. */
    pgv: z.string().min(1).optional(),
    /** Arias intensity raster (m/s), for jibson2007-arias. */
    arias: z.string().min(1).optional(),
    model: z.enum(REGRESSION_MODELS as [string, ...string[]]).optional(),
    /** Moment magnitude, for jibson2007-m and bray-travasarou2007. */
    magnitude: z.number().min(3).max(10).optional(),
    /** Displacement threshold (cm) for the area reported in the summary. */
    threshold: z.number().positive().default(5),
    /** Refuse work estimated to need more memory than this (GB); see core/limits.ts. */
    memoryLimitGb: memoryLimitSchema,
  })
  .superRefine((options, context) => {
    const issue = (field: string | undefined, message: string) =>
      context.addIssue({ code: "custom", path: field ? [field] : [], message });
    if ((options.record === undefined) === (options.pga === undefined)) {
      issue(
        undefined,
        "give either a record (exact rigid block) or a PGA raster with a model, not both or neither",
      );
      return;
    }
    if (options.pga === undefined) return;
    if (options.model === undefined)
      issue("model", `a model is required with a PGA raster (${REGRESSION_MODELS.join(", ")})`);
    if (options.model === "saygili-rathje2008" && options.pgv === undefined)
      issue("pgv", "saygili-rathje2008 needs a PGV raster");
    if (options.model === "jibson2007-arias" && options.arias === undefined)
      issue("arias", "jibson2007-arias needs an Arias raster");
    if (
      (options.model === "jibson2007-m" || options.model === "bray-travasarou2007") &&
      options.magnitude === undefined
    ) {
      issue("magnitude", `${options.model} needs the magnitude`);
    }
  });

export type NewmarkMapOptions = z.input<typeof newmarkMapOptionsSchema>;
export type ParsedNewmarkMapOptions = z.output<typeof newmarkMapOptionsSchema>;

export const NEWMARK_MAP_OUTPUTS = ["dn_cm.tif", "dn_cm.png", "pf.tif", "pf.png", "summary.json"] as const;
