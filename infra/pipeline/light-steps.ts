import { Duration } from "aws-cdk-lib";
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
} satisfies Record<string, StepLambdaSize & { description: string }>;

export type LightStepName = keyof typeof LIGHT_STEPS;
