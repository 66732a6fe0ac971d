import { createHash } from "node:crypto";
import type { CampaignIndex } from "../../../core/campaign/index-file.ts";
import type { CampaignPlan } from "../../../core/campaign/plan.ts";
import { InputError } from "../../../core/errors.ts";
import { CAMPAIGN_JOB_RESULTS_PREFIX, campaignJobResultKey } from "../../../functions/shared/layout.ts";
import type { CampaignInput, CampaignItem } from "../../../functions/shared/machines.ts";
import type { Quakeslide } from "../../client/index.ts";

export interface Submission {
  runId: string;
  campaign: string;
  jobs: number;
  /** Jobs whose result was already there (earlier runs of the campaign): not run again. */
  skipped: number;
  submitted: number;
  indexUri: string;
}

const sha12 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex").slice(0, 12);

/**
 * Uploads what the `campaign` machine reads (one file per profile, the index, the list of jobs
 * to run) under `campaigns/<name>/` in the data bucket, at keys derived from their content, and
 * starts the machine. Jobs whose result record exists (listed under the campaign's results
 * prefix) are left out of the list: that is how a campaign resumes.
 */
export async function submitCampaign(client: Quakeslide, plan: CampaignPlan): Promise<Submission> {
  const { dataBucket, resultsBucket } = client.config;
  if (!dataBucket || !resultsBucket)
    throw new InputError(
      `the buckets of target ${client.config.target} are not known: set QUAKESLIDE_DATA_BUCKET and QUAKESLIDE_RESULTS_BUCKET`,
    );
  const name = plan.spec.name;
  const prefix = `campaigns/${name}/`;
  const profileUris = new Map<string, string>();
  for (const profile of plan.profiles) {
    const key = `${prefix}profiles/${profile.file.name}-${profile.sha256.slice(0, 12)}.bin`;
    profileUris.set(profile.file.name, await client.upload(profile.bytes, key));
  }
  const index: CampaignIndex = {
    kind: "quakeslide-campaign-index",
    campaign: name,
    grid: {
      width: plan.grid.width,
      height: plan.grid.height,
      transform: plan.grid.transform,
      crs: plan.grid.crs,
    },
    maxDistanceM: plan.maxDistanceM,
    thresholdsCm: plan.spec.aggregate.thresholds_cm,
    landslideDnCm: plan.spec.aggregate.landslide_dn_cm,
    extremes: plan.spec.aggregate.extremes,
    studyAc: plan.spec.study.ac_g,
    dnFloorCm: plan.spec.study.dn_floor_cm,
    profiles: plan.profiles.map((p) => ({ name: p.file.name, uri: profileUris.get(p.file.name)! })),
    scenarios: plan.scenarios,
    jobs: plan.jobs.map((job) => ({
      id: job.id,
      scenario: job.scenario,
      profile: job.profile,
      result: `s3://${resultsBucket}/${campaignJobResultKey(name, job.id)}`,
    })),
  };
  const indexText = JSON.stringify(index);
  const indexUri = await client.upload(Buffer.from(indexText), `${prefix}index-${sha12(indexText)}.json`);
  const done = await finishedJobs(client, name);
  const items: CampaignItem[] = plan.jobs
    .filter((job) => !done.has(job.id))
    .map((job) => ({ id: job.id, inputs: { profile: profileUris.get(job.profile)! }, params: job.params }));
  const itemsText = JSON.stringify(items);
  const itemsKey = `${prefix}items-${sha12(itemsText)}.json`;
  await client.upload(Buffer.from(itemsText), itemsKey);
  const input: CampaignInput = {
    campaignId: name,
    itemsKey,
    index: indexUri,
    job: { params: { ...plan.shared } },
  };
  const run = await client.startRun("campaign", input);
  return {
    runId: run.id,
    campaign: name,
    jobs: plan.jobs.length,
    skipped: plan.jobs.length - items.length,
    submitted: items.length,
    indexUri,
  };
}

/** Ids of the campaign's jobs whose result record exists. */
export async function finishedJobs(client: Quakeslide, campaign: string): Promise<Set<string>> {
  const prefix = `${CAMPAIGN_JOB_RESULTS_PREFIX}${campaign}/`;
  const objects = await client.listOutputs(prefix);
  return new Set(objects.map((o) => o.key.slice(prefix.length).replace(/\.json$/, "")));
}
