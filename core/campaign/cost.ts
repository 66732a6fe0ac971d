import { semSize } from "../sem/memory.ts";
import { buildMesh, minGllDistance } from "../sem/mesh.ts";
import { meshLayers } from "../sem/simulation.ts";
import type { CampaignPlan, PlannedProfile } from "./plan.ts";
import { buildSemScenario } from "./sem-model.ts";

/**
 * The solver's measured speed, in element-steps per second of one core, NGLL 5 (the written-out
 * kernel): 1.36 M on one thread of the development machine (docs/sem.md, "Speed": 160 × 80
 * elements × 5,000 steps in 47 s). Other NGLL use the generic loops (1.6× slower at NGLL 5,
 * docs/sem.md) whose work per element grows as NGLL³.
 */
export const ELEMENT_STEPS_PER_CORE_SECOND_NGLL5 = 1.36e6;

export function elementStepsPerCoreSecond(ngll: number): number {
  if (ngll === 5) return ELEMENT_STEPS_PER_CORE_SECOND_NGLL5;
  return (ELEMENT_STEPS_PER_CORE_SECOND_NGLL5 / 1.6) * (5 / ngll) ** 3;
}

/**
 * Price and overhead assumptions of the AWS estimate (USD, us-east-1 list prices of 2025; check
 * yours). A job runs on the `sem` job definition's 8 vCPUs (c6i/c7i/m6i/m7i, Spot first).
 */
export const AWS_ASSUMPTIONS = {
  /** c6i.2xlarge on demand, $0.34 per hour for 8 vCPUs. */
  onDemandVcpuHourUsd: 0.0425,
  /** Spot, assumed at 40 % of on demand (it varies by region, zone and hour). */
  spotVcpuHourUsd: 0.017,
  jobVcpus: 8,
  /** The `sem` job definition's memory (infra/compute-stack.ts). */
  jobMemoryMiB: 16384,
  /** Fraction of 8 threads' ideal speed-up the solver reaches (assumed; 2 threads measured 0.67-0.87). */
  parallelEfficiency: 0.7,
  /** Per job: instance share of image pull, start-up, staging inputs and outputs (assumed). */
  jobOverheadSeconds: 30,
  /** Step Functions Standard: $0.025 per 1,000 state transitions; about 5 per job (map child). */
  stateTransitionUsd: 0.000025,
  transitionsPerJob: 5,
  /** S3: about 6 PUTs and 6 GETs per job at $0.005 and $0.0004 per 1,000. */
  s3RequestsUsdPerJob: 6 * 0.000005 + 6 * 0.0000004,
  /** Aggregation Lambda: 3 GB for up to 15 minutes. */
  aggregateUsd: 3 * 900 * 0.0000166667,
};

export interface ProfileEstimate {
  profile: string;
  jobs: number;
  dtS: number;
  elementsMin: number;
  elementsMax: number;
  stepsMax: number;
  cells: number;
}

export interface CampaignEstimate {
  jobs: number;
  scenarios: number;
  profiles: number;
  elementSteps: number;
  /** Solver core-hours at the measured single-core speed (no parallel loss). */
  coreHours: number;
  /** Core-hours of the Newmark coupling (cells × steps, rigid block ≈ 2e8 steps per core second). */
  couplingCoreHours: number;
  memoryPerJobMiB: number;
  /** Wall time of the longest job on the job definition's vCPUs (s). */
  longestJobS: number;
  aws: {
    vcpuHours: number;
    computeSpotUsd: number;
    computeOnDemandUsd: number;
    stepFunctionsUsd: number;
    s3Usd: number;
    lambdaUsd: number;
    totalSpotUsd: number;
    totalOnDemandUsd: number;
  };
  perProfile: ProfileEstimate[];
  assumptions: typeof AWS_ASSUMPTIONS & { elementStepsPerCoreSecond: number };
}

/**
 * Coupling speed, cell-steps per core second: bandDisplacements (projection + rigid block) on
 * 2,000 cells × 3,000 steps measured 1.4-2.1e8 per CPU second over 5 repetitions (warm: 2.0e8).
 */
const NEWMARK_STEPS_PER_CORE_SECOND = 2e8;

/** The size of one job: elements, steps, and what they cost in core-seconds and memory. */
interface JobSize {
  elements: number;
  steps: number;
  coreSeconds: number;
  couplingSteps: number;
  memory: number;
}

/**
 * The jobs of one profile without meshing each: one mesh of the widest domain gives dt (the
 * CFL number's smallest GLL spacing lies in the profile's topography, shared by all its jobs);
 * each job's elements and points come from core/sem's semSize, which counts them as the mesher
 * does (columns from the domain width, rows per layer from its thickness under the highest point).
 */
