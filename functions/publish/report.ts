import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { projectionFor } from "../../core/groundmotion/projection.ts";
import type { GroundMotionSummary } from "../../core/groundmotion/step.ts";
import type { HazardSummary } from "../../core/hazard/step.ts";
import { bandAsFloat32, type Grid, readRaster } from "../../core/raster/index.ts";
import { type HazardReportContent, hazardReportHtml } from "../../core/report/hazard-report.ts";
import type { Cell } from "../../core/report/html.ts";
import { parseS3Uri } from "../shared/event.ts";
import { downloadObject } from "../shared/s3.ts";
import type { ProductFile } from "./products.ts";
import type { PublishRequest } from "./schema.ts";

const MAPS: [string, string][] = [
  ["hazard_class.png", "Hazard classes (1 low to 4 very high)"],
  ["pf.png", "Probability of failure P(f), Jibson et al. (2000)"],
  ["dn_cm.png", "Newmark displacement D_N (cm)"],
  ["pga.png", "Peak ground acceleration (g)"],
  ["pgv.png", "Peak ground velocity (cm/s)"],
  ["susceptibility.png", "Random-forest susceptibility"],
  ["pfs.png", "P(FS < 1) from the kriging variance"],
  ["fs.png", "Static factor of safety"],
  ["ac.png", "Critical acceleration a_c (g)"],
  ["ac_sd.png", "Standard deviation of a_c (g)"],
  ["slope.png", "Slope (degrees)"],
];

const HISTOGRAMS: { file: string; title: string; xLabel: string; range?: [number, number] }[] = [
  { file: "pf.tif", title: "Probability of failure", xLabel: "P(f)", range: [0, 0.335] },
  { file: "pga.tif", title: "Peak ground acceleration", xLabel: "PGA (g)" },
  { file: "ac.tif", title: "Critical acceleration", xLabel: "a_c (g)" },
  { file: "susceptibility.tif", title: "Susceptibility", xLabel: "random-forest score", range: [0, 1] },
  { file: "pfs.tif", title: "Probability of static failure", xLabel: "P(FS < 1)", range: [0, 1] },
];

async function fetchBytes(client: S3Client, uri: string): Promise<Uint8Array> {
  const { bucket, key } = parseS3Uri(uri);
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return response.Body!.transformToByteArray();
}

