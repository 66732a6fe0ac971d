// Lambda (retrain's last step): publishes the retrained susceptibility as a new version under
// susceptibility/<hash>/ (model.json, susceptibility.tif + PNG, and against the previous version:
// difference.tif + PNG, comparison.json, report.html), manifest.json last, then moves
// susceptibility/latest.json forward. Event: { inventory, covariates, predicted, current, score }.

import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { InputError } from "../../core/errors.ts";
import { compareMaps, type MapComparison } from "../../core/hazard/compare.ts";
import { describeIssues } from "../../core/options.ts";
import { bandAsFloat32, type Grid, readRaster } from "../../core/raster/index.ts";
import { buildReport } from "../../core/report/index.ts";
import { writeBandOutputs } from "../../core/stability/raster-io.ts";
import { moveLatestForward, readLatest } from "../publish/latest.ts";
import { parseS3Uri } from "../shared/event.ts";
import { MANIFEST_NAME, PRODUCT_PREFIXES, SUSCEPTIBILITY_LATEST_KEY } from "../shared/layout.ts";
import {
  copyObject,
  createS3Client,
  downloadObject,
  headObject,
  putJson,
  putText,
  readObjectText,
  uploadFile,
} from "../shared/s3.ts";

const stepResult = z
  .object({ runPrefix: z.string(), manifest: z.string(), outputs: z.record(z.string(), z.string()) })
  .passthrough();
const requestSchema = z.object({
  inventory: z.string(),
  covariates: z.string(),
  predicted: stepResult,
  current: z.object({
    found: z.boolean(),
    version: z.number().optional(),
    model: z.string().optional(),
    map: z.string().optional(),
  }),
  /** The current model's evaluation on the new inventory (absent on the first version, or when it could not be scored). */
  score: z.union([
    stepResult.extend({ summary: z.object({ auroc: z.number().nullable() }).passthrough() }),
    z.object({}).passthrough(),
  ]),
});

export interface SusceptibilityComparison {
  inventory: string;
  previous: { version: number; model: string; aurocOnNewInventory: number | null } | null;
  next: { version: number; model: string; spatialCvAuroc: number | null; outOfBagAuroc: number | null };
  map: MapComparison | null;
}

export async function handler(event: unknown) {
  const parsed = requestSchema.safeParse(event);
  if (!parsed.success)
    throw new InputError(`susceptibility-publish event: ${describeIssues(parsed.error, event)}`);
  const request = parsed.data;
  const bucket = process.env.RESULTS_BUCKET;
  if (!bucket) throw new Error("environment variable RESULTS_BUCKET is not set");
  const client = createS3Client();
  const work = await mkdtemp(join(tmpdir(), "quakeslide-susceptibility-publish-"));
  try {
    const predictManifest = JSON.parse(await readText(client, request.predicted.manifest)) as {
      inputs: { model: { uri: string }[] };
      outputs: Record<string, { uri: string; sha256: string }>;
    };
    const modelUri = predictManifest.inputs.model[0].uri;
    const hash = createHash("sha256")
      .update(`${request.predicted.runPrefix}\n${request.current.model ?? ""}`)
      .digest("hex")
      .slice(0, 32);
    const prefix = `${PRODUCT_PREFIXES.susceptibility}${hash}/`;
    const uri = (name: string) => `s3://${bucket}/${prefix}${name}`;
    const version = (request.current.version ?? 0) + 1;
    const result = {
      product: uri(""),
      manifest: uri(MANIFEST_NAME),
      report: uri("report.html"),
      model: uri("model.json"),
      map: uri("susceptibility.tif"),
      version,
    };
    if (await headObject(client, bucket, prefix + MANIFEST_NAME)) {
      const stored = JSON.parse(await readObjectText(client, bucket, prefix + MANIFEST_NAME)) as {
        result: typeof result;
      };
      return { ...stored.result, status: "exists" };
    }

    const outputs: Record<string, { uri: string; sha256: string }> = {};
    const copy = async (source: string, sha256: string, name: string) => {
      await copyObject(client, parseS3Uri(source), { bucket, key: prefix + name });
      outputs[name] = { uri: uri(name), sha256 };
    };
    for (const name of ["susceptibility.tif", "susceptibility.png"])
      await copy(predictManifest.outputs[name].uri, predictManifest.outputs[name].sha256, name);
    const modelPath = join(work, "model.json");
    await download(client, modelUri, modelPath);
    const modelText = await readFile(modelPath, "utf8");
    await copy(modelUri, createHash("sha256").update(modelText).digest("hex"), "model.json");
    const model = JSON.parse(modelText) as { cv?: { aurocMean: number }; outOfBag?: { auroc: number } };

    let map: MapComparison | null = null;
    if (request.current.found && request.current.map) {
      const nextPath = join(work, "next.tif");
      const previousPath = join(work, "previous.tif");
      await download(client, predictManifest.outputs["susceptibility.tif"].uri, nextPath);
      await download(client, request.current.map, previousPath);
      const next = await readRaster(nextPath, { bands: [0] });
      const previous = await readRaster(previousPath, { bands: [0] });
      if (next.width === previous.width && next.height === previous.height) {
        const compared = compareMaps(bandAsFloat32(previous), bandAsFloat32(next));
        map = compared.stats;
        const grid: Grid = {
          width: next.width,
          height: next.height,
          transform: next.transform,
          crs: next.crs,
        };
        await writeBandOutputs(work, "difference", grid, compared.difference, {
          ramp: "diverging",
          title: `Susceptibility v${version} - v${version - 1}`,
          units: "score",
          min: -0.5,
          max: 0.5,
        });
        for (const name of ["difference.tif", "difference.png"]) {
          outputs[name] = {
            uri: uri(name),
            sha256: await uploadFile(client, bucket, prefix + name, join(work, name)),
          };
        }
      }
    }
    const score =
      "summary" in request.score ? (request.score.summary as { auroc: number | null }).auroc : null;
    const comparison: SusceptibilityComparison = {
      inventory: request.inventory,
      previous: request.current.found
        ? { version: version - 1, model: request.current.model ?? "", aurocOnNewInventory: score }
        : null,
      next: {
        version,
        model: uri("model.json"),
        spatialCvAuroc: model.cv?.aurocMean ?? null,
        outOfBagAuroc: model.outOfBag?.auroc ?? null,
      },
      map,
    };
    outputs["comparison.json"] = {
      uri: uri("comparison.json"),
      sha256: await putText(
        client,
        bucket,
        `${prefix}comparison.json`,
        `${JSON.stringify(comparison, null, 2)}\n`,
      ),
    };
    outputs["report.html"] = {
      uri: uri("report.html"),
      sha256: await putText(client, bucket, `${prefix}report.html`, reportHtml(comparison, outputs)),
    };
    await putJson(client, bucket, prefix + MANIFEST_NAME, {
      type: "quakeslide-susceptibility-version",
      version,
      codeVersion: process.env.QUAKESLIDE_CODE_VERSION ?? "dev",
      createdAt: new Date().toISOString(),
      inputs: {
        inventory: request.inventory,
        covariates: request.covariates,
        model: modelUri,
        previous: request.current.model ?? null,
      },
      comparison,
      outputs,
      result,
    });
    await moveLatestForward(client, bucket, SUSCEPTIBILITY_LATEST_KEY, {
      version,
      product: result.product,
      manifest: result.manifest,
      report: result.report,
      publishedAt: new Date().toISOString(),
      model: result.model,
      map: result.map,
      covariates: request.covariates,
    });
    const latest = await readLatest(client, bucket, SUSCEPTIBILITY_LATEST_KEY);
    return { ...result, status: "published", latestVersion: latest?.pointer.version ?? version, comparison };
  } finally {
    client.destroy();
    await rm(work, { recursive: true, force: true });
  }
}

