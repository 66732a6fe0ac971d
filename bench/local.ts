// The embedded runtime's costs, each against a reference measured in the same run:
// - start-up of the runtime (S3 server, API, interpreter) for a small CDK app, against the bare
//   s3rver start it wraps;
// - S3 PUT/GET of a 64 MiB object over HTTP, against copying the same bytes on the same disk;
// - a Distributed Map of 200 items through an in-process Lambda, against calling the handler
//   200 times directly (what the interpreter, history and S3 item reader add per item);
// - 200 HEAD requests through the runtime's S3 (Host/Origin checks, SigV4 verification), against
//   the same requests to a bare s3rver (which checks no signature).
// The start-up time is printed here rather than asserted in a test (it depends on the machine's
// load; the integration tests once required under 3 s).
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { EmbeddedRuntime } from "../local/runtime.ts";
import { startLocalS3 } from "../local/s3-server.ts";
import { synthesizeTemplates } from "../local/templates.ts";
import { createFixtureApp } from "../test/integration/fixtures/app.ts";
import { handler as echo } from "../test/integration/fixtures/functions/echo/handler.ts";

const projectRoot = join(import.meta.dirname, "..", "test", "integration", "fixtures");

async function seconds<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await work();
  return [(performance.now() - started) / 1000, result];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function report(what: string, ours: number, reference: number, referenceName: string): void {
  console.log(
    `${what.padEnd(34)} ${ours.toFixed(3)} s   ${referenceName}: ${reference.toFixed(3)} s   ratio ${(ours / reference).toFixed(2)}`,
  );
}

export async function run(_args: string[]): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), "quakeslide-bench-local-"));
  try {
    const templates = synthesizeTemplates(createFixtureApp());
    const starts: number[] = [];
    const bareStarts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [startSeconds, runtime] = await seconds(() =>
        EmbeddedRuntime.start({ projectRoot, templates, stateDir: join(scratch, `start-${i}`) }),
      );
      starts.push(startSeconds);
      await runtime.stop();
      const [bareSeconds, s3] = await seconds(() => startLocalS3({ directory: join(scratch, `bare-${i}`) }));
      bareStarts.push(bareSeconds);
      await s3.close();
    }
    report("runtime start (median of 5)", median(starts), median(bareStarts), "bare s3rver start");
    console.log(
      `runtime start: median ${median(starts).toFixed(3)} s, slowest ${Math.max(...starts).toFixed(3)} s`,
    );

    const runtime = await EmbeddedRuntime.start({ projectRoot, templates, stateDir: join(scratch, "state") });
    try {
      const body = Buffer.alloc(64 * 1024 * 1024, 7);
      const bucket = runtime.bucketName("DataBucket");
      const putAndGet = (client: S3Client, bucketName: string) =>
        seconds(async () => {
          await client.send(new PutObjectCommand({ Bucket: bucketName, Key: "bench/64mib.bin", Body: body }));
          const object = await client.send(
            new GetObjectCommand({ Bucket: bucketName, Key: "bench/64mib.bin" }),
          );
          await object.Body!.transformToByteArray();
        });
      const [s3Seconds] = await putAndGet(runtime.s3Client, bucket);
      const source = join(scratch, "64mib.bin");
      writeFileSync(source, body);
      const [diskSeconds] = await seconds(async () => {
        copyFileSync(source, join(scratch, "copy-1.bin"));
        copyFileSync(join(scratch, "copy-1.bin"), join(scratch, "copy-2.bin"));
      });
      report("S3 PUT + GET 64 MiB", s3Seconds, diskSeconds, "two disk copies");

      const items = Array.from({ length: 200 }, (_, n) => ({ n }));
      await runtime.s3Client.send(
        new PutObjectCommand({ Bucket: bucket, Key: "campaign/items.json", Body: JSON.stringify(items) }),
      );
      const machine = runtime.model.stateMachines.find((m) => m.name === "fixture-campaign")!;
      const [mapSeconds, record] = await seconds(() =>
        runtime.executor.wait(runtime.executor.start(machine, {}).executionId),
      );
      if (record.status !== "SUCCEEDED")
        throw new Error(`campaign ${record.status}: ${JSON.stringify(record.failure)}`);
      const [directSeconds] = await seconds(async () => {
        for (const item of items) await echo(item);
      });
      report(
        "Distributed Map, 200 Lambda items",
        mapSeconds,
        Math.max(directSeconds, 1e-3),
        "200 direct calls",
      );

      const heads = (client: S3Client, bucketName: string) =>
        seconds(async () => {
          for (let i = 0; i < 200; i++) {
            await client.send(new HeadObjectCommand({ Bucket: bucketName, Key: "campaign/items.json" }));
          }
        });
      const bare = await bareS3rver(join(scratch, "bare-guard"));
      try {
        await bare.client.send(
          new PutObjectCommand({ Bucket: "data", Key: "campaign/items.json", Body: "[]" }),
        );
        const guarded: number[] = [];
        const unguarded: number[] = [];
        for (let i = 0; i < 3; i++) {
          guarded.push((await heads(runtime.s3Client, bucket))[0]);
          unguarded.push((await heads(bare.client, "data"))[0]);
        }
        report("200 signed HEADs (median of 3)", median(guarded), median(unguarded), "bare s3rver");
        const [bareSeconds] = await putAndGet(bare.client, "data");
        const [againSeconds] = await putAndGet(runtime.s3Client, bucket);
        report("S3 PUT + GET 64 MiB, again", againSeconds, bareSeconds, "bare s3rver");
      } finally {
        bare.client.destroy();
        await bare.server.close();
      }
    } finally {
      await runtime.stop();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** s3rver as it comes (no request guard, no confined store), with its public S3RVER key pair. */
async function bareS3rver(directory: string) {
  const S3rver = createRequire(import.meta.url)("s3rver") as new (
    options: Record<string, unknown>,
  ) => { run(): Promise<{ port: number }>; close(): Promise<void> };
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: [{ name: "data" }],
  });
  const { port } = await server.run();
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  return { server, client };
}