/** report.html of a hazard run: maps, histograms of the main rasters, facts, parameters, timings, sources. */
export async function buildHazardReport(
  client: S3Client,
  request: PublishRequest,
  files: ProductFile[],
  inputs: { name: string; uri: string; sha256: string; bytes: number }[],
  codeVersion: string,
): Promise<{ html: string; footprint: Footprint | null }> {
  const byName = new Map(files.map((f) => [f.name, f]));
  const maps = [];
  for (const [name, caption] of MAPS) {
    const file = byName.get(name);
    if (file) maps.push({ caption, png: await fetchBytes(client, file.source) });
  }
  const work = await mkdtemp(join(tmpdir(), "quakeslide-report-"));
  try {
    const histograms = [];
    let footprint: Footprint | null = null;
    for (const h of HISTOGRAMS) {
      const file = byName.get(h.file);
      if (!file) continue;
      const { bucket, key } = parseS3Uri(file.source);
      const path = join(work, h.file);
      await downloadObject(client, bucket, key, path);
      const raster = await readRaster(path, { bands: [0] });
      footprint ??= footprintOf(raster);
      histograms.push({ title: h.title, xLabel: h.xLabel, range: h.range, values: bandAsFloat32(raster) });
    }
    return {
      html: hazardReportHtml(reportContent(request, maps, histograms, inputs, codeVersion)),
      footprint,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The grid's outline in lon/lat (for the STAC item) and its EPSG code. */
export interface Footprint {
  bbox: [number, number, number, number];
  ring: [number, number][];
  epsg?: number;
}

function footprintOf(grid: Grid): Footprint | null {
  let projection: ReturnType<typeof projectionFor>;
  try {
    projection = projectionFor(grid.crs);
  } catch {
    return null; // a CRS ground motion does not handle: the manifest simply has no footprint
  }
  const [x0, dx, , y0, , dy] = grid.transform;
  const out = new Float64Array(2);
  const ring: [number, number][] = [
    [0, 0],
    [grid.width, 0],
    [grid.width, grid.height],
    [0, grid.height],
    [0, 0],
  ].map(([col, row]) => {
    projection.inverse(x0 + col * dx, y0 + row * dy, out);
    return [Number(out[0].toFixed(7)), Number(out[1].toFixed(7))];
  });
  const lons = ring.map(([lon]) => lon);
  const lats = ring.map(([, lat]) => lat);
  return {
    bbox: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)],
    ring,
    epsg: grid.crs.epsg,
  };
}

function reportContent(
  request: PublishRequest,
  maps: HazardReportContent["maps"],
  histograms: HazardReportContent["histograms"],
  inputs: HazardReportContent["inputs"],
  codeVersion: string,
): HazardReportContent {
  const { input } = request;
  const results = input.results;
  const hazard = results.hazard.summary as HazardSummary;
  const gm =
    "skipped" in results.groundMotion ? undefined : (results.groundMotion.summary as GroundMotionSummary);
  const newmark = results.newmark.summary as {
    model?: string;
    meanPf?: number;
    areaAboveThresholdM2?: number;
    thresholdCm?: number;
    maxDnCm?: number;
  };
  const train = results.susceptibility.model?.summary as
    | { spatialCvAurocMean?: number; points?: number }
    | undefined;
  const stability = results.stability.summary as {
    uncertainty?: {
      parameter: string;
      method: string;
      meanProbabilityUnstable: number | null;
      meanAcSdG: number | null;
    };
  };
  const exposure = hazard.exposureName;
  const facts: [string, Cell][] = [
    ["area grid", `${hazard.width} x ${hazard.height} cells`],
    ...(gm
      ? ([
          [
            "earthquake",
            `${gm.event.id} v${gm.event.version}: Mw ${gm.event.magnitude}${gm.event.mechanism ? `, ${gm.event.mechanism}` : ""} at ${gm.event.lon.toFixed(3)}, ${gm.event.lat.toFixed(3)}`,
          ],
          [
            "ground motion",
            gm.mode === "gmpe" ? "BSSA14 median (Boore et al. 2014)" : "USGS ShakeMap, bilinear",
          ],
          [
            "PGA over the area (g)",
            gm.pgaG
              ? `${gm.pgaG.min.toFixed(3)} to ${gm.pgaG.max.toFixed(3)}, mean ${gm.pgaG.mean.toFixed(3)}`
              : "-",
          ],
        ] as [string, Cell][])
      : ([["ground motion", "given record or rasters"]] as [string, Cell][])),
    ...(stability.uncertainty
      ? ([
          [
            `mean P(FS < 1) (from the variance of ${stability.uncertainty.parameter}, ${stability.uncertainty.method})`,
            stability.uncertainty.meanProbabilityUnstable,
          ],
          ["mean sd(a_c) (g)", stability.uncertainty.meanAcSdG],
        ] as [string, Cell][])
      : []),
    ["Newmark model", newmark.model ?? "-"],
    ["mean P(f)", newmark.meanPf ?? null],
    [`area with D_N > ${newmark.thresholdCm ?? 5} cm (km2)`, (newmark.areaAboveThresholdM2 ?? 0) / 1e6],
    ...(train?.spatialCvAurocMean !== undefined
      ? ([["susceptibility spatial-CV AUROC", train.spatialCvAurocMean]] as [string, Cell][])
      : []),
    ...(exposure ? ([[`${exposure} in the area`, hazard.exposureTotal ?? null]] as [string, Cell][]) : []),
  ];
  const steps = Object.entries({
    terrain: results.terrain,
    krige: results.krige,
    ...("skipped" in results.groundMotion ? {} : { "ground-motion": results.groundMotion }),
    ...(results.susceptibility.model ? { "susceptibility-train": results.susceptibility.model } : {}),
    "susceptibility-predict": results.susceptibility.map,
    stability: results.stability,
    "newmark-map": results.newmark,
    hazard: results.hazard,
  }).map(([name, r]) => ({ name, seconds: r.seconds ?? null, reused: r.reused, runPrefix: r.runPrefix }));
  const json = (value: unknown): string => JSON.stringify(value ?? {});
  return {
    title: input.product.title ?? "Earthquake-induced landslide hazard",
    subtitle: `${request.flow} run ${request.execution}`,
    facts,
    classTable: {
      columns: ["class", "hazard", "cells", "area (km2)", "share of area", ...(exposure ? [exposure] : [])],
      rows: hazard.classes.map((c) => [
        c.hazardClass,
        c.name,
        c.cells,
        c.areaKm2,
        `${(100 * c.share).toFixed(1)} %`,
        ...(exposure ? [c.exposure ?? 0] : []),
      ]),
    },
    maps,
    histograms,
    steps,
    parameters: [
      ["kriging", `${input.krige.target} from ${input.krige.samples}: ${json(input.krige.params)}`],
      ["stability", json(input.stability.params)],
      ["ground motion", input.groundMotion ? json(input.groundMotion.params) : "-"],
      ["Newmark", json(input.newmark.params)],
      ["susceptibility", json(input.susceptibility.params)],
      [
        "hazard classes",
        `P(f) breaks ${hazard.pfBreaks.join(", ")}; susceptibility breaks ${hazard.susceptibilityBreaks.join(", ")}; matrix ${json(hazard.matrix)}`,
      ],
    ],
    inputs,
    sources: input.product.sources,
    method: METHOD,
    footer: `Quakeslide ${codeVersion}. Generated ${new Date().toISOString()}. Open the .tif files in QGIS; manifest.json lists every file with its SHA-256.`,
  };
}

const METHOD = [
  "Terrain: slope from the DEM. Soil: the sampled parameter is kriged onto the DEM grid; its kriging variance is propagated to the probability that the slope is statically unstable, P(FS < 1), and to the spread of the critical acceleration (first-order second-moment, exact for cohesion).",
  "Stability: infinite-slope factor of safety FS and critical acceleration a_c = (FS - 1) g sin(slope) (Jibson et al. 2000).",
  "Ground motion: BSSA14 medians (Boore, Stewart, Seyhan & Atkinson 2014) at the Joyner-Boore distance, or a USGS ShakeMap interpolated bilinearly onto the grid.",
  "Newmark: displacement D_N from a regression on the ground motion (default Saygili & Rathje 2008 with PGA and PGV), P(f) = 0.335 [1 - exp(-0.048 D_N^1.565)].",
  "Susceptibility: random forest trained on the landslide inventory with the terrain covariates (spatial cross-validation in the model).",
  "Hazard: P(f) class (breaks at the P(f) of D_N = 1, 5, 15 cm, Jibson & Michael 2009) combined with the susceptibility class (quarters of the score) through a class matrix that never lowers hazard as either rises (Fell et al. 2008).",
];
