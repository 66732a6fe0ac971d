import { createHash } from "node:crypto";
import { dirname, isAbsolute, join } from "node:path";
import { InputError } from "../errors.ts";
import { assertSameGrid, bandAsFloat32, type Grid, readRaster } from "../raster/index.ts";
import { demProfile } from "../sem/topography.ts";
import { runStability } from "../stability/step.ts";
import { runTerrain } from "../terrain/step.ts";
import { canonicalJson } from "../util/canonical-json.ts";
import { encodeProfileFile, type ProfileFile } from "./profile-file.ts";
import { type AreaRasters, profileBand, profileLines } from "./profiles.ts";
import { type CampaignScenario, expandScenarios } from "./scenarios.ts";
import { type JobScenario, jobScenarioOf, type SemSettings, semSettings, vsBelowDatum } from "./sem-model.ts";
import { type CampaignSpec, readCampaignSpec } from "./spec.ts";

/** One profile of the plan, with its encoded file and that file's SHA-256 (its identity). */
export interface PlannedProfile {
  file: ProfileFile;
  bytes: Uint8Array;
  sha256: string;
}

/** What every job of the campaign shares (the machine input's `job.params`). */
export interface SharedJobParams {
  sem: SemSettings;
  studyAc: number[];
  seismograms: boolean;
}

/** One SEM job: a scenario on a profile. `id` is derived from everything that decides its result. */
export interface PlannedJob {
  id: string;
  scenario: string;
  profile: string;
  /** The job's own params (merged over SharedJobParams by the state machine). */
  params: { scenario: JobScenario; job: string };
}

export interface CampaignPlan {
  spec: CampaignSpec;
  specFile: string;
  grid: Grid;
  /** Lowest surface elevation over all profiles: the velocity model's reference (m). */
  datum: number;
  shared: SharedJobParams;
  profiles: PlannedProfile[];
  scenarios: CampaignScenario[];
  jobs: PlannedJob[];
  /** Local rasters the plan was made from (a_c computed or given; slope and aspect computed). */
  rasters: { ac: string; slope: string; aspect: string };
  maxDistanceM: number;
  warnings: string[];
}

export interface PlanOptions {
  /** Scratch folder for terrain (and stability) outputs. */
  workDir: string;
  /** Part of every job id, so that a new Quakeslide version does not reuse older results. */
  codeVersion: string;
  /** Memory limit (GB) of the terrain and stability steps run while planning. */
  memoryLimitGb?: number;
  onProgress?: (message: string) => void;
}

/**
 * Expands a campaign spec into concrete jobs: slope and aspect of the DEM (terrain step), a_c
 * (given, or the stability step on that slope), the profiles and their surface elevations and
 * bands of cells, the scenarios, and one job per scenario and profile with a content-derived id.
 */
export async function planCampaign(specFile: string, options: PlanOptions): Promise<CampaignPlan> {
  const spec = readCampaignSpec(specFile);
  const say = options.onProgress ?? (() => undefined);
  const { area, demFile, rasters } = await prepareArea(spec, specFile, options, say);
  const maxDistance =
    spec.coupling.max_distance_m ?? ("parallel" in spec.profiles ? spec.profiles.parallel.spacing_m : 0);
  const { profiles, datum, warnings } = await planProfiles(spec, area, demFile, maxDistance, say);
  const cellSize = Math.min(Math.abs(area.grid.transform[1]), Math.abs(area.grid.transform[5]));
  const settings = semSettings(spec, datum, cellSize);
  const scenarios = expandScenarios(spec, (depth) => vsBelowDatum(settings, datum, depth));
  const shared: SharedJobParams = { sem: settings, studyAc: spec.study.ac_g, seismograms: spec.seismograms };
  const sharedText = canonicalJson(shared);
  const jobs: PlannedJob[] = scenarios.flatMap((scenario) =>
    profiles.map((profile) => {
      const jobScenario = jobScenarioOf(scenario);
      const hash = createHash("sha256")
        .update(options.codeVersion)
        .update(profile.sha256)
        .update(sharedText)
        .update(canonicalJson(jobScenario))
        .digest("hex")
        .slice(0, 12);
      const id = `${scenario.id}-${profile.file.name}-${hash}`;
      return {
        id,
        scenario: scenario.id,
        profile: profile.file.name,
        params: { scenario: jobScenario, job: id },
      };
    }),
  );
  return {
    spec,
    specFile,
    grid: area.grid,
    datum,
    shared,
    profiles,
    scenarios,
    jobs,
    rasters,
    maxDistanceM: maxDistance,
    warnings,
  };
}

