import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { type LocalS3, type S3NotificationRecord, startLocalS3 } from "../../../local/s3-server.ts";
import { signRequest } from "../../../local/sigv4.ts";

let s3: LocalS3;
let client: S3Client;
let directory: string;
const events: S3NotificationRecord[] = [];

before(async () => {
  directory = mkdtempSync(join(tmpdir(), "quakeslide-s3-"));
  s3 = await startLocalS3({ directory, buckets: ["data", "results"], onObjectEvent: (r) => events.push(r) });
  client = new S3Client(s3.clientConfig);
});

after(async () => {
  client.destroy();
  await s3.close();
  rmSync(directory, { recursive: true, force: true });
});

test("binds 127.0.0.1 on a free port", () => {
  assert.match(s3.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(s3.port > 0);
});

test("ListObjectsV2 pages past 1,000 keys (continuation tokens work on OpenSSL 3)", async () => {
  const keys = Array.from({ length: 1050 }, (_, i) => `many/${String(i).padStart(4, "0")}.txt`);
  for (let i = 0; i < keys.length; i += 50) {
    await Promise.all(
      keys
        .slice(i, i + 50)
        .map((Key) => client.send(new PutObjectCommand({ Bucket: "data", Key, Body: Key }))),
    );
  }
  const listed: string[] = [];
  let pages = 0;
  for await (const page of paginateListObjectsV2({ client }, { Bucket: "data", Prefix: "many/" })) {
    pages++;
    for (const object of page.Contents ?? []) listed.push(object.Key!);
  }
  assert.equal(pages, 2, "1,050 keys need two pages of at most 1,000");
  assert.deepEqual(listed.sort(), keys);
});

test("range GET returns exactly the requested bytes; HEAD reports size and metadata", async () => {
  const body = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  await client.send(
    new PutObjectCommand({ Bucket: "data", Key: "range.bin", Body: body, Metadata: { source: "test" } }),
  );
  const part = await client.send(
    new GetObjectCommand({ Bucket: "data", Key: "range.bin", Range: "bytes=100-199" }),
  );
  const bytes = Buffer.from(await part.Body!.transformToByteArray());
  assert.deepEqual(bytes, body.subarray(100, 200));
  const head = await client.send(new HeadObjectCommand({ Bucket: "data", Key: "range.bin" }));
  assert.equal(head.ContentLength, 1000);
  assert.equal(head.Metadata?.source, "test");
  await assert.rejects(client.send(new HeadObjectCommand({ Bucket: "data", Key: "absent" })), {
    name: "NotFound",
  });
});

test("multipart upload reassembles the parts in order", async () => {
  const partSize = 5 * 1024 * 1024; // S3's minimum size for every part but the last
  const first = Buffer.alloc(partSize, 1);
  const second = Buffer.alloc(1234, 2);
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ Bucket: "results", Key: "big.bin" }),
  );
  const parts = [];
  for (const [index, Body] of [first, second].entries()) {
    const { ETag } = await client.send(
      new UploadPartCommand({ Bucket: "results", Key: "big.bin", UploadId, PartNumber: index + 1, Body }),
    );
    parts.push({ ETag, PartNumber: index + 1 });
  }
  await client.send(
    new CompleteMultipartUploadCommand({
      Bucket: "results",
      Key: "big.bin",
      UploadId,
      MultipartUpload: { Parts: parts },
    }),
  );
  const object = await client.send(new GetObjectCommand({ Bucket: "results", Key: "big.bin" }));
  const bytes = Buffer.from(await object.Body!.transformToByteArray());
  assert.equal(bytes.length, partSize + 1234);
  assert.deepEqual(bytes.subarray(partSize - 2, partSize + 2), Buffer.from([1, 1, 2, 2]));
});

test("object writes are reported as S3 notification records", async () => {
  await client.send(new PutObjectCommand({ Bucket: "data", Key: "inventory/a.csv", Body: "x,y\n" }));
  const record = events.find((r) => r.s3.object.key === "inventory/a.csv");
  assert.ok(record, "a Put under inventory/ produced an event");
  assert.equal(record.eventName, "ObjectCreated:Put");
  assert.equal(record.s3.bucket.name, "data");
});

test("a streamed upload in the SDK's default aws-chunked framing is stored without the framing", async () => {
  // The SDK's default (checksums when supported) sends a stream as aws-chunked with a CRC
  // trailer; s3rver alone stored "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:...".
  const defaults = new S3Client({ ...s3.clientConfig });
  try {
    const body = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 256));
    await defaults.send(
      new PutObjectCommand({
        Bucket: "data",
        Key: "chunked.bin",
        Body: Readable.from([body.subarray(0, 70_000), body.subarray(70_000)]),
        ContentLength: body.length,
      }),
    );
    const object = await client.send(new GetObjectCommand({ Bucket: "data", Key: "chunked.bin" }));
    assert.deepEqual(Buffer.from(await object.Body!.transformToByteArray()), body);
    assert.equal(
      object.ContentEncoding,
      undefined,
      "aws-chunked is a transfer framing, not the object's encoding",
    );
  } finally {
    defaults.destroy();
  }
});

test("an upload cut off mid-body leaves the earlier object whole (writes are all or nothing)", async () => {
  await client.send(new PutObjectCommand({ Bucket: "data", Key: "whole.bin", Body: "earlier version" }));
  const path = "/data/whole.bin";
  // UNSIGNED-PAYLOAD: the hash of a body that is never sent whole cannot be signed.
  const headers = signRequest(
    {
      method: "PUT",
      url: `${s3.endpoint}${path}`,
      headers: { "content-length": "1000", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
    },
    { credentials: s3.credentials, region: "us-east-1", service: "s3" },
  );
  await new Promise<void>((resolve) => {
    const request = httpRequest({ host: "127.0.0.1", port: s3.port, method: "PUT", path, headers });
    request.on("error", () => resolve());
    request.write(Buffer.alloc(500, 1));
    setTimeout(() => {
      request.destroy();
      resolve();
    }, 300);
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const object = await client.send(new GetObjectCommand({ Bucket: "data", Key: "whole.bin" }));
  assert.equal(await object.Body!.transformToString(), "earlier version");
  const buckets = await client.send(new ListBucketsCommand({}));
  assert.deepEqual(
    buckets.Buckets?.map((b) => b.Name).sort(),
    ["data", "results"],
    "the uploads folder is no bucket",
  );
});

test("close() frees the port and existing objects survive a restart on the same folder", async () => {
  const other = await startLocalS3({ directory, buckets: ["data"] });
  const port = other.port;
  await other.close();
  await new Promise<void>((resolve, reject) => {
    const probe = createServer().once("error", reject);
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
  const again = await startLocalS3({ directory, buckets: ["data"] });
  const againClient = new S3Client(again.clientConfig);
  try {
    const head = await againClient.send(new HeadObjectCommand({ Bucket: "data", Key: "range.bin" }));
    assert.equal(head.ContentLength, 1000);
  } finally {
    againClient.destroy();
    await again.close();
  }
});
