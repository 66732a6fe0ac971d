// Lambda: the published susceptibility version a new inventory is scored against
// (susceptibility/latest.json in the results bucket), or { found: false }. Event: {} (ignored).
import { SUSCEPTIBILITY_LATEST_KEY } from "../shared/layout.ts";
import { createS3Client, headObject, readObjectText } from "../shared/s3.ts";

export interface CurrentSusceptibility {
  found: boolean;
  version?: number;
  model?: string;
  map?: string;
  covariates?: string;
  product?: string;
}

export async function handler(): Promise<CurrentSusceptibility> {
  const bucket = process.env.RESULTS_BUCKET;
  if (!bucket) throw new Error("environment variable RESULTS_BUCKET is not set");
  const client = createS3Client();
  try {
    if (!(await headObject(client, bucket, SUSCEPTIBILITY_LATEST_KEY))) return { found: false };
    const latest = JSON.parse(
      await readObjectText(client, bucket, SUSCEPTIBILITY_LATEST_KEY),
    ) as CurrentSusceptibility;
    return {
      found: true,
      version: latest.version,
      model: latest.model,
      map: latest.map,
      covariates: latest.covariates,
      product: latest.product,
    };
  } finally {
    client.destroy();
  }
}
