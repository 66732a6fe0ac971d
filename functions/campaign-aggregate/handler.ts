// Lambda: aggregation of a campaign (core/campaign/aggregate.ts) after its Distributed Map.
// Event: { inputs: { index }, params: { mapResults?: { Bucket, Key } } }. The index names the
// profile files and the jobs' result records, which are read from S3 as the aggregation goes
// (a campaign has too many of them for the event).
import { GetObjectCommand } from "@aws-sdk/client-s3";
import {
  campaignAggregateOptionsSchema,
  type Loader,
  runCampaignAggregate,
} from "../../core/campaign/aggregate.ts";
import { parseS3Uri } from "../shared/event.ts";
import { createStepHandler } from "../shared/lambda.ts";
import { createS3Client } from "../shared/s3.ts";

function s3Loader(client: ReturnType<typeof createS3Client>): Loader {
  return async (uri) => {
    const { bucket, key } = parseS3Uri(uri);
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await object.Body!.transformToByteArray();
    } catch (error) {
      if ((error as { name?: string }).name === "NoSuchKey") return null;
      throw error;
    }
  };
}

export const handler = createStepHandler({
  step: "campaign-aggregate",
  schema: campaignAggregateOptionsSchema,
  run: async (options, onProgress) => {
    const client = createS3Client();
    try {
      return await runCampaignAggregate(options, { load: s3Loader(client), onProgress });
    } finally {
      client.destroy();
    }
  },
});