async function readText(client: ReturnType<typeof createS3Client>, uri: string): Promise<string> {
  const { bucket, key } = parseS3Uri(uri);
  return readObjectText(client, bucket, key);
}

async function download(client: ReturnType<typeof createS3Client>, uri: string, path: string): Promise<void> {
  const { bucket, key } = parseS3Uri(uri);
  await downloadObject(client, bucket, key, path);
}

function reportHtml(comparison: SusceptibilityComparison, outputs: Record<string, { uri: string }>): string {
  const { previous, next, map } = comparison;
  return buildReport({
    title: `Susceptibility version ${next.version}`,
    subtitle: `retrained on ${comparison.inventory}`,
    sections: [
      {
        heading: "How well the maps predict the new inventory",
        blocks: [
          {
            kind: "table",
            columns: ["model", "AUROC", "measured on"],
            rows: [
              ...(previous
                ? [
                    [
                      `v${previous.version} (previous)`,
                      previous.aurocOnNewInventory,
                      "the new inventory (a true test: the model never saw it)",
                    ],
                  ]
                : []),
              [
                `v${next.version} (new)`,
                next.spatialCvAuroc,
                "spatial cross-validation on the new inventory",
              ],
              [`v${next.version} (new)`, next.outOfBagAuroc, "out-of-bag points of the new inventory"],
            ],
          },
        ],
      },
      {
        heading: "Map difference (new - previous)",
        blocks: map
          ? [
              {
                kind: "definitions",
                entries: [
                  ["cells compared", map.cells],
                  ["mean difference", map.meanDifference],
                  ["mean absolute difference", map.meanAbsoluteDifference],
                  ["correlation", map.correlation],
                  [
                    "cells changing susceptibility class",
                    map.classChangedShare === null ? null : `${(100 * map.classChangedShare).toFixed(1)} %`,
                  ],
                ],
              },
            ]
          : [{ kind: "text", text: "No previous version to compare with: this is the first." }],
      },
      {
        heading: "Files",
        blocks: [
          {
            kind: "table",
            columns: ["file", "object"],
            rows: Object.entries(outputs).map(([name, o]) => [name, o.uri]),
          },
        ],
      },
    ],
    footer: `Quakeslide ${process.env.QUAKESLIDE_CODE_VERSION ?? "dev"}`,
  });
}
