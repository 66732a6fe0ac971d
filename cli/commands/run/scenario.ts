import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import { InputError, NotFoundError } from "../../../core/errors.ts";
import { eventSchema } from "../../../core/groundmotion/event.ts";
import { parseOptionsWith } from "../../../core/options.ts";
import type { AreaConfig, HazardPipelineInput } from "../../../functions/shared/machines.ts";

/** The repository (or installed package) root: data/, examples/, infra/, functions/ live here. */
export const PACKAGE_ROOT = resolve(new URL("../../../", import.meta.url).pathname);

/** A bundled file: the defaults name files of the package, wherever the scenario file is. */
const bundled = (path: string) => join(PACKAGE_ROOT, path);

/**
 * A `quakeslide run` scenario: the area's files and the earthquake, as local paths (relative to
 * the scenario file) that `run` uploads. Every field has the bundled Ecuador default.
 */
export const runScenarioSchema = z
  .object({
    /** Letters, digits, - and _: the area's name in S3 (areas/<name>/...). */
    name: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,48}$/)
      .default("ecuador"),
    title: z.string().max(200).default("Earthquake-induced landslide hazard, Ecuador demo area"),
    dem: z.string().default(bundled("data/ecuador/dem.tif")),
    /** The earthquake: an event file or an inline event (examples/events/). */
    event: z
      .union([z.string(), eventSchema])
      .default(bundled("examples/events/ecuador-m65-scenario/event.json")),
    /** A USGS ShakeMap grid.xml used instead of the GMPE. */
    shakemap: z.string().optional(),
    vs30: z.number().min(150).max(1500).default(760),
    soil: z
      .object({
        samples: z.string().default(bundled("data/ecuador/soil_samples_synthetic.csv")),
        /** Column of the samples file that is kriged, and the stability option it becomes. */
        value: z.string().default("cohesion_kpa"),
        target: z
          .enum(["cohesion", "frictionAngle", "unitWeight", "thickness", "saturation"])
          .default("cohesion"),
        /** The other stability options (constants), as `quakeslide stability` names them. */
        constants: z
          .record(z.string(), z.number())
          .default({ frictionAngle: 33, unitWeight: 19, thickness: 2, saturation: 0.3 }),
        uncertainty: z
          .object({
            method: z.enum(["fosm", "montecarlo"]).default("fosm"),
            samples: z.int().optional(),
            seed: z.int().optional(),
          })
          .default({ method: "fosm" }),
      })
      .prefault({}),
    inventory: z
      .object({
        file: z.string().default(bundled("data/ecuador/lsl.csv")),
        covariates: z.string().default(bundled("data/ecuador/ta.tif")),
        label: z.string().default("lslpts"),
        features: z.array(z.string()).default(["slope", "cplan", "cprof", "elev", "log10_carea"]),
      })
      .prefault({}),
    newmark: z.record(z.string(), z.unknown()).default({ model: "saygili-rathje2008" }),
    hazard: z
      .object({ exposure: z.string().optional(), params: z.record(z.string(), z.unknown()).default({}) })
      .default({ params: {} }),
    /** Credited in the report: name, description, licence of each data set. */
    sources: z
      .array(
        z.object({ name: z.string(), description: z.string().default(""), licence: z.string().optional() }),
      )
      .default([]),
  })
  .strict();

export type RunScenario = z.output<typeof runScenarioSchema>;

/** The bundled data's sources, for the report (data/README.md has the full story). */
const BUNDLED_SOURCES = [
  {
    name: "DEM, terrain attributes, landslide inventory (data/ecuador/)",
    description:
      "Geocomputation with R landslide case: 10 m DEM (Ungerechts 2010), 175 landslide and 175 non-landslide points (Muenchow, Brenning & Richter 2012, Geomorphology 139-140, 271-284), via R package spDataLarge 2.1.2",
    licence: "CC0",
  },
  {
    name: "Soil samples (data/ecuador/soil_samples_synthetic.csv)",
    description:
      "SYNTHETIC: 80 cohesion / friction-angle values drawn from literature ranges by data/ecuador/make_soil_samples_synthetic.mjs; not measurements",
    licence: "CC0 (made for Quakeslide)",
  },
  {
    name: "Earthquake (examples/events/ecuador-m65-scenario)",
    description: "A hypothetical crustal Mw 6.5 reverse-fault scenario near the area, for demonstration",
    licence: "CC0 (made for Quakeslide)",
  },
];

