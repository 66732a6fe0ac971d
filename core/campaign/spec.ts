import { readFileSync } from "node:fs";
import { z } from "zod";
import { InputError } from "../errors.ts";

/**
 * The campaign spec: one JSON document that says where (a DEM and its critical acceleration),
 * along which profiles, through which layered earth and for which earthquakes the SEM → Newmark
 * chain runs. Units: metres, seconds, m/s, kg/m³, g, cm; map coordinates in the DEM's projected
 * CRS. docs/campaign.md describes every field; examples/campaigns/ has two specs.
 */
const finite = z.number().refine(Number.isFinite, "must be a finite number");
const positive = finite.refine((value) => value > 0, "must be > 0");
const nonNegative = finite.refine((value) => value >= 0, "must be ≥ 0");
const point = z.tuple([finite, finite]);
/** Becomes part of S3 keys, Batch job names and tags: keep it short and plain. */
const name = z.string().regex(/^[A-Za-z0-9_-]{1,24}$/, "1-24 letters, digits, _ or -");
const constantOrRaster = z.union([finite, z.string().min(1)]);

export const soilSchema = z.object({
  /** Effective cohesion c' (kPa). */
  cohesion: constantOrRaster,
  /** Effective friction angle φ' (degrees). */
  frictionAngle: constantOrRaster,
  /** Unit weight γ (kN/m³). */
  unitWeight: constantOrRaster,
  /** Slope-normal slab thickness t (m). */
  thickness: constantOrRaster,
  /** Saturated fraction m (0..1). */
  saturation: constantOrRaster,
});

const areaSchema = z
  .object({
    /** DEM GeoTIFF (projected CRS in metres), path relative to the spec file. */
    dem: z.string().min(1),
    /** Critical acceleration raster (g) on the DEM's grid, e.g. `quakeslide stability`'s ac.tif. */
    ac: z.string().min(1).optional(),
    /** Or the soil to compute a_c with the stability step (numbers or rasters on the DEM grid). */
    stability: soilSchema.optional(),
  })
  .refine((area) => (area.ac === undefined) !== (area.stability === undefined), {
    message: "give either area.ac (a raster) or area.stability (soil parameters), not both or neither",
  });

const profilesSchema = z.union([
  z.object({
    /** Explicit lines; the source lies beyond `from` (waves travel from `from` to `to`). */
    lines: z.array(z.object({ name, from: point, to: point })).min(1),
  }),
  z.object({
    parallel: z.object({
      count: z.number().int().min(1).max(200),
      spacing_m: positive,
      /** Direction the waves travel across the area, degrees clockwise from north. */
      azimuth_deg: finite,
      /** Map point the middle line passes through (default: the DEM's centre). */
      center: point.optional(),
    }),
  }),
]);

const layerSchema = z.object({
  /** Thickness (m) below the layer above (the first: below the datum); the last layer has none. */
  thickness_m: positive.optional(),
  vp: positive,
  vs: positive,
  rho: positive,
  /** Element height in this layer (default mesh.element_size_m). */
  element_size_m: positive.optional(),
});

const listScenarioSchema = z.object({
  id: name.optional(),
  mw: finite,
  /** Horizontal distance from the epicentre to the source end (`from`) of every profile (m). */
  distance_m: nonNegative,
  /** Depth of the rupture's centre below the surface at the epicentre (m). */
  depth_m: positive,
  /** Rupture length (m); default Wells & Coppersmith (1994) from mw. */
  length_m: positive.optional(),
  /** Rupture duration (s); default length / (rupture_velocity_ratio × vs at the source). */
  rupture_duration_s: positive.optional(),
  dip_deg: finite.optional(),
  /** Relative weight (default 1) or an annual rate; weights are normalised to sum to 1. */
  weight: positive.optional(),
  annual_rate: positive.optional(),
});

const rangeSchema = z
  .object({ min: finite, max: finite })
  .refine((range) => range.max >= range.min, { message: "max must be ≥ min" });

const gutenbergRichterSchema = z.object({
  b_value: positive.default(1),
  /** Annual rate of events with Mw ≥ the smallest magnitude considered (optional). */
  annual_rate: positive.optional(),
});

const scenariosSchema = z.union([
  z.object({ list: z.array(listScenarioSchema).min(1) }),
  z.object({
    grid: z.object({
      mw: z.array(finite).min(1),
      distance_m: z.array(nonNegative).min(1),
      depth_m: z.array(positive).min(1),
      /** Multiplies the scaled rupture length (default [1]). */
      length_factor: z.array(positive).min(1).default([1]),
      /** Multiplies the rupture duration at that length (slower rupture; default [1]). */
      duration_factor: z.array(positive).min(1).default([1]),
      /** Equal weights, or Gutenberg-Richter weights over the Mw values. */
      weights: z
        .union([z.literal("uniform"), z.object({ gutenberg_richter: gutenbergRichterSchema })])
        .default("uniform"),
    }),
  }),
  z.object({
    monte_carlo: z.object({
      count: z.number().int().min(1).max(100_000),
      seed: z.number().int(),
      /** Truncated Gutenberg-Richter between min and max. */
      mw: z
        .object({ min: finite, max: finite, b_value: positive.default(1) })
        .refine((range) => range.max >= range.min, { message: "max must be ≥ min" }),
      distance_m: rangeSchema,
      depth_m: rangeSchema,
      /** Annual rate of events with Mw ≥ mw.min; each sample then stands for rate / count. */
      annual_rate: positive.optional(),
    }),
  }),
]);

