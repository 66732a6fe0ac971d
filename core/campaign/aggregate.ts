import { readFileSync } from "node:fs";
import { z } from "zod";
import { InputError, NotFoundError } from "../errors.ts";
import { checkMemory, memoryLimitSchema } from "../limits.ts";
import { writeAggregateOutputs } from "./aggregate-outputs.ts";
import { accumulatorBytes, type CellStatistics, CellStatisticsAccumulator } from "./cell-statistics.ts";
import { type CampaignIndex, campaignIndexSchema, gridOf } from "./index-file.ts";
import { type Coverage, combineProfiles, profileCoverage } from "./interpolate.ts";
import { type CampaignSemSummary, decodeJobDisplacements, type JobReceiver } from "./job.ts";
import { decodeProfileFile } from "./profile-file.ts";
import { rarest, type ScenarioStatistics, statisticsOf } from "./scenario-statistics.ts";
import { type StudyRow, studyRows } from "./study.ts";

/** Options of the `campaign-aggregate` step (the Lambda after the campaign's Distributed Map). */
export const campaignAggregateOptionsSchema = z.object({
  /** The campaign index (index-file.ts). */
  index: z.string().min(1),
  outDir: z.string().min(1),
  /** The Map's ResultWriterDetails: where the failed jobs' reasons are, if some are missing. */
  mapResults: z.object({ Bucket: z.string(), Key: z.string() }).optional(),
  /** Refuse an aggregation estimated to need more memory than this (GB); see core/limits.ts. */
  memoryLimitGb: memoryLimitSchema,
});

export type CampaignAggregateOptions = z.input<typeof campaignAggregateOptionsSchema>;

/** Reads the object a URI names (s3://… on AWS, a path in tests); null when it does not exist. */
export type Loader = (uri: string) => Promise<Uint8Array | null>;

/**
 * Above this many jobs the study keeps the data points of a deterministic sample of about this
 * many (by a hash of the job id): a 100,000-job campaign would otherwise hold millions of rows.
 */
export const MAX_STUDY_JOBS = 2000;

/** A job's result record (the StepResult its Batch job writes). */
interface JobResult {
  outputs: Record<string, string>;
  summary: CampaignSemSummary;
}

/** What streaming the scenarios through yields. */
export interface ScenarioResults {
  statistics: CellStatistics;
  scenarioStatistics: ScenarioStatistics[];
  /** D_N on the covered cells of the rarest scenarios, which get their own maps. */
  extremes: { scenario: CampaignIndex["scenarios"][number]; dn: Float32Array }[];
  /** The study's data points (of every job, or a sample beyond MAX_STUDY_JOBS). */
  rows: StudyRow[];
  studyJobs: number;
  jobSummaries: CampaignSemSummary[];
}

/**
 * The `campaign-aggregate` step: checks that every job has a result (else a NotFoundError that
 * lists the missing jobs and why they failed), combines each scenario's profiles into a D_N map
 * (interpolate.ts), and writes the exceedance, mean and 90th-percentile maps, the extreme
 * scenarios' maps, the duration-vs-amplitude study, the tables and report.html.
 */
