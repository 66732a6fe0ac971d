import { z } from "zod";
import { MECHANISMS } from "./bssa14.ts";

/**
 * An earthquake as Quakeslide takes it: `events/<id>/event.json` in the data bucket, the
 * `--event` file of `quakeslide ground-motion map`, the `event` of a scenario. Documented with
 * examples in examples/events/ and docs/ground-motion.md.
 */
export const eventSchema = z
  .object({
    /** Letters, digits, `-` and `_` (it becomes part of S3 keys and execution names), e.g. `us20005j32`. */
    id: z.string().regex(/^[A-Za-z0-9_-]{1,48}$/, "1-48 letters, digits, - or _"),
    /**
     * ShakeMap (or solution) version, a whole number from 1: a newer version of an event supersedes
     * an older one; an older one that arrives late is ignored.
     */
    version: z.int().min(1).max(9999).default(1),
    /** Moment magnitude Mw. */
    magnitude: z.number().min(3).max(9.5),
    /** Origin time, ISO 8601 (reported, not used in the computation). */
    time: z.string().min(1).optional(),
    hypocentre: z.object({
      lon: z.number().min(-180).max(180),
      lat: z.number().min(-90).max(90),
      /** km below sea level (reported; BSSA14 uses the Joyner-Boore distance, which ignores depth). */
      depthKm: z.number().min(0).max(700).default(10),
    }),
    /** Style of faulting: strike-slip, normal, reverse, or unspecified. */
    mechanism: z.enum(MECHANISMS).default("U"),
    /**
     * Surface projection of the rupture as a closed lon/lat ring (e.g. from a USGS finite-fault
     * product); Rjb is then the distance to it (0 above the rupture). Without it Rjb is the
     * epicentral distance.
     */
    rupture: z
      .array(z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]))
      .min(3)
      .optional(),
    /** A ShakeMap grid.xml beside event.json (file name), used instead of the GMPE when given. */
    shakemap: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\.xml$/, "a file name ending in .xml, beside event.json")
      .optional(),
    /** Which area's hazard map to update (its configuration `areas/<area>.json`). */
    area: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,48}$/)
      .default("default"),
    /** A human-readable name for reports, e.g. "Muisne, Ecuador". */
    name: z.string().max(200).optional(),
  })
  .strict();

export type QuakeEvent = z.output<typeof eventSchema>;
export type QuakeEventInput = z.input<typeof eventSchema>;