export const campaignSpecSchema = z
  .object({
    name,
    description: z.string().optional(),
    area: areaSchema,
    profiles: profilesSchema,
    velocity_model: z.object({ layers: z.array(layerSchema).min(1) }),
    mesh: z.object({ element_size_m: positive, ngll: z.number().int().min(4).max(8).default(5) }),
    domain: z
      .object({
        /** Extra model around the rupture and the profile on the left, right and bottom (m). */
        padding_m: positive.optional(),
      })
      .default({}),
    source: z
      .object({
        dip_deg: finite.min(0).max(90).default(45),
        /** Rupture velocity as a fraction of vs at the rupture's centre. */
        rupture_velocity_ratio: positive.max(1).default(0.8),
        /** Moment-rate corner of each point source (Hz); default the highest the mesh resolves. */
        f0_hz: positive.optional(),
      })
      .default({ dip_deg: 45, rupture_velocity_ratio: 0.8 }),
    time: z
      .object({ duration_s: positive.optional(), cfl: positive.max(0.6).default(0.5) })
      .default({ cfl: 0.5 }),
    receivers: z.object({ spacing_m: positive.optional() }).default({}),
    coupling: z
      .object({
        /** Cells farther than this from every profile are nodata (default: the parallel spacing). */
        max_distance_m: positive.optional(),
      })
      .default({}),
    scenarios: scenariosSchema,
    study: z
      .object({
        /** Critical accelerations (g) of the reference blocks in the duration-vs-amplitude study. */
        ac_g: z.array(finite.min(0)).min(1).default([0.05]),
        /** D_N below this (cm) is left out of the log-log fits (it is reported). */
        dn_floor_cm: positive.default(0.01),
      })
      .default({ ac_g: [0.05], dn_floor_cm: 0.01 }),
    aggregate: z
      .object({
        thresholds_cm: z.array(positive).min(1).max(8).default([5, 10, 15]),
        /** A cell with D_N at or above this counts as a landslide in the area statistics (cm). */
        landslide_dn_cm: positive.default(5),
        /** How many of the rarest scenarios get their own map in the report. */
        extremes: z.number().int().min(0).max(20).default(3),
      })
      .default({ thresholds_cm: [5, 10, 15], landslide_dn_cm: 5, extremes: 3 }),
    /** Price assumptions of the dry run's AWS estimate (USD); see core/campaign/cost.ts. */
    cost: z
      .object({
        vcpu_hour_usd: positive.optional(),
        state_transition_usd: positive.optional(),
      })
      .default({}),
    /** Write each job's seismograms.csv (large for big campaigns; default off). */
    seismograms: z.boolean().default(false),
  })
  .superRefine((spec, context) => {
    const layers = spec.velocity_model.layers;
    layers.forEach((layer, i) => {
      const last = i === layers.length - 1;
      if (!last && layer.thickness_m === undefined)
        context.addIssue({
          code: "custom",
          path: ["velocity_model", "layers", i, "thickness_m"],
          message: "required for every layer but the last",
        });
      if (last && layer.thickness_m !== undefined)
        context.addIssue({
          code: "custom",
          path: ["velocity_model", "layers", i, "thickness_m"],
          message: "the last layer is a half-space: leave thickness_m out",
        });
      if (layer.vs >= layer.vp / Math.SQRT2)
        context.addIssue({
          code: "custom",
          path: ["velocity_model", "layers", i, "vs"],
          message: `must be below vp/√2 (${(layer.vp / Math.SQRT2).toFixed(1)} m/s)`,
        });
    });
    if ("lines" in spec.profiles) {
      const names = spec.profiles.lines.map((line) => line.name);
      if (new Set(names).size !== names.length)
        context.addIssue({
          code: "custom",
          path: ["profiles", "lines"],
          message: "profile names must differ",
        });
      if (spec.coupling.max_distance_m === undefined)
        context.addIssue({
          code: "custom",
          path: ["coupling", "max_distance_m"],
          message: "required with explicit profile lines (with parallel lines it defaults to their spacing)",
        });
    }
    if ("list" in spec.scenarios) {
      const ids = spec.scenarios.list.map((s, i) => s.id ?? `s${i}`);
      if (new Set(ids).size !== ids.length)
        context.addIssue({
          code: "custom",
          path: ["scenarios", "list"],
          message: "scenario ids must differ",
        });
      spec.scenarios.list.forEach((s, i) => {
        if (s.weight !== undefined && s.annual_rate !== undefined)
          context.addIssue({
            code: "custom",
            path: ["scenarios", "list", i],
            message: "give weight or annual_rate, not both",
          });
      });
    }
  });

export type CampaignSpec = z.output<typeof campaignSpecSchema>;
export type CampaignSpecInput = z.input<typeof campaignSpecSchema>;

/** Zod issues as one line naming the JSON path of each problem (InputError adds the file). */
function describe(error: z.ZodError): string {
  const parts = error.issues
    .slice(0, 4)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`);
  return `invalid campaign spec: ${parts.join("; ")}${error.issues.length > 4 ? "; ..." : ""}`;
}

export function parseCampaignSpec(value: unknown, file: string): CampaignSpec {
  const result = campaignSpecSchema.safeParse(value);
  if (!result.success) throw new InputError(describe(result.error), { file });
  return result.data;
}

export function readCampaignSpec(path: string): CampaignSpec {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError(`cannot read the campaign spec: ${(error as Error).message}`, { file: path });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`not valid JSON: ${(error as Error).message}`, { file: path });
  }
  return parseCampaignSpec(value, path);
}
