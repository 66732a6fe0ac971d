import type { CampaignAggregateResult } from "../../../core/campaign/aggregate-outputs.ts";
import type { CampaignEstimate } from "../../../core/campaign/cost.ts";
import type { CampaignPlan } from "../../../core/campaign/plan.ts";
import type { CampaignProgress } from "./follow.ts";

const g = (value: number, digits = 3) => String(Number(value.toPrecision(digits)));
const usd = (value: number) => `$${value >= 100 ? value.toFixed(0) : value.toPrecision(2)}`;

/** The dry run's report: jobs, meshes, core-hours, memory, and the AWS estimate with its assumptions. */
export function describeEstimate(plan: CampaignPlan, estimate: CampaignEstimate): string[] {
  const a = estimate.assumptions;
  const lines = [
    `campaign ${plan.spec.name}: ${estimate.scenarios} scenarios × ${estimate.profiles} profiles = ${estimate.jobs} SEM jobs`,
  ];
  for (const p of estimate.perProfile) {
    const profile = plan.profiles.find((x) => x.file.name === p.profile)!.file;
    lines.push(
      `  profile ${p.profile}: ${g(profile.length_m, 4)} m, ${p.cells} cells within ${plan.maxDistanceM} m; ${p.elementsMin}-${p.elementsMax} elements, dt ${g(p.dtS * 1000)} ms, up to ${p.stepsMax} steps`,
    );
  }
  lines.push(
    `  solver: ${g(estimate.elementSteps / 1e6, 4)} M element-steps = ${g(estimate.coreHours)} core-hours at ${g(a.elementStepsPerCoreSecond / 1e6)} M element-steps/s per core (NGLL ${plan.shared.sem.ngll}, measured on this solver); Newmark coupling ${g(estimate.couplingCoreHours)} core-hours`,
    `  memory per job: up to ${estimate.memoryPerJobMiB} MiB (the sem job definition has ${a.jobMemoryMiB} MiB)${estimate.memoryPerJobMiB > a.jobMemoryMiB ? " — TOO MUCH: coarsen the mesh or raise the job's memory" : ""}`,
    `  longest job: ${g(estimate.longestJobS)} s on ${a.jobVcpus} vCPUs (parallel efficiency ${a.parallelEfficiency} assumed)`,
    `  AWS estimate: ${usd(estimate.aws.totalSpotUsd)} on Spot, ${usd(estimate.aws.totalOnDemandUsd)} on demand`,
    `    compute ${g(estimate.aws.vcpuHours)} vCPU-hours (with ${a.jobOverheadSeconds} s start-up per job): ${usd(estimate.aws.computeSpotUsd)} at ${usd(a.spotVcpuHourUsd)}/vCPU-h Spot, ${usd(estimate.aws.computeOnDemandUsd)} at ${usd(a.onDemandVcpuHourUsd)}/vCPU-h on demand`,
    `    Step Functions ${usd(estimate.aws.stepFunctionsUsd)} (${a.transitionsPerJob} transitions per job at ${usd(a.stateTransitionUsd * 1000)} per 1,000), S3 requests ${usd(estimate.aws.s3Usd)}, aggregation Lambda ${usd(estimate.aws.lambdaUsd)}`,
    "    prices: us-east-1 list prices of 2025, Spot assumed at 40 % of on demand (docs/campaign.md)",
  );
  for (const warning of plan.warnings) lines.push(`  warning: ${warning}`);
  return lines;
}

export function describeProgress(campaign: string, total: number, progress: CampaignProgress): string {
  const parts = [`${progress.done}/${total} done`];
  if (progress.running !== null) parts.push(`${progress.running} running`);
  if (progress.failed !== null) parts.push(`${progress.failed} failed`);
  parts.push(`${progress.remaining} remaining`);
  if (progress.etaS !== null && progress.remaining > 0) parts.push(`ETA ${Math.ceil(progress.etaS)} s`);
  return `campaign ${campaign}: ${parts.join(", ")}`;
}

/** The end-of-run lines: where the outputs are and the study's headline numbers. */
export function describeOutcome(summary: CampaignAggregateResult, outDir: string): string[] {
  const study = summary.study[0];
  const fit = study.pgaAndDuration;
  const lines = [
    `outputs in ${outDir}/: report.html, summary.json, ${summary.outputs.filter((o) => o.endsWith(".tif")).length} COGs with PNG previews, study.csv, scenarios.csv`,
    `  covered: ${summary.coveredCells} cells; mean P(D_N > ${summary.thresholdsCm.join(", ")} cm) = ${summary.meanExceedance.map((p) => g(p)).join(", ")}`,
  ];
  if (fit)
    lines.push(
      `  study (a_c ${study.ac_g} g, ${study.used} points): log10 D_N = ${g(fit.coefficients[0])} + ${g(fit.coefficients[1])} log10 PGA + ${g(fit.coefficients[2])} log10 D5-95 (± ${g(fit.standardErrors[2], 2)}), R² ${g(fit.rSquared)}`,
    );
  lines.push(
    `  solver: ${g(summary.compute.elementSteps / 1e6, 4)} M element-steps in ${g(summary.timing.solverSeconds)} s of job time (${g(summary.timing.elementStepsPerS / 1e6)} M/s); Newmark coupling ${g(summary.timing.newmarkSeconds)} s`,
    `  landslide area by Mw: ${summary.areaByMw.map((m) => `${m.mw}: ${g(m.landslide_area_m2)} m²`).join(", ")}`,
  );
  return lines;
}
