import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { headObject, readObjectText } from "../shared/s3.ts";

/** `events/<id>/latest.json`: the newest published version of an event. */
export interface LatestPointer {
  version: number;
  product: string;
  manifest: string;
  report: string;
  publishedAt: string;
  /** Versions published before this one, newest first. */
  previous: { version: number; product: string }[];
}

export async function readLatest(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<{ pointer: LatestPointer; etag: string } | null> {
  const head = await headObject(client, bucket, key);
  if (!head) return null;
  return { pointer: JSON.parse(await readObjectText(client, bucket, key)) as LatestPointer, etag: head.etag };
}

/**
 * Moves the pointer to `next` unless it already names the same or a newer version. The write is
 * conditional (If-None-Match: * when there is none, If-Match: <etag> otherwise) so that two
 * publications racing on S3 cannot move it backwards: the loser re-reads and decides again.
 * (The embedded runtime's S3 server ignores the conditions; there the window is the few
 * milliseconds between read and write.) Returns whether the pointer now names `next`.
 */
export async function moveLatestForward(
  client: S3Client,
  bucket: string,
  key: string,
  next: Omit<LatestPointer, "previous"> & Record<string, unknown>,
): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await readLatest(client, bucket, key);
    if (current && current.pointer.version >= next.version) return current.pointer.version === next.version;
    const previous = current
      ? [
          { version: current.pointer.version, product: current.pointer.product },
          ...current.pointer.previous,
        ].slice(0, 50)
      : [];
    try {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: `${JSON.stringify({ ...next, previous }, null, 2)}\n`,
          ContentType: "application/json",
          ...(current ? { IfMatch: current.etag } : { IfNoneMatch: "*" }),
        }),
      );
      return true;
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name !== "PreconditionFailed" && name !== "ConditionalRequestConflict") throw error;
    }
  }
  throw new Error(`${key}: the pointer kept changing under five attempts to move it to v${next.version}`);
}
