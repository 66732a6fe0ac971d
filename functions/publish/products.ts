import type { S3Client } from "@aws-sdk/client-s3";
import { InputError } from "../../core/errors.ts";
import type { StepResult } from "../shared/event.ts";
import { parseS3Uri } from "../shared/event.ts";
import { MANIFEST_NAME } from "../shared/layout.ts";
import { readObjectText } from "../shared/s3.ts";

/** The step results a hazard run gathers (the state machine's `$.results`). */
export interface HazardResults {
  terrain: StepResult;
  krige: StepResult;
  groundMotion: StepResult | { skipped: true };
  susceptibility: { model?: StepResult; map: StepResult };
  stability: StepResult;
  newmark: StepResult;
  hazard: StepResult;
}

/** A file of the product: its name in the product folder and the step output it is a copy of. */
export interface ProductFile {
  name: string;
  step: string;
  source: string;
  sha256: string;
}

/**
 * Which step outputs a hazard product holds, under which names. Every raster comes with its
 * PNG preview; the kriged parameter is named after the stability option it became.
 */
function productNames(target: string): Record<string, [string, string][]> {
  const pair = (output: string, name = output): [string, string][] => [
    [`${output}.tif`, `${name}.tif`],
    [`${output}.png`, `${name}.png`],
  ];
  return {
    terrain: pair("slope"),
    krige: [
      ...pair("prediction", target),
      ...pair("variance", `${target}_variance`),
      ["variogram.png", `${target}_variogram.png`],
    ],
    stability: [...pair("fs"), ...pair("ac"), ...pair("unstable"), ...pair("pfs"), ...pair("ac_sd")],
    groundMotion: [...pair("pga"), ...pair("pgv")],
    newmark: [...pair("dn_cm"), ...pair("pf")],
    susceptibilityModel: [["model.json", "susceptibility_model.json"]],
    susceptibility: pair("susceptibility"),
    hazard: [...pair("hazard_class"), ["hazard_classes.csv", "hazard_classes.csv"]],
  };
}

const KRIGED_TARGETS = ["cohesion", "frictionAngle", "unitWeight", "thickness", "saturation"];

/** Every name a hazard product folder can hold (whatever was kriged), with report and manifest. */
export const PRODUCT_FILE_NAMES: readonly string[] = [
  ...new Set([
    ...KRIGED_TARGETS.flatMap((target) =>
      Object.values(productNames(target)).flatMap((pairs) => pairs.map(([, name]) => name)),
    ),
    "report.html",
    MANIFEST_NAME,
  ]),
];

/** The step results by product group, skipping what the run did not have. */
export function resultsByGroup(results: HazardResults): Record<string, StepResult> {
  const groups: Record<string, StepResult> = {
    terrain: results.terrain,
    krige: results.krige,
    stability: results.stability,
    newmark: results.newmark,
    susceptibility: results.susceptibility.map,
    hazard: results.hazard,
  };
  if (!("skipped" in results.groundMotion)) groups.groundMotion = results.groundMotion;
  if (results.susceptibility.model) groups.susceptibilityModel = results.susceptibility.model;
  return groups;
}

/**
 * The product's files with the SHA-256 each step's manifest recorded for it (a server-side copy
 * keeps the bytes, so the product manifest can list them without downloading anything).
 */
export async function productFiles(
  client: S3Client,
  results: HazardResults,
  target: string,
): Promise<ProductFile[]> {
  const names = productNames(target);
  const files: ProductFile[] = [];
  for (const [group, result] of Object.entries(resultsByGroup(results))) {
    const { bucket, key } = parseS3Uri(result.manifest);
    const manifest = JSON.parse(await readObjectText(client, bucket, key)) as {
      outputs: Record<string, { uri: string; sha256: string }>;
    };
    for (const [output, name] of names[group]) {
      const recorded = manifest.outputs[output];
      // pfs/ac_sd exist only when the stability step had a variance raster.
      if (!recorded) {
        if (group === "stability" && /^(pfs|ac_sd)\./.test(output)) continue;
        throw new InputError(`${result.runPrefix}${MANIFEST_NAME} lists no ${output}`);
      }
      files.push({ name, step: result.step, source: recorded.uri, sha256: recorded.sha256 });
    }
  }
  return files;
}
