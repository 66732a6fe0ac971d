import { Duration } from "aws-cdk-lib";
import { DATA_PREFIXES, PRODUCT_PREFIXES, REJECTED_EVENTS_PREFIX } from "../../functions/shared/layout.ts";
import type { ProductAccess } from "../grants.ts";
import type { StepLambdaSize } from "./step-lambda.ts";

/**
 * The light steps that run as Lambdas, by folder under `functions/`, with their sizes. Memory
 * buys CPU in Lambda (1,769 MiB = one vCPU); the raster steps stream strips, so 2-3 GiB suffice
 * for DEMs of ~10^8 cells, and /tmp holds the inputs and outputs of one run.
 */
export const LIGHT_STEPS = {
  terrain: {
    memoryMiB: 3008,
    timeout: Duration.minutes(10),
    ephemeralGiB: 4,
    description: "Slope, aspect, curvatures of a DEM",
  },
  krige: {
    memoryMiB: 3008,
    timeout: Duration.minutes(10),
    ephemeralGiB: 2,
    description: "Kriging of soil samples onto a grid",
  },
  stability: {
    memoryMiB: 2048,
    timeout: Duration.minutes(5),
    ephemeralGiB: 4,
    description: "Infinite-slope FS and critical acceleration",
  },
  "newmark-map": {
    memoryMiB: 3008,
    timeout: Duration.minutes(15),
    ephemeralGiB: 4,
    description: "Newmark displacement and P(f) maps",
  },
  "susceptibility-predict": {
    memoryMiB: 3008,
    timeout: Duration.minutes(10),
    ephemeralGiB: 4,
    description: "Susceptibility raster from a model",
  },
  "susceptibility-train": {
    memoryMiB: 4096,
    timeout: Duration.minutes(15),
    ephemeralGiB: 2,
    description: "Susceptibility model, small inventories",
  },
  "campaign-aggregate": {
    memoryMiB: 3008,
    timeout: Duration.minutes(15),
    ephemeralGiB: 4,
    description: "Campaign exceedance maps, duration-vs-amplitude study, report",
  },
  "ground-motion": {
    memoryMiB: 2048,
    timeout: Duration.minutes(5),
    ephemeralGiB: 2,
    description: "PGA and PGV maps from an event (BSSA14) or a ShakeMap",
  },
  hazard: {
    memoryMiB: 2048,
    timeout: Duration.minutes(5),
    ephemeralGiB: 2,
    description: "Hazard classes, area and exposure per class",
  },
  "susceptibility-evaluate": {
    memoryMiB: 2048,
    timeout: Duration.minutes(5),
    ephemeralGiB: 2,
    description: "Scores a susceptibility model on a new inventory",
  },
} satisfies Record<string, StepLambdaSize & { description: string }>;

export type LightStepName = keyof typeof LIGHT_STEPS;

/**
 * Functions that publish rather than compute: they read step results and write products and
 * pointers under exactly the prefixes named here (results bucket unless said otherwise).
 */
export const PUBLISHERS = {
  publish: {
    memoryMiB: 2048,
    timeout: Duration.minutes(10),
    ephemeralGiB: 4,
    description: "Hazard products: COGs, PNGs, report.html, manifest last; moves an event's latest pointer",
    access: { writeResults: [PRODUCT_PREFIXES.hazard, PRODUCT_PREFIXES.events] },
  },
  "event-intake": {
    memoryMiB: 512,
    timeout: Duration.minutes(1),
    ephemeralGiB: 1,
    description: "Validates an event file and starts event-update (or rejects the file)",
    access: {
      readResults: [PRODUCT_PREFIXES.events, PRODUCT_PREFIXES.susceptibility],
      writeData: [REJECTED_EVENTS_PREFIX],
      deleteData: [DATA_PREFIXES.events],
    },
  },
  "susceptibility-current": {
    memoryMiB: 256,
    timeout: Duration.minutes(1),
    ephemeralGiB: 1,
    description: "The published susceptibility version a new inventory is scored against",
    access: { readResults: [PRODUCT_PREFIXES.susceptibility] },
  },
  "susceptibility-publish": {
    memoryMiB: 2048,
    timeout: Duration.minutes(5),
    ephemeralGiB: 2,
    description: "A new susceptibility version with its comparison to the previous one",
    access: { writeResults: [PRODUCT_PREFIXES.susceptibility] },
  },
} satisfies Record<string, StepLambdaSize & { description: string; access: ProductAccess }>;

export type PublisherName = keyof typeof PUBLISHERS;
