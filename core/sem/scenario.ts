import { z } from "zod";
import { InputError } from "../errors.ts";
import { describeIssues } from "../options.ts";
import { readTextFile } from "../util/text-file.ts";

/**
 * The SEM scenario: one JSON document shared by the CLI, the Batch container and the state
 * machines. Units: metres, seconds, kg/m³, newtons per metre of out-of-plane length (2D P-SV:
 * every source is a line source along y). Coordinates: x to the right, z up.
 */
const finite = z.number().refine(Number.isFinite, "must be a finite number");
const positive = finite.refine((value) => value > 0, "must be > 0");
const point = z.tuple([finite, finite]);

export const sourceTimeFunctionSchema = z.object({
  /**
   * ricker: (1 − 2π²f0²τ²)·exp(−π²f0²τ²); gaussian: exp(−π²f0²τ²); step: ½(1 + erf(π f0 τ)),
   * a smoothed step whose rate is a Gaussian (the usual moment function of an earthquake); τ = t − t0.
   */
  type: z.enum(["ricker", "gaussian", "step"]),
  f0_hz: positive,
  t0_s: finite,
});

const forceSourceSchema = z.object({
  type: z.literal("force"),
  x: finite,
  z: finite,
  /** 0 = vertical pointing up (+z), 90 = horizontal pointing to +x. */
  angle_deg: finite.default(0),
  /** Line force per metre of out-of-plane length (N/m) multiplying the time function. */
  amplitude: finite,
  stf: sourceTimeFunctionSchema,
});

const momentSourceSchema = z.object({
  type: z.literal("moment"),
  x: finite,
  z: finite,
  /** Moment-tensor components per metre of out-of-plane length (N·m/m). */
  mxx: finite,
  mzz: finite,
  mxz: finite,
  stf: sourceTimeFunctionSchema,
});

const finiteSourceSchema = z.object({
  type: z.literal("finite"),
  /** Ends of the rupture (m); rupture starts at `start` and runs to `end`. */
  start: point,
  end: point,
  rupture_velocity: positive,
  /** Moment magnitude; M0 = 10^(1.5 Mw + 9.1) N·m, spread over a square fault (see docs/sem.md). */
  mw: finite,
  stf: sourceTimeFunctionSchema,
});

export const sourceSchema = z.discriminatedUnion("type", [
  forceSourceSchema,
  momentSourceSchema,
  finiteSourceSchema,
]);

const layerSchema = z.object({
  /** Elevation of the layer's bottom (m); the last layer omits it and runs to domain.zmin. */
  bottom_z: finite.optional(),
  vp: positive,
  vs: positive,
  rho: positive,
  /** Element height inside this layer (m); defaults to mesh.element_size_m. */
  element_size_m: positive.optional(),
});

const topographySchema = z.union([
  z.object({ x: z.array(finite).min(2), z: z.array(finite).min(2) }),
  z.object({ dem: z.string().min(1), from: point, to: point }),
]);

/** Snapshots a scenario may ask for: each is a PNG of the whole profile. */
export const MAX_SNAPSHOTS = 1000;

