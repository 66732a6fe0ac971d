import { z } from "zod";
import { memoryLimitSchema } from "../limits.ts";
import { eventSchema } from "./event.ts";

/**
 * Options of the ground-motion step (`quakeslide ground-motion map`, the ground-motion Lambda,
 * the `GroundMotion` state of hazard-pipeline and event-update). PGA and PGV maps on the area
 * grid, from a ShakeMap when one is given, from the GMPE otherwise.
 */
export const groundMotionOptionsSchema = z
  .object({
    /** Any GeoTIFF on the area grid (the DEM): the maps are written on its cells, in its CRS. */
    grid: z.string().min(1),
    /** The earthquake: an event object or the path of an event.json (see core/groundmotion/event.ts). */
    event: z.union([eventSchema, z.string().min(1)]).optional(),
    /** A USGS ShakeMap grid.xml: its PGA and PGV, interpolated bilinearly, replace the GMPE. */
    shakemap: z.string().min(1).optional(),
    /** Vs30 (m/s) for the GMPE: one value for the whole area, or a raster on the area grid. */
    vs30: z.union([z.number().min(150).max(1500), z.string().min(1)]).default(760),
    /** Ground-motion model for the GMPE mode (Boore, Stewart, Seyhan & Atkinson 2014). */
    model: z.enum(["bssa14"]).default("bssa14"),
    /** Depth to Vs = 1 km/s (km). Recorded; BSSA14 has no basin term for PGA and PGV. */
    z1Km: z.number().min(0).max(10).optional(),
    outDir: z.string().min(1),
    /** Refuse work estimated to need more memory than this (GB); see core/limits.ts. */
    memoryLimitGb: memoryLimitSchema,
  })
  .superRefine((options, context) => {
    if (options.event === undefined && options.shakemap === undefined)
      context.addIssue({
        code: "custom",
        message:
          "give an event (for the GMPE: --event, `event`) or a ShakeMap grid.xml (--shakemap, `shakemap`)",
      });
  });

export type GroundMotionOptions = z.input<typeof groundMotionOptionsSchema>;

export const GROUND_MOTION_OUTPUTS = ["pga.tif", "pga.png", "pgv.tif", "pgv.png", "summary.json"] as const;