export function readScenario(path: string | undefined): { scenario: RunScenario; baseDir: string } {
  if (path === undefined)
    return { scenario: runScenarioSchema.parse({ sources: BUNDLED_SOURCES }), baseDir: PACKAGE_ROOT };
  if (!existsSync(path)) throw new NotFoundError("scenario file not found", { file: path });
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InputError(`not a JSON scenario: ${(error as Error).message.replace(/\s+/g, " ")}`, {
      file: path,
    });
  }
  try {
    return {
      scenario: parseOptionsWith(runScenarioSchema, value, "scenario"),
      baseDir: dirname(resolve(path)),
    };
  } catch (error) {
    throw new InputError((error as Error).message, { file: path });
  }
}

/** Local file → data-bucket key under areas/<name>/ for every file the scenario names. */
export function scenarioFiles(scenario: RunScenario, baseDir: string): { local: string; key: string }[] {
  const local = (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path));
  const area = `areas/${scenario.name}/`;
  const files = [
    { local: local(scenario.dem), key: `${area}dem.tif` },
    { local: local(scenario.soil.samples), key: `${area}soil_samples.csv` },
    { local: local(scenario.inventory.file), key: `${area}inventory.csv` },
    { local: local(scenario.inventory.covariates), key: `${area}covariates.tif` },
  ];
  if (typeof scenario.event === "string")
    files.push({ local: local(scenario.event), key: `${area}scenario/event.json` });
  if (scenario.shakemap) files.push({ local: local(scenario.shakemap), key: `${area}scenario/grid.xml` });
  if (scenario.hazard.exposure)
    files.push({ local: local(scenario.hazard.exposure), key: `${area}exposure.tif` });
  return files;
}

/** The hazard-pipeline input for a scenario whose files were uploaded to `dataBucket`. */
export function pipelineInput(scenario: RunScenario, dataBucket: string): HazardPipelineInput {
  const area = `s3://${dataBucket}/areas/${scenario.name}/`;
  return {
    ...areaPipeline(scenario, dataBucket),
    groundMotion: {
      inputs: {
        ...(typeof scenario.event === "string" ? { event: `${area}scenario/event.json` } : {}),
        ...(scenario.shakemap ? { shakemap: `${area}scenario/grid.xml` } : {}),
      },
      params: {
        vs30: scenario.vs30,
        ...(typeof scenario.event === "string" ? {} : { event: scenario.event }),
      },
    },
  };
}

/** The area configuration (areas/<name>.json) later events of this area run with. */
export function areaConfig(scenario: RunScenario, dataBucket: string): AreaConfig {
  return { name: scenario.title, vs30: scenario.vs30, pipeline: areaPipeline(scenario, dataBucket) };
}

function areaPipeline(scenario: RunScenario, dataBucket: string) {
  const area = `s3://${dataBucket}/areas/${scenario.name}/`;
  return {
    dem: `${area}dem.tif`,
    krige: {
      samples: `${area}soil_samples.csv`,
      target: scenario.soil.target,
      // No cross-validation (quakeslide krige reports it) and the 32 nearest samples per cell:
      // a map in half the time of global kriging, within 0.2 % of it on the bundled samples.
      params: { value: scenario.soil.value, cv: "none", nmax: 32 },
    },
    stability: {
      inputs: {},
      params: {
        ...scenario.soil.constants,
        uncertainty: { parameter: scenario.soil.target, ...scenario.soil.uncertainty },
      },
    },
    newmark: { inputs: {}, params: scenario.newmark },
    susceptibility: {
      inputs: { inventory: `${area}inventory.csv`, covariates: `${area}covariates.tif` },
      params: { label: scenario.inventory.label, features: scenario.inventory.features },
    },
    hazard: {
      inputs: (scenario.hazard.exposure ? { exposure: `${area}exposure.tif` } : {}) as Record<string, string>,
      params: scenario.hazard.params,
    },
    product: { title: scenario.title, sources: scenario.sources },
  };
}