export const scenarioSchema = z
  .object({
    name: z.string().min(1),
    domain: z.object({ xmin: finite, xmax: finite, zmin: finite }),
    topography: topographySchema.optional(),
    layers: z.array(layerSchema).min(1),
    mesh: z.object({ element_size_m: positive, ngll: z.number().int().min(4).max(8).default(5) }),
    source: sourceSchema,
    receivers: z
      .array(
        z.object({
          name: z.string().regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, _ . - only"),
          x: finite,
          z: z.union([z.literal("surface"), finite]),
        }),
      )
      .default([]),
    surface_receivers: z.object({ spacing_m: positive }).optional(),
    time: z.object({ duration_s: positive, dt_s: positive.optional(), cfl: positive.max(1).default(0.5) }),
    output: z
      .object({
        quantities: z
          .array(z.enum(["displacement", "velocity", "acceleration"]))
          .min(1)
          .default(["acceleration"]),
        /** Wavefield snapshots (PNG of |v|) every this many seconds of simulated time. */
        snapshots: z.object({ every_s: positive }).optional(),
      })
      .default({ quantities: ["acceleration"] }),
    /** Stacey absorbing boundaries on the left, right and bottom edges (false: rigid-free, reflecting). */
    absorbing: z.boolean().default(true),
  })
  .superRefine((scenario, context) => {
    if (scenario.domain.xmax <= scenario.domain.xmin)
      context.addIssue({ code: "custom", path: ["domain", "xmax"], message: "must be greater than xmin" });
    const layers = scenario.layers;
    for (let i = 0; i < layers.length - 1; i++) {
      if (layers[i].bottom_z === undefined)
        context.addIssue({
          code: "custom",
          path: ["layers", i, "bottom_z"],
          message: "required for every layer but the last",
        });
      if (i > 0 && (layers[i].bottom_z ?? 0) >= (layers[i - 1].bottom_z ?? 0))
        context.addIssue({
          code: "custom",
          path: ["layers", i, "bottom_z"],
          message: "layers must be listed top to bottom",
        });
    }
    const lastBottom = layers.length > 1 ? layers[layers.length - 2].bottom_z : undefined;
    if (lastBottom !== undefined && lastBottom <= scenario.domain.zmin)
      context.addIssue({
        code: "custom",
        path: ["layers"],
        message: "interfaces must lie above domain.zmin",
      });
    for (const [i, layer] of layers.entries()) {
      if (layer.vs >= layer.vp / Math.SQRT2)
        context.addIssue({
          code: "custom",
          path: ["layers", i, "vs"],
          message: `vs must be below vp/√2 (${(layer.vp / Math.SQRT2).toFixed(1)} m/s) for a positive Lamé λ`,
        });
    }
    const topo = scenario.topography;
    if (topo && "x" in topo) {
      if (topo.x.length !== topo.z.length)
        context.addIssue({
          code: "custom",
          path: ["topography"],
          message: "x and z must have the same length",
        });
      for (let i = 1; i < topo.x.length; i++) {
        if (topo.x[i] <= topo.x[i - 1])
          context.addIssue({
            code: "custom",
            path: ["topography", "x", i],
            message: "x must increase strictly",
          });
      }
    }
    const source = scenario.source;
    if (source.type === "finite" && source.start[0] === source.end[0] && source.start[1] === source.end[1]) {
      context.addIssue({ code: "custom", path: ["source", "end"], message: "must differ from source.start" });
    }
    const every = scenario.output.snapshots?.every_s;
    if (every !== undefined && scenario.time.duration_s / every > MAX_SNAPSHOTS)
      context.addIssue({
        code: "custom",
        path: ["output", "snapshots", "every_s"],
        message: `gives ${Math.floor(scenario.time.duration_s / every)} snapshots over time.duration_s; at most ${MAX_SNAPSHOTS} PNGs are written`,
      });
    const names = new Set<string>();
    for (const [i, receiver] of scenario.receivers.entries()) {
      if (names.has(receiver.name))
        context.addIssue({
          code: "custom",
          path: ["receivers", i, "name"],
          message: `duplicate receiver name ${receiver.name}`,
        });
      names.add(receiver.name);
    }
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type SourceSpec = z.infer<typeof sourceSchema>;
export type SourceTimeFunction = z.infer<typeof sourceTimeFunctionSchema>;

export function parseScenario(value: unknown, file: string): Scenario {
  const result = scenarioSchema.safeParse(value);
  if (!result.success)
    throw new InputError(`invalid scenario: ${describeIssues(result.error, value)}`, { file });
  return result.data;
}

export function readScenario(path: string): Scenario {
  const text = readTextFile(path, "a scenario (JSON)");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`not valid JSON: ${(error as Error).message}`, { file: path, cause: error });
  }
  return parseScenario(value, path);
}