/** Slope and aspect (terrain step, edges extrapolated) and a_c (given, or the stability step). */
async function prepareArea(
  spec: CampaignSpec,
  specFile: string,
  options: PlanOptions,
  say: (message: string) => void,
) {
  const { workDir, memoryLimitGb } = options;
  const resolve = (path: string) => (isAbsolute(path) ? path : join(dirname(specFile), path));
  const demFile = resolve(spec.area.dem);
  say("terrain: slope and aspect of the DEM");
  const terrainDir = join(workDir, "terrain");
  const terrain = await runTerrain({
    dem: demFile,
    outDir: terrainDir,
    computeEdges: true,
    threads: 1,
    memoryLimitGb,
  });
  if (terrain.geographic)
    throw new InputError("the campaign DEM must be in a projected CRS in metres, not degrees", {
      file: demFile,
    });
  const rasters = { ac: "", slope: join(terrainDir, "slope.tif"), aspect: join(terrainDir, "aspect.tif") };
  if (spec.area.ac !== undefined) {
    rasters.ac = resolve(spec.area.ac);
  } else {
    say("stability: critical acceleration from the soil parameters");
    const soil = spec.area.stability!;
    const resolved = Object.fromEntries(
      Object.entries(soil).map(([key, value]) => [key, typeof value === "string" ? resolve(value) : value]),
    ) as typeof soil;
    rasters.ac = join(workDir, "stability", "ac.tif");
    await runStability({
      slope: rasters.slope,
      ...resolved,
      outDir: join(workDir, "stability"),
      memoryLimitGb,
    });
  }
  const area = await readArea(demFile, rasters.ac, rasters.slope, rasters.aspect);
  return { area, demFile, rasters };
}

/** The profile lines, their surfaces cut from the DEM and their bands of cells, as files. */
async function planProfiles(
  spec: CampaignSpec,
  area: AreaRasters,
  demFile: string,
  maxDistance: number,
  say: (message: string) => void,
): Promise<{ profiles: PlannedProfile[]; datum: number; warnings: string[] }> {
  const lines = profileLines(spec, area.grid, demFile);
  say(`profiles: ${lines.length} lines, cells within ${maxDistance} m`);
  const surfaces = await Promise.all(
    lines.map(async (line) =>
      roundedSurface(await demProfile(demFile, line.from, line.to, 0, line.length_m)),
    ),
  );
  const datum = surfaces.reduce((low, surface) => surface.z.reduce((m, z) => Math.min(m, z), low), Infinity);
  const warnings: string[] = [];
  const profiles = lines.map((line, p) => {
    const band = profileBand(area, line, maxDistance);
    if (band.cell.length === 0)
      warnings.push(`profile ${line.name} has no cell with a_c within ${maxDistance} m`);
    const file: ProfileFile = { ...line, surface: surfaces[p], band };
    const bytes = encodeProfileFile(file);
    return { file, bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
  });
  return { profiles, datum, warnings };
}

async function readArea(
  demFile: string,
  acFile: string,
  slopeFile: string,
  aspectFile: string,
): Promise<AreaRasters> {
  const read = async (file: string) => {
    const raster = await readRaster(file, { bands: [0] });
    const grid: Grid = {
      width: raster.width,
      height: raster.height,
      transform: raster.transform,
      crs: raster.crs,
    };
    return { grid, values: bandAsFloat32(raster) };
  };
  const slope = await read(slopeFile);
  const ac = await read(acFile);
  assertSameGrid(ac.grid, slope.grid, acFile, demFile);
  const aspect = await read(aspectFile);
  return { grid: slope.grid, ac: ac.values, slopeDeg: slope.values, aspectDeg: aspect.values };
}

/** Millimetre precision: the profile file (and so the job ids) do not depend on float noise. */
function roundedSurface(surface: { x: Float64Array; z: Float64Array }) {
  return {
    x: Array.from(surface.x, (x) => Number(x.toFixed(3))),
    z: Array.from(surface.z, (z) => Number(z.toFixed(3))),
  };
}
