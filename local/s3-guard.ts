import type { IncomingMessage } from "node:http";
import { checkHostAndOrigin, type GuardProblem, signedRequestOf } from "./request-guard.ts";
import { S3Error, signedPayloadHashes } from "./s3-store.ts";
import { type Credentials, verifySignature } from "./sigv4.ts";

/** The S3 error code (and so the status: 403, or 400 for a malformed signature) of each refusal. */
const S3_ERROR_CODES: Record<GuardProblem, string> = {
  host: "AccessDenied",
  origin: "AccessDenied",
  missing: "AccessDenied",
  malformed: "AuthorizationHeaderMalformed",
  "unknown-key": "InvalidAccessKeyId",
  expired: "RequestTimeTooSkewed",
  mismatch: "SignatureDoesNotMatch",
  "payload-mismatch": "XAmzContentSHA256Mismatch",
};

/** S3's naming rules for buckets (3 to 63 lower-case letters, digits, dots, hyphens). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

interface KoaContext {
  req: IncomingMessage;
}

/**
 * A Koa middleware that runs before s3rver's own: Host, Origin and the SigV4 signature (s3rver
 * accepts unsigned requests and does not check V4 signatures), then the bucket name, the key,
 * the copy source and the multipart upload id, none of which may name a path outside the
 * bucket's folder. A refusal is thrown as an S3 error, which s3rver renders as S3's XML.
 */
export function s3RequestGuard(credentials: Credentials) {
  return async (ctx: KoaContext, next: () => Promise<unknown>) => {
    const request = ctx.req;
    const refusal =
      checkHostAndOrigin(request.headers, request.socket.localPort ?? 0) ?? checkSigned(request, credentials);
    if (refusal) {
      const error = new S3Error(S3_ERROR_CODES[refusal.problem], refusal.message);
      if (refusal.problem === "payload-mismatch") error.status = 400;
      throw error;
    }
    const unsafe = unsafePathProblem(request);
    if (unsafe) throw new S3Error("InvalidArgument", unsafe);
    await next();
  };
}

function checkSigned(request: IncomingMessage, credentials: Credentials) {
  const verdict = verifySignature(signedRequestOf(request), { credentials, service: "s3", now: new Date() });
  if (!verdict.ok) return verdict;
  // The body is checked against the signed hash as the store writes it (s3-store.ts).
  if (/^[0-9a-f]{64}$/.test(verdict.payloadHash)) signedPayloadHashes.set(request, verdict.payloadHash);
  return undefined;
}

/** Why the request's bucket, key, copy source or upload id would reach outside the store; or undefined. */
export function unsafePathProblem(request: IncomingMessage): string | undefined {
  const url = new URL(request.url ?? "/", "http://local");
  const rawPath = (request.url ?? "/").split("?")[0];
  const [rawBucket = "", ...rawKey] = rawPath.split("/").slice(1);
  try {
    const problem = unsafeObjectName(decodeURIComponent(rawBucket), decodeURIComponent(rawKey.join("/")));
    if (problem) return problem;
    const copySource = request.headers["x-amz-copy-source"];
    if (typeof copySource === "string") {
      // s3rver reads the header with decodeURI; a client may mean decodeURIComponent: check both.
      for (const decoded of [decodeURI(copySource), decodeURIComponent(copySource)]) {
        const [bucket = "", ...key] = decoded.replace(/^\//, "").split("?")[0].split("/");
        const copyProblem = unsafeObjectName(bucket, key.join("/"));
        if (copyProblem) return `x-amz-copy-source: ${copyProblem}`;
      }
    }
  } catch {
    return "the path or x-amz-copy-source is not valid percent-encoding";
  }
  const uploadId = url.searchParams.get("uploadId");
  if (uploadId !== null && !/^[0-9a-f]{32}$/.test(uploadId)) return `uploadId ${uploadId} is not valid`;
  const partNumber = url.searchParams.get("partNumber");
  if (partNumber !== null && !/^[1-9][0-9]{0,4}$/.test(partNumber)) {
    return `partNumber ${partNumber} is not 1 to 10000`;
  }
  return undefined;
}

function unsafeObjectName(bucket: string, key: string): string | undefined {
  if (bucket !== "" && (!BUCKET_NAME.test(bucket) || bucket.includes(".."))) {
    return `bucket name ${JSON.stringify(bucket)} is not valid`;
  }
  if (key.includes("\0")) return "object keys may not contain NUL characters";
  if (key.split("/").some((segment) => segment === "." || segment === "..")) {
    return `object key ${JSON.stringify(key)} has a "." or ".." segment, which the embedded runtime does not store (it would name a path outside the bucket)`;
  }
  return undefined;
}
