import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";

/**
 * Client settings beyond the standard configuration. Checksums only where S3 requires them:
 * the SDK's default sends streamed uploads as aws-chunked bodies with a CRC trailer, which
 * S3-compatible emulators (s3rver) store verbatim; uploads are verified by the manifest's SHA-256.
 */
export const S3_CLIENT_SETTINGS = {
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
} as const;

/**
 * An S3 client from the standard configuration (region, credentials, AWS_ENDPOINT_URL[_S3]).
 * Emulators (s3rver, LocalStack) need path-style addressing; AWS does not.
 */
export function createS3Client(): S3Client {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  return new S3Client({ ...S3_CLIENT_SETTINGS, forcePathStyle: Boolean(endpoint) });
}

export interface ObjectVersion {
  etag: string;
  versionId?: string;
  bytes: number;
}

/** ETag, version and size of an object, or null when it does not exist. */
export async function headObject(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<ObjectVersion | null> {
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { etag: head.ETag ?? "", versionId: head.VersionId, bytes: head.ContentLength ?? 0 };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === "NotFound" || name === "NoSuchKey") return null;
    throw error;
  }
}

/** Streams one object version to a local file (no whole-file buffering: rasters can be large). */
export async function downloadObject(
  client: S3Client,
  bucket: string,
  key: string,
  path: string,
  versionId?: string,
): Promise<void> {
  const response = await client.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }),
  );
  await mkdir(dirname(path), { recursive: true });
  await pipeline(response.Body as Readable, createWriteStream(path));
}

export async function readObjectText(client: S3Client, bucket: string, key: string): Promise<string> {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return response.Body!.transformToString("utf8");
}

/** Uploads a local file and returns its SHA-256 (hex), which the run manifest records. */
export async function uploadFile(
  client: S3Client,
  bucket: string,
  key: string,
  path: string,
): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  const sha256 = hash.digest("hex");
  const { size } = await stat(path);
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: createReadStream(path),
      ContentLength: size,
      ContentType: contentType(key),
    }),
  );
  return sha256;
}

export async function putJson(client: S3Client, bucket: string, key: string, value: unknown): Promise<void> {
  await client.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: `${JSON.stringify(value, null, 2)}\n`,
      ContentType: "application/json",
    }),
  );
}

/** Server-side copy within S3 (no download); the copy has the same bytes, hence the same SHA-256. */
export async function copyObject(
  client: S3Client,
  from: { bucket: string; key: string },
  to: { bucket: string; key: string },
): Promise<void> {
  await client.send(
    new CopyObjectCommand({
      Bucket: to.bucket,
      Key: to.key,
      CopySource: `${from.bucket}/${from.key.split("/").map(encodeURIComponent).join("/")}`,
      ContentType: contentType(to.key),
      MetadataDirective: "REPLACE",
    }),
  );
}

/** SHA-256 (hex) and size of an object, streamed (inputs can be large DEMs). */
export async function hashObject(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<{ sha256: string; bytes: number }> {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of response.Body as Readable) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

/** Writes a text object (HTML, CSV, JSON) with its content type; returns its SHA-256. */
export async function putText(client: S3Client, bucket: string, key: string, text: string): Promise<string> {
  await client.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, ContentType: contentType(key) }),
  );
  return createHash("sha256").update(text).digest("hex");
}

export async function deleteObject(client: S3Client, bucket: string, key: string): Promise<void> {
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

function contentType(key: string): string {
  if (key.endsWith(".html")) return "text/html; charset=utf-8";
  if (key.endsWith(".tif") || key.endsWith(".tiff"))
    return "image/tiff; application=geotiff; profile=cloud-optimized";
  if (key.endsWith(".png")) return "image/png";
  if (key.endsWith(".json")) return "application/json";
  if (key.endsWith(".csv")) return "text/csv";
  return "application/octet-stream";
}
