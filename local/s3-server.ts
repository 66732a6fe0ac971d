import type crypto from "node:crypto";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";

/** s3rver accepts any request signed with this key pair (and only this one). */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;
export const LOCAL_REGION = "us-east-1";

/** One S3 notification record as s3rver emits it (the same shape S3 sends to Lambda/EventBridge). */
export interface S3NotificationRecord {
  eventName: string; // "ObjectCreated:Put", "ObjectCreated:Post", "ObjectCreated:Copy", "ObjectRemoved:Delete"
  eventTime: string;
  s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string; sequencer: string } };
}

export interface LocalS3Options {
  /** Folder that holds the buckets' objects (created when missing). Default `.quakeslide/s3`. */
  directory?: string;
  /** TCP port; 0 (default) takes a free one. */
  port?: number;
  /** Buckets to create when missing; existing buckets and their objects are kept. */
  buckets?: string[];
  /** Called for every object created or deleted through the HTTP API. */
  onObjectEvent?: (record: S3NotificationRecord) => void;
}

export interface LocalS3 {
  /** `http://127.0.0.1:PORT`: an IP, not `localhost`, so the AWS SDK keeps path-style addressing. */
  endpoint: string;
  port: number;
  directory: string;
  /** Settings for `new S3Client(...)` from @aws-sdk/client-s3. */
  clientConfig: {
    endpoint: string;
    region: string;
    forcePathStyle: true;
    credentials: typeof LOCAL_S3_CREDENTIALS;
  };
  /** Environment variables that point any AWS SDK (JS v3, boto3) at this server, no code change. */
  environment: Record<string, string>;
  /** Stops listening and closes open connections; resolves when the port is free again. */
  close(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: "event", listener: (event: { Records: S3NotificationRecord[] }) => void): void;
  httpServer?: { closeAllConnections?: () => void };
}

type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

const require = createRequire(import.meta.url);

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with single DES ("des", i.e. DES-CBC), which
 * OpenSSL 3 only offers in its legacy provider, so paging past 1,000 keys answers 500 on Node 20.
 * Three-key DES with K1 = K2 = K3 is mathematically single DES and is in the default provider,
 * so we redirect exactly those calls (which would throw otherwise); every other algorithm is
 * passed through untouched. Tokens stay opaque strings, as on S3.
 */
function redirectSingleDesToTripleDes(): void {
  // s3rver reaches crypto through require(), so patch the CommonJS module object it gets.
  const cjsCrypto = require("node:crypto") as typeof crypto & { __quakeslideDesPatch?: boolean };
  if (cjsCrypto.__quakeslideDesPatch) return;
  cjsCrypto.__quakeslideDesPatch = true;
  const toTripleDes = (algorithm: string, key: crypto.CipherKey): [string, crypto.CipherKey] =>
    algorithm.toLowerCase() === "des" && Buffer.isBuffer(key) && key.length === 8
      ? ["des-ede3-cbc", Buffer.concat([key, key, key])]
      : [algorithm, key];
  const { createCipheriv, createDecipheriv } = cjsCrypto;
  cjsCrypto.createCipheriv = ((algorithm: string, key: crypto.CipherKey, ...rest: unknown[]) =>
    (createCipheriv as (...args: unknown[]) => crypto.Cipher)(
      ...toTripleDes(algorithm, key),
      ...rest,
    )) as typeof crypto.createCipheriv;
  cjsCrypto.createDecipheriv = ((algorithm: string, key: crypto.CipherKey, ...rest: unknown[]) =>
    (createDecipheriv as (...args: unknown[]) => crypto.Decipher)(
      ...toTripleDes(algorithm, key),
      ...rest,
    )) as typeof crypto.createDecipheriv;
}

/**
 * Starts an S3-compatible server (s3rver) on 127.0.0.1 that keeps its objects under a folder,
 * creating the given buckets. Use `close()` to stop it; the port is free when it resolves.
 */
export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3> {
  redirectSingleDesToTripleDes();
  const directory = resolve(options.directory ?? ".quakeslide/s3");
  mkdirSync(directory, { recursive: true });
  const S3rver = require("s3rver") as S3rverConstructor;
  const server = new S3rver({
    address: "127.0.0.1",
    port: options.port ?? 0,
    directory,
    silent: true,
    // Virtual-host buckets would take any "<bucket>.127.0.0.1" host; the SDK sends path style.
    vhostBuckets: false,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  const onObjectEvent = options.onObjectEvent;
  if (onObjectEvent) {
    server.on("event", (event) => {
      for (const record of event.Records) onObjectEvent(record);
    });
  }
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    port: address.port,
    directory,
    clientConfig: { endpoint, region: LOCAL_REGION, forcePathStyle: true, credentials: LOCAL_S3_CREDENTIALS },
    environment: {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION, // what boto3 reads
    },
    async close() {
      // Keep-alive sockets from SDK clients would hold `close()` open until they time out.
      const closing = server.close();
      server.httpServer?.closeAllConnections?.();
      await closing;
    },
  };
}
