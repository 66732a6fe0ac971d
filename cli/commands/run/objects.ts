import { join } from "node:path";
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { parseS3Uri } from "../../../functions/shared/event.ts";
import { downloadObject } from "../../../functions/shared/s3.ts";
import type { EmbeddedRuntime } from "../../../local/runtime.ts";

// `quakeslide run`'s object transfers with the embedded runtime's S3 server, apart from run.ts so
// that `run --help` does not load the AWS SDK.

export async function put(
  runtime: EmbeddedRuntime,
  bucket: string,
  key: string,
  body: Buffer | string,
): Promise<void> {
  await runtime.s3Client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** Downloads every object of a product folder into `dir`; returns their names. */
export async function downloadProduct(
  runtime: EmbeddedRuntime,
  product: string,
  dir: string,
): Promise<string[]> {
  const { bucket, key: prefix } = parseS3Uri(product.endsWith("/") ? `${product}x` : product);
  const folder = prefix.slice(0, -1);
  const listed = await runtime.s3Client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: folder }));
  const names: string[] = [];
  for (const object of listed.Contents ?? []) {
    const name = (object.Key as string).slice(folder.length);
    await downloadObject(runtime.s3Client, bucket, object.Key as string, join(dir, name));
    names.push(name);
  }
  return names.sort();
}