export async function runCampaignAggregate(
  options: CampaignAggregateOptions,
  hooks: { load: Loader; onProgress?: (fraction: number, message?: string) => void },
) {
  const parsed = campaignAggregateOptionsSchema.parse(options);
  const index = readIndex(parsed.index);
  const load = required(hooks.load);
  const grid = gridOf(index);
  const gridCells = grid.width * grid.height;
  const what = `the aggregation of ${index.scenarios.length} scenarios over a ${grid.width} x ${grid.height} grid`;
  // The grid-sized arrays first (coverage index, one full map), then, with the cells covered
  // known, the statistics and the maps kept: all before any job result is read.
  checkMemory(gridCells * 8, parsed.memoryLimitGb, what, parsed.index);
  const profiles = await Promise.all(
    index.profiles.map(async (p) => decodeProfileFile(await load(p.uri), p.uri)),
  );
  const cellSize = Math.min(Math.abs(grid.transform[1]), Math.abs(grid.transform[5]));
  const coverage = profileCoverage(
    profiles.map((p) => p.band),
    gridCells,
    1e-3 * cellSize,
  );
  const covered = coverage.cells.length;
  const bytes =
    gridCells * 8 +
    accumulatorBytes(covered, index.scenarios.length, index.thresholdsCm.length) +
    (2 + index.extremes) * covered * 4;
  checkMemory(bytes, parsed.memoryLimitGb, `${what} (${covered} cells near a profile)`, parsed.index);
  const results = await jobResults(index, hooks.load, parsed.mapResults);
  const scenarios = await scenarioResults(index, results, coverage, load, hooks.onProgress);
  return writeAggregateOutputs(parsed.outDir, { index, grid, coverage, scenarios });
}

function readIndex(file: string): CampaignIndex {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new InputError(`not a campaign index: ${(error as Error).message}`, { file });
  }
  const parsed = campaignIndexSchema.safeParse(value);
  if (!parsed.success)
    throw new InputError(`not a campaign index: ${parsed.error.issues[0].message}`, { file });
  return parsed.data;
}

function required(load: Loader): (uri: string) => Promise<Uint8Array> {
  return async (uri) => {
    const bytes = await load(uri);
    if (!bytes) throw new NotFoundError(`${uri} does not exist`);
    return bytes;
  };
}

/** Every job's result record; a NotFoundError naming the missing jobs (and why) if any is absent. */
async function jobResults(
  index: CampaignIndex,
  load: Loader,
  mapResults: { Bucket: string; Key: string } | undefined,
): Promise<Map<string, JobResult>> {
  const results = new Map<string, JobResult>();
  const missing: string[] = [];
  await inBatches(index.jobs, 32, async (job) => {
    const bytes = await load(job.result);
    if (bytes) results.set(job.id, JSON.parse(new TextDecoder().decode(bytes)) as JobResult);
    else missing.push(job.id);
  });
  if (missing.length === 0) return results;
  missing.sort();
  const reasons = mapResults ? await failureReasons(load, mapResults) : new Map<string, string>();
  const explained = missing.filter((id) => reasons.has(id)).map((id) => `${id}: ${reasons.get(id)}`);
  throw new NotFoundError(
    `campaign ${index.campaign} is incomplete: ${missing.length} of ${index.jobs.length} jobs have no result (${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", ..." : ""})` +
      (explained.length ? `; failed in this run: ${explained.slice(0, 5).join("; ")}` : "") +
      ". Run the campaign again to resume: finished jobs are kept and not run again.",
  );
}

/** Job name → "status reason after N attempts", from the Map's FAILED result files. */
async function failureReasons(
  load: Loader,
  where: { Bucket: string; Key: string },
): Promise<Map<string, string>> {
  const reasons = new Map<string, string>();
  const manifestBytes = await load(`s3://${where.Bucket}/${where.Key}`);
  if (!manifestBytes) return reasons;
  const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as { ResultFiles?: { Key: string }[] };
  for (const file of manifest.ResultFiles ?? []) {
    if (!file.Key.includes("FAILED")) continue;
    const bytes = await load(`s3://${where.Bucket}/${file.Key}`);
    const entries = bytes
      ? (JSON.parse(new TextDecoder().decode(bytes)) as { Error?: string; Cause?: string }[])
      : [];
    for (const entry of entries) {
      let cause: { JobName?: string; StatusReason?: string; Attempts?: unknown[] } = {};
      try {
        cause = JSON.parse(entry.Cause ?? "{}");
      } catch {
        // a cause that is not a Batch job description: nothing to attribute
      }
      if (cause.JobName)
        reasons.set(
          cause.JobName,
          `${cause.StatusReason ?? entry.Error ?? "failed"} after ${cause.Attempts?.length ?? "?"} attempt(s)`,
        );
    }
  }
  return reasons;
}

