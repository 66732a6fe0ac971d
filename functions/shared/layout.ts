/**
 * Where things live in the two buckets. The CDK stacks grant access to exactly these prefixes and
 * the handlers write under them, so both import this one file (it holds no AWS or CDK code).
 */

/** Prefixes of the data bucket that hold user inputs (read-only for the pipeline). */
export const DATA_PREFIXES = {
  dem: "dem/",
  soil: "soil/",
  inventory: "inventory/",
  records: "records/",
  scenarios: "scenarios/",
  campaigns: "campaigns/",
  events: "events/",
  covariates: "covariates/",
  /** Area configurations (`areas/<area>.json`: a hazard-pipeline input) and their files. */
  areas: "areas/",
} as const;

/** Event files that failed validation are moved here (data bucket), with the reason beside them. */
export const REJECTED_EVENTS_PREFIX = "events-rejected/";

/**
 * Published products in the results bucket (each folder's manifest.json written last):
 * a hazard-pipeline run, the maps of an event version, a susceptibility version.
 */
export const PRODUCT_PREFIXES = {
  hazard: "hazard/",
  events: "events/",
  susceptibility: "susceptibility/",
} as const;

/** `events/<id>/v<version>/` in the results bucket. */
export function eventProductPrefix(eventId: string, version: number): string {
  return `${PRODUCT_PREFIXES.events}${eventId}/v${version}/`;
}

/** The pointer to the newest published version of an event: only ever moved forward. */
export function eventLatestKey(eventId: string): string {
  return `${PRODUCT_PREFIXES.events}${eventId}/latest.json`;
}

/** The pointer to the newest published susceptibility version. */
export const SUSCEPTIBILITY_LATEST_KEY = `${PRODUCT_PREFIXES.susceptibility}latest.json`;

/** Results of one step: `runs/<step>/<input hash>/<file>`, the manifest written last. */
export const RUNS_PREFIX = "runs/";

/** Short-lived objects (job inputs, Distributed Map results): expired by a lifecycle rule. */
export const INTERMEDIATE_PREFIX = "intermediate/";

/** The object whose presence marks a run as complete (written after every output). */
export const MANIFEST_NAME = "manifest.json";

export function runPrefix(step: string, inputHash: string): string {
  return `${RUNS_PREFIX}${step}/${inputHash}/`;
}

/**
 * Where a campaign job's result record (its StepResult) is kept: keyed by the campaign and the
 * job's content-derived id, so that a resumed campaign finds the jobs already done. The
 * `campaign` state machine builds the same key with States.Format.
 */
export const CAMPAIGN_JOB_RESULTS_PREFIX = `${RUNS_PREFIX}campaign-sem/campaigns/`;

export function campaignJobResultKey(campaignId: string, jobId: string): string {
  return `${CAMPAIGN_JOB_RESULTS_PREFIX}${campaignId}/${jobId}.json`;
}