function profileJobSizes(
  plan: CampaignPlan,
  profile: PlannedProfile,
  rate: number,
): { estimate: ProfileEstimate; sizes: JobSize[] } {
  const settings = plan.shared.sem;
  const { file } = profile;
  const jobs = plan.jobs.filter((job) => job.profile === file.name);
  const models = jobs.map(
    (job) => buildSemScenario(settings, job.params.scenario, file.surface, job.id).scenario,
  );
  const widest = models.reduce((a, b) => (b.domain.xmax > a.domain.xmax ? b : a));
  const layers = meshLayers(widest);
  const elementWidth = Math.min(settings.element_size_m, ...layers.map((l) => l.elementHeight));
  const surface = widest.topography as { x: number[]; z: number[] };
  const mesh = buildMesh({ ...widest.domain, surface, layers, elementWidth, ngll: settings.ngll });
  let spacingOverVp = Number.POSITIVE_INFINITY;
  for (let e = 0; e < mesh.nspec; e++)
    spacingOverVp = Math.min(spacingOverVp, minGllDistance(mesh, e) / mesh.vp[e]);
  const dt = settings.cfl * spacingOverVp;
  const cells = file.band.cell.length;
  const sizes = models.map((model) => {
    // Elements and GLL points as the SEM's own memory check counts them; steps from this dt.
    const { elements, points } = semSize(model, file.surface);
    const steps = Math.round(model.time.duration_s / dt);
    return {
      elements,
      steps,
      coreSeconds: (elements * steps) / rate + (cells * steps) / NEWMARK_STEPS_PER_CORE_SECOND,
      couplingSteps: cells * steps,
      memory: memoryBytes(elements, points, settings.ngll, steps, model.receivers.length),
    };
  });
  const estimate: ProfileEstimate = {
    profile: file.name,
    jobs: jobs.length,
    dtS: dt,
    elementsMin: sizes.reduce((m, j) => Math.min(m, j.elements), Number.POSITIVE_INFINITY),
    elementsMax: sizes.reduce((m, j) => Math.max(m, j.elements), 0),
    stepsMax: sizes.reduce((m, j) => Math.max(m, j.steps), 0),
    cells,
  };
  return { estimate, sizes };
}

/**
 * Cost of a plan without running it: per job, the mesh size × the time steps (profileJobSizes)
 * at the solver's measured speed, the coupling's cells × steps, memory from the arrays the
 * solver allocates, and the AWS bill under AWS_ASSUMPTIONS (overridable prices).
 */
export function estimateCampaign(
  plan: CampaignPlan,
  overrides: { vcpuHourUsd?: number; stateTransitionUsd?: number } = {},
): CampaignEstimate {
  const rate = elementStepsPerCoreSecond(plan.shared.sem.ngll);
  const assumptions = {
    ...AWS_ASSUMPTIONS,
    ...(overrides.vcpuHourUsd !== undefined ? { spotVcpuHourUsd: overrides.vcpuHourUsd } : {}),
    ...(overrides.stateTransitionUsd !== undefined
      ? { stateTransitionUsd: overrides.stateTransitionUsd }
      : {}),
    elementStepsPerCoreSecond: rate,
  };
  const profiles = plan.profiles.map((profile) => profileJobSizes(plan, profile, rate));
  const sizes = profiles.flatMap((p) => p.sizes);
  const wallOf = (job: JobSize) => job.coreSeconds / (assumptions.jobVcpus * assumptions.parallelEfficiency);
  const vcpuHours =
    sizes.reduce(
      (sum, job) => sum + (wallOf(job) + assumptions.jobOverheadSeconds) * assumptions.jobVcpus,
      0,
    ) / 3600;
  const elementSteps = sizes.reduce((sum, job) => sum + job.elements * job.steps, 0);
  const jobs = plan.jobs.length;
  const stepFunctionsUsd = jobs * assumptions.transitionsPerJob * assumptions.stateTransitionUsd;
  const s3Usd = jobs * assumptions.s3RequestsUsdPerJob;
  const lambdaUsd = assumptions.aggregateUsd;
  const computeSpotUsd = vcpuHours * assumptions.spotVcpuHourUsd;
  const computeOnDemandUsd = vcpuHours * assumptions.onDemandVcpuHourUsd;
  return {
    jobs,
    scenarios: plan.scenarios.length,
    profiles: plan.profiles.length,
    elementSteps,
    coreHours: elementSteps / rate / 3600,
    couplingCoreHours:
      sizes.reduce((sum, job) => sum + job.couplingSteps, 0) / NEWMARK_STEPS_PER_CORE_SECOND / 3600,
    memoryPerJobMiB: Math.ceil(sizes.reduce((m, job) => Math.max(m, job.memory), 0) / 2 ** 20),
    longestJobS: sizes.reduce((m, job) => Math.max(m, wallOf(job)), 0),
    aws: {
      vcpuHours,
      computeSpotUsd,
      computeOnDemandUsd,
      stepFunctionsUsd,
      s3Usd,
      lambdaUsd,
      totalSpotUsd: computeSpotUsd + stepFunctionsUsd + s3Usd + lambdaUsd,
      totalOnDemandUsd: computeOnDemandUsd + stepFunctionsUsd + s3Usd + lambdaUsd,
    },
    perProfile: profiles.map((p) => p.estimate),
    assumptions,
  };
}

/**
 * Bytes one job holds: per element GLL point and per global point about 10 doubles each (mesh
 * geometry and its shared-memory copy for the threads; wavefield, mass, dashpots), the records
 * and coupling traces (10 doubles per receiver and step), plus ~120 MiB of Node and the solver's
 * code. Calibrated on peak RSS of campaign-sem jobs (NGLL 5): 36,190 elements 227 MiB (this
 * formula 233), 144,290 elements 578 MiB (571).
 */
export function memoryBytes(
  elements: number,
  globalPoints: number,
  ngll: number,
  steps: number,
  receivers: number,
): number {
  const elementPoints = elements * ngll * ngll;
  return 8 * (10 * elementPoints + 10 * globalPoints + 10 * receivers * steps) + 120 * 2 ** 20;
}
