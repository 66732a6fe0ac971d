import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, isAbsolute, join, relative } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

const require = createRequire(import.meta.url);

interface S3ErrorConstructor {
  new (code: string, message: string, detail?: Record<string, unknown>): Error & { status: number };
}
/** s3rver's error, which its Koa error handler renders as S3's XML error document. */
export const S3Error = require("s3rver/lib/models/error") as S3ErrorConstructor;

interface StoredObject {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, unknown>;
}

interface FilesystemStoreBase {
  rootDirectory: string;
  getBucketPath(bucket: string): string;
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, unknown>, md5?: string): Promise<void>;
  listBuckets(): Promise<unknown[]>;
  getBucket(bucket: string): Promise<unknown>;
}
type FilesystemStoreClass = new (rootDirectory: string) => FilesystemStoreBase;
const FilesystemStore = require("s3rver/lib/stores/filesystem") as FilesystemStoreClass;

/**
 * The SHA-256 (hex) a request's x-amz-content-sha256 promised for its body, set by the request
 * guard once the signature is verified; the store checks the body against it as it writes.
 */
export const signedPayloadHashes = new WeakMap<object, string>();

/** The folder, inside the store's root, where uploads are written before they are renamed in. */
export const UPLOADS_FOLDER = ".uploads";

/**
 * s3rver's file-system store with three guarantees it lacks:
 * - every path it opens stays inside its bucket's folder (a key or bucket name that would leave
 *   it is refused, even if the request guard missed it);
 * - an object or part is written to a temporary file and renamed into place when complete, so a
 *   failed upload, a refused body or a killed runtime never leaves half an object;
 * - a body whose SHA-256 differs from the signed x-amz-content-sha256 is refused and not stored.
 */
export class ConfinedStore extends FilesystemStore {
  constructor(rootDirectory: string) {
    super(rootDirectory);
  }

  override getBucketPath(bucket: string): string {
    const path = super.getBucketPath(bucket);
    if (dirname(path) !== this.rootDirectory || basename(path) !== bucket || bucket.startsWith(".")) {
      throw new S3Error("InvalidBucketName", "The specified bucket is not valid.", { BucketName: bucket });
    }
    return path;
  }

  override getResourcePath(bucket: string, key: string | undefined, resource: string): string {
    const path = super.getResourcePath(bucket, key, resource);
    const inside = relative(this.getBucketPath(bucket), path);
    if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) {
      throw new S3Error("InvalidArgument", "The object key leaves its bucket.", { Key: key ?? "" });
    }
    return path;
  }

  /** Folders that are not buckets (the uploads folder) are not listed as buckets. */
  override async listBuckets() {
    const names = (await readdir(this.rootDirectory)).filter((name) => !name.startsWith("."));
    const buckets = await Promise.all(names.map((name) => this.getBucket(name)));
    return buckets.filter((bucket) => bucket !== null);
  }

  async putObject(object: StoredObject): Promise<{ size: number; md5: string }> {
    const objectPath = this.getResourcePath(object.bucket, object.key, "object");
    const written = await this.writeComplete(object.content, objectPath);
    await this.putMetadata(object.bucket, object.key, withoutChunkedEncoding(object.metadata), written.md5);
    return written;
  }

  async putPart(bucket: string, uploadId: string, partNumber: string, content: Readable) {
    if (!/^[0-9a-f]{32}$/.test(uploadId) || !/^[1-9][0-9]{0,4}$/.test(String(partNumber))) {
      throw new S3Error("InvalidArgument", "uploadId or partNumber is not valid.");
    }
    const partPath = join(this.getResourcePath(bucket, undefined, "uploads"), uploadId, String(partNumber));
    const written = await this.writeComplete(content, partPath);
    await writeFile(`${partPath}.md5`, written.md5);
    return written;
  }

  /** Writes the content to a temporary file, checks it, then renames it to `path`. */
  private async writeComplete(content: Buffer | Readable, path: string) {
    const temporary = join(this.rootDirectory, UPLOADS_FOLDER, randomUUID());
    await mkdir(dirname(temporary), { recursive: true });
    const md5 = createHash("md5");
    const sha256 = createHash("sha256");
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        sha256.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    const source = Buffer.isBuffer(content) ? Readable.from([content]) : content;
    try {
      if (isAwsChunked(content))
        await pipeline(source, new AwsChunkedDecoder(), measure, createWriteStream(temporary));
      else await pipeline(source, measure, createWriteStream(temporary));
      const promised = Buffer.isBuffer(content) ? undefined : signedPayloadHashes.get(content);
      if (promised !== undefined && promised !== sha256.digest("hex")) {
        throw Object.assign(
          new S3Error(
            "XAmzContentSHA256Mismatch",
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
          ),
          { status: 400 },
        );
      }
      await mkdir(dirname(path), { recursive: true });
      await rename(temporary, path);
    } finally {
      await rm(temporary, { force: true });
    }
    return { size, md5: md5.digest("hex") };
  }
}

/** A body the SDKs send in aws-chunked framing (streamed uploads with a trailing checksum). */
function isAwsChunked(content: unknown): boolean {
  const encoding = (content as { headers?: Record<string, unknown> }).headers?.["content-encoding"];
  return typeof encoding === "string" && encoding.split(",").some((e) => e.trim() === "aws-chunked");
}

/** S3 stores the object without its transfer framing, and without `aws-chunked` in its encoding. */
function withoutChunkedEncoding(metadata: Record<string, unknown>): Record<string, unknown> {
  const encoding = metadata["content-encoding"];
  if (typeof encoding !== "string") return metadata;
  const kept = encoding
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "aws-chunked");
  const { "content-encoding": _, ...rest } = metadata;
  return kept.length > 0 ? { ...rest, "content-encoding": kept.join(",") } : rest;
}

/**
 * Removes aws-chunked framing: `<hex size>[;chunk-signature=...]\r\n<bytes>\r\n` repeated, then
 * a zero-size chunk and optional trailers (checksums). s3rver would store the framing verbatim.
 * Chunk signatures are not checked: the request's own signature was.
 */
export class AwsChunkedDecoder extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private state: "size" | "data" | "crlf" | "trailer" = "size";

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void) {
    this.pending = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    try {
      this.consume();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: (error?: Error | null) => void) {
    callback(
      this.state === "trailer" ? null : new S3Error("IncompleteBody", "The aws-chunked body ended early."),
    );
  }

  private consume(): void {
    while (this.pending.length > 0 && this.state !== "trailer") {
      if (this.state === "data") {
        const take = Math.min(this.remaining, this.pending.length);
        this.push(this.pending.subarray(0, take));
        this.pending = this.pending.subarray(take);
        this.remaining -= take;
        if (this.remaining === 0) this.state = "crlf";
        continue;
      }
      const end = this.pending.indexOf("\r\n");
      if (end < 0) {
        if (this.pending.length > 4096)
          throw new S3Error("InvalidRequest", "aws-chunked framing is not valid.");
        return;
      }
      const line = this.pending.subarray(0, end).toString("latin1");
      this.pending = this.pending.subarray(end + 2);
      if (this.state === "crlf") {
        if (line !== "") throw new S3Error("InvalidRequest", "aws-chunked framing is not valid.");
        this.state = "size";
        continue;
      }
      const size = line.split(";")[0];
      if (!/^[0-9a-fA-F]{1,16}$/.test(size))
        throw new S3Error("InvalidRequest", "aws-chunked framing is not valid.");
      this.remaining = Number.parseInt(size, 16);
      this.state = this.remaining === 0 ? "trailer" : "data";
    }
  }
}
