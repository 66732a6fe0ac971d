import type crypto from "node:crypto";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { s3RequestGuard } from "./s3-guard.ts";
import { ConfinedStore, UPLOADS_FOLDER } from "./s3-store.ts";
import type { Credentials } from "./sigv4.ts";

export const LOCAL_REGION = "us-east-1";

/** A fresh random key pair: 20-character access key id, 40-character secret, as AWS's look. */
export function randomCredentials(): Credentials {
  return {
    accessKeyId: `QSL${randomBytes(17).toString("hex").toUpperCase()}`.slice(0, 20),
    secretAccessKey: randomBytes(30).toString("base64url"),
  };
}

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
  /** The only key pair whose SigV4 signatures are accepted; default: a random one. */
  credentials?: Credentials;
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
    credentials: Credentials;
  };
  credentials: Credentials;
  /** Environment variables that point any AWS SDK (JS v3, boto3) at this server, no code change. */
  environment: Record<string, string>;
  /** Stops listening and closes open connections; resolves when the port is free again. */
  close(): Promise<void>;
}

interface S3rverInstance {
  middleware: unknown[];
  store: unknown;
  context: { store: unknown };
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: "event", listener: (event: { Records: S3NotificationRecord[] }) => void): void;
  httpServer?: { closeAllConnections?: () => void };
}

type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

interface S3rverAccount {
  createKeyPair(accessKeyId: string, secretAccessKey: string): void;
  revokeAccessKey(accessKeyId: string): void;
}

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
 * s3rver's own authentication middleware looks the access key up in its process-wide account
 * registry (and checks nothing more); servers in one process may share a key pair.
 */
const keyUsers = new Map<string, number>();
const s3rverAccount = () =>
  (require("s3rver/lib/models/account") as { DUMMY_ACCOUNT: S3rverAccount }).DUMMY_ACCOUNT;

function registerKey({ accessKeyId, secretAccessKey }: Credentials): void {
  keyUsers.set(accessKeyId, (keyUsers.get(accessKeyId) ?? 0) + 1);
  s3rverAccount().createKeyPair(accessKeyId, secretAccessKey);
}

function unregisterKey({ accessKeyId }: Credentials): void {
  const users = (keyUsers.get(accessKeyId) ?? 1) - 1;
  if (users > 0) return void keyUsers.set(accessKeyId, users);
  keyUsers.delete(accessKeyId);
  if (accessKeyId !== "S3RVER") s3rverAccount().revokeAccessKey(accessKeyId);
}

/**
 * Starts an S3-compatible server (s3rver) on 127.0.0.1 that keeps its objects under a folder,
 * creating the given buckets. Only requests signed (SigV4) with `credentials`, addressed to
 * 127.0.0.1/localhost and not sent by a web page of another origin are served (s3-guard.ts);
 * keys stay inside their bucket's folder and objects are written whole or not at all
 * (s3-store.ts). Use `close()` to stop it; the port is free when it resolves.
 */
export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3> {
  redirectSingleDesToTripleDes();
  const directory = resolve(options.directory ?? ".quakeslide/s3");
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  // Uploads interrupted by a crash are incomplete by definition.
  rmSync(join(directory, UPLOADS_FOLDER), { recursive: true, force: true });
  const credentials = options.credentials ?? randomCredentials();
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
  server.store = server.context.store = new ConfinedStore(directory);
  server.middleware.unshift(s3RequestGuard(credentials)); // before s3rver's routes and its lax auth
  registerKey(credentials);
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
    clientConfig: { endpoint, region: LOCAL_REGION, forcePathStyle: true, credentials },
    credentials,
    environment: {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION, // what boto3 reads
    },
    async close() {
      // Keep-alive sockets from SDK clients would hold `close()` open until they time out.
      const closing = server.close();
      server.httpServer?.closeAllConnections?.();
      await closing;
      unregisterKey(credentials);
    },
  };
}