/**
 * Streams the scenarios through: each one's profiles combined into its D_N on the covered cells
 * (interpolate.ts), added to the per-cell statistics, summarised, kept only if it is one of the
 * rarest; its receivers become the study's data points.
 */
async function scenarioResults(
  index: CampaignIndex,
  results: Map<string, JobResult>,
  coverage: Coverage,
  load: (uri: string) => Promise<Uint8Array>,
  onProgress?: (fraction: number, message?: string) => void,
): Promise<ScenarioResults> {
  const covered = coverage.cells.length;
  const accumulator = new CellStatisticsAccumulator(covered, index.scenarios.length, index.thresholdsCm, 0.9);
  const extremeIds = new Set(rarest(index.scenarios, index.extremes).map((s) => s.id));
  const grid = gridOf(index);
  const cellArea = Math.abs(grid.transform[1] * grid.transform[5]);
  const profileOrder = new Map(index.profiles.map((p, i) => [p.name, i]));
  const studyEvery = Math.ceil(index.jobs.length / MAX_STUDY_JOBS);
  const out: ScenarioResults = {
    statistics: accumulator.result(),
    scenarioStatistics: [],
    extremes: [],
    rows: [],
    studyJobs: 0,
    jobSummaries: [],
  };
  const dn = new Float32Array(covered);
  for (const [s, scenario] of index.scenarios.entries()) {
    const jobs = index.jobs.filter((job) => job.scenario === scenario.id);
    const perProfile: Float32Array[] = index.profiles.map(() => new Float32Array(0));
    const scenarioRows: StudyRow[] = [];
    await Promise.all(
      jobs.map(async (job) => {
        const result = results.get(job.id)!;
        const dnUri = result.outputs.dn_cm_bin;
        perProfile[profileOrder.get(job.profile)!] = decodeJobDisplacements(await load(dnUri), dnUri);
        const receivers = JSON.parse(new TextDecoder().decode(await load(result.outputs.receivers_json))) as {
          receivers: JobReceiver[];
        };
        const rows = studyRows(job, scenario, receivers.receivers, index.studyAc);
        scenarioRows.push(...rows);
        if (studyEvery === 1 || hashOf(job.id) % studyEvery === 0) {
          out.rows.push(...rows);
          out.studyJobs++;
        }
        out.jobSummaries.push(result.summary);
      }),
    );
    // Jobs finish loading in any order; sums over receivers must not depend on it.
    scenarioRows.sort(byJobAndPosition);
    combineProfiles(coverage, perProfile, dn);
    accumulator.add(s, scenario.weight, dn);
    out.scenarioStatistics.push(statisticsOf(scenario, dn, scenarioRows, cellArea, index.landslideDnCm));
    if (extremeIds.has(scenario.id)) out.extremes.push({ scenario, dn: Float32Array.from(dn) });
    onProgress?.((s + 1) / index.scenarios.length, `scenario ${s + 1}/${index.scenarios.length}`);
  }
  out.statistics = accumulator.result();
  // Jobs finish loading in any order: sort so that the tables are the same every time.
  out.rows.sort(byJobAndPosition);
  out.jobSummaries.sort((a, b) => (a.job < b.job ? -1 : 1));
  out.extremes.sort((a, b) => extremeOrder(index, a.scenario.id) - extremeOrder(index, b.scenario.id));
  return out;
}

function byJobAndPosition(a: StudyRow, b: StudyRow): number {
  return a.job < b.job ? -1 : a.job > b.job ? 1 : a.along_m - b.along_m;
}

function extremeOrder(index: CampaignIndex, id: string): number {
  return rarest(index.scenarios, index.extremes).findIndex((s) => s.id === id);
}

/** FNV-1a of a string: a stable, platform-independent way to sample jobs. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}
