import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * AWS Signature Version 4 as S3, Step Functions and Lambda check it, for the embedded runtime's
 * endpoints: verification of the Authorization header form (what the SDKs, boto3 and GDAL send)
 * and of presigned URLs (X-Amz-* query parameters), and signing for the few requests the client
 * makes without an SDK. Pure: no I/O, the clock is given. Checked against AWS's published
 * examples (test/unit/local/sigv4.test.ts) and the real clients (integration tests).
 */

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A request as it arrived on the wire. */
export interface SignedRequest {
  method: string;
  /** The request target exactly as sent: raw path and query (Node's `request.url`). */
  target: string;
  /** Header values by lower-case name, every occurrence (Node's `request.headersDistinct`). */
  headers: Record<string, string[] | undefined>;
  /** SHA-256 (hex) of the body, when the server has read it whole (the JSON APIs). */
  bodySha256?: string;
}

export interface VerifyOptions {
  credentials: Credentials;
  /** S3 signs the path as sent; every other service signs it URI-encoded a second time. */
  service: "s3" | "other";
  now: Date;
}

export type SignatureProblem =
  | "missing" // no signature at all: an anonymous request
  | "malformed" // a signature that cannot be read
  | "unknown-key" // signed with another access key
  | "expired" // outside the allowed clock skew, or a presigned URL past its expiry
  | "mismatch" // the signature is not what the key gives for this request
  | "payload-mismatch"; // the body is not what the signed x-amz-content-sha256 promised

export type Verdict =
  | { ok: true; payloadHash: string }
  | { ok: false; problem: SignatureProblem; message: string };

const ALGORITHM = "AWS4-HMAC-SHA256";
const MAX_SKEW_MS = 15 * 60 * 1000; // AWS's limit for header signatures
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
const EMPTY_SHA256 = createHash("sha256").digest("hex");
/** x-amz-content-sha256 values other than a hex digest that S3 accepts (the body is not hashed). */
const UNHASHED_PAYLOADS = new Set([
  "UNSIGNED-PAYLOAD",
  "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
  "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
  "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
]);

interface Authorization {
  accessKeyId: string;
  scope: { date: string; region: string; service: string };
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  /** The query without X-Amz-Signature (presigned), or the whole query. */
  queryPairs: [string, string][];
  payloadHash: string;
}

const refuse = (problem: SignatureProblem, message: string): Verdict => ({ ok: false, problem, message });

/** Checks the request's signature against the key pair; the verdict says why it failed. */
export function verifySignature(request: SignedRequest, options: VerifyOptions): Verdict {
  const [rawPath, rawQuery = ""] = splitTarget(request.target);
  let queryPairs: [string, string][];
  try {
    queryPairs = parseQuery(rawQuery);
  } catch {
    return refuse("malformed", "the query string is not valid percent-encoding");
  }
  const header = single(request.headers.authorization);
  const presigned = queryPairs.some(([name]) => name === "X-Amz-Algorithm");
  if (header !== undefined && presigned) {
    return refuse("malformed", "only one auth mechanism allowed: the Authorization header or X-Amz-* query");
  }
  const parsed = presigned
    ? readPresigned(queryPairs, options)
    : header !== undefined
      ? readHeader(header, request, queryPairs, options)
      : refuse("missing", "the request is not signed (no Authorization header or X-Amz-Signature)");
  if ("ok" in parsed) return parsed;
  const { accessKeyId, scope, signedHeaders, amzDate } = parsed;
  if (accessKeyId !== options.credentials.accessKeyId) {
    return refuse("unknown-key", `the access key ${accessKeyId} is not this runtime's`);
  }
  if (scope.date !== amzDate.slice(0, 8)) {
    return refuse("malformed", `the credential scope's date ${scope.date} is not the request's ${amzDate}`);
  }
  if (!signedHeaders.includes("host")) return refuse("malformed", "the Host header must be signed");
  const headerValues: Record<string, string[]> = {};
  for (const name of signedHeaders) {
    const values = request.headers[name];
    if (values === undefined) return refuse("mismatch", `the signed header ${name} is not in the request`);
    headerValues[name] = values;
  }
  const expected = Buffer.from(
    signature(options.credentials.secretAccessKey, scope, amzDate, {
      method: request.method,
      rawPath: rawPath,
      queryPairs: parsed.queryPairs,
      headers: headerValues,
      payloadHash: parsed.payloadHash,
      service: options.service,
    }),
  );
  const given = Buffer.from(parsed.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return refuse(
      "mismatch",
      "the request signature we calculated does not match the signature you provided; check your key and signing method",
    );
  }
  return { ok: true, payloadHash: parsed.payloadHash };
}

export interface SigningOptions {
  credentials: Credentials;
  region: string;
  /** The signing name: `s3`, `states`, `lambda`. */
  service: string;
  now?: Date;
}

/**
 * Signs a request (Authorization header form) as the SDKs do: returns the headers to send
 * (host, x-amz-date, x-amz-content-sha256, authorization). The URL's path and query are signed
 * exactly as written, as they will be sent.
 */
export function signRequest(
  request: { method: string; url: string; headers?: Record<string, string>; body?: string | Buffer },
  options: SigningOptions,
): Record<string, string> {
  // Split by hand: URL parsing would resolve "." and ".." segments, which S3 signs as sent.
  const parts = /^[a-z]+:\/\/([^/?#]+)([^?#]*)(?:\?([^#]*))?/i.exec(request.url);
  if (!parts) throw new Error(`not an http(s) URL: ${request.url}`);
  const [, host, rawPath, rawQuery = ""] = parts;
  const amzDate = (options.now ?? new Date())
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(request.headers ?? {}).map(([n, v]) => [n.toLowerCase(), v])),
    host,
    "x-amz-date": amzDate,
    "x-amz-content-sha256": createHash("sha256")
      .update(request.body ?? "")
      .digest("hex"),
  };
  const names = Object.keys(headers).sort();
  const scope = { date: amzDate.slice(0, 8), region: options.region, service: options.service };
  const value = signature(options.credentials.secretAccessKey, scope, amzDate, {
    method: request.method,
    rawPath: rawPath || "/",
    queryPairs: parseQuery(rawQuery),
    headers: Object.fromEntries(names.map((n) => [n, [headers[n]]])),
    payloadHash: headers["x-amz-content-sha256"],
    service: options.service === "s3" ? "s3" : "other",
  });
  const credential = `${options.credentials.accessKeyId}/${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  return {
    ...headers,
    authorization: `${ALGORITHM} Credential=${credential}, SignedHeaders=${names.join(";")}, Signature=${value}`,
  };
}

interface CanonicalParts {
  method: string;
  rawPath: string;
  queryPairs: [string, string][];
  /** The signed headers (lower-case names) and their values. */
  headers: Record<string, string[]>;
  payloadHash: string;
  service: "s3" | "other";
}

/** The hex signature of a request: canonical request, string to sign, HMAC with the day's key. */
function signature(
  secret: string,
  scope: { date: string; region: string; service: string },
  amzDate: string,
  parts: CanonicalParts,
): string {
  const names = Object.keys(parts.headers);
  const canonicalHeaders = names.map(
    (name) => `${name}:${parts.headers[name].map((v) => v.trim().replace(/\s+/g, " ")).join(",")}\n`,
  );
  const canonicalRequest = [
    parts.method.toUpperCase(),
    parts.service === "s3" ? parts.rawPath || "/" : encodePathAgain(parts.rawPath),
    canonicalQuery(parts.queryPairs),
    canonicalHeaders.join(""),
    names.join(";"),
    parts.payloadHash,
  ].join("\n");
  const scopeText = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scopeText, sha256Hex(canonicalRequest)].join("\n");
  return hmac(signingKey(secret, scope.date, scope.region, scope.service), stringToSign).toString("hex");
}

/** SigV4's key of one day, region and service, derived from the secret. */
function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const dateKey = hmac(`AWS4${secret}`, date);
  return hmac(hmac(hmac(dateKey, region), service), "aws4_request");
}

function readHeader(
  header: string,
  request: SignedRequest,
  queryPairs: [string, string][],
  options: VerifyOptions,
): Authorization | Verdict {
  if (!header.startsWith(`${ALGORITHM} `)) {
    return refuse("malformed", `only ${ALGORITHM} signatures are accepted (Signature Version 4)`);
  }
  const fields = new Map(
    header
      .slice(ALGORITHM.length + 1)
      .split(",")
      .map((part) => part.trim().split("=") as [string, ...string[]])
      .map(([name, ...value]) => [name, value.join("=")]),
  );
  const credential = fields.get("Credential");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!credential || !signedHeaders || !signature) {
    return refuse("malformed", "the Authorization header needs Credential, SignedHeaders and Signature");
  }
  const amzDate = single(request.headers["x-amz-date"]);
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    return refuse("malformed", "a signed request needs an X-Amz-Date header (yyyyMMddTHHmmssZ)");
  }
  const skew = Math.abs(options.now.getTime() - parseAmzDate(amzDate));
  if (!(skew <= MAX_SKEW_MS)) {
    return refuse("expired", `the request time ${amzDate} is more than 15 minutes from the runtime's clock`);
  }
  const payloadHash = payloadHashOf(request, options);
  if (typeof payloadHash !== "string") return payloadHash;
  const scope = readScope(credential);
  if (!scope)
    return refuse("malformed", `the credential ${credential} is not KEY/DATE/REGION/SERVICE/aws4_request`);
  return {
    accessKeyId: scope.accessKeyId,
    scope,
    signedHeaders: signedHeaders.split(";"),
    signature,
    amzDate,
    queryPairs,
    payloadHash,
  };
}

function readPresigned(queryPairs: [string, string][], options: VerifyOptions): Authorization | Verdict {
  const value = (name: string) => queryPairs.find(([n]) => n === name)?.[1];
  if (value("X-Amz-Algorithm") !== ALGORITHM) {
    return refuse("malformed", `X-Amz-Algorithm must be ${ALGORITHM}`);
  }
  const credential = value("X-Amz-Credential");
  const amzDate = value("X-Amz-Date");
  const expires = Number(value("X-Amz-Expires"));
  const signedHeaders = value("X-Amz-SignedHeaders");
  const signature = value("X-Amz-Signature");
  if (!credential || !amzDate || !signedHeaders || !signature || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    return refuse(
      "malformed",
      "a presigned URL needs X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature",
    );
  }
  if (!Number.isInteger(expires) || expires < 0 || expires > MAX_PRESIGN_SECONDS) {
    return refuse("malformed", "X-Amz-Expires must be a whole number of seconds up to 604800 (a week)");
  }
  const signedAt = parseAmzDate(amzDate);
  const now = options.now.getTime();
  if (!(now <= signedAt + expires * 1000) || signedAt - now > MAX_SKEW_MS) {
    return refuse("expired", `the presigned URL signed at ${amzDate} for ${expires} s has expired`);
  }
  const scope = readScope(credential);
  if (!scope)
    return refuse("malformed", `the credential ${credential} is not KEY/DATE/REGION/SERVICE/aws4_request`);
  return {
    accessKeyId: scope.accessKeyId,
    scope,
    signedHeaders: signedHeaders.split(";"),
    signature,
    amzDate,
    queryPairs: queryPairs.filter(([name]) => name !== "X-Amz-Signature"),
    payloadHash:
      value("X-Amz-Content-Sha256") ?? (options.service === "s3" ? "UNSIGNED-PAYLOAD" : EMPTY_SHA256),
  };
}

/**
 * The payload hash the client signed: S3 requires it in x-amz-content-sha256 (a hex digest or
 * one of the unhashed forms); other services may send it or leave it to the body's own hash.
 * A hex digest that differs from the body the server read is refused.
 */
function payloadHashOf(request: SignedRequest, options: VerifyOptions): string | Verdict {
  const declared = single(request.headers["x-amz-content-sha256"]);
  if (declared === undefined) {
    if (options.service === "s3")
      return refuse("malformed", "S3 requests need an x-amz-content-sha256 header");
    return request.bodySha256 ?? EMPTY_SHA256;
  }
  if (UNHASHED_PAYLOADS.has(declared)) return declared;
  if (!/^[0-9a-f]{64}$/.test(declared)) {
    return refuse("malformed", "x-amz-content-sha256 must be a SHA-256 hex digest or UNSIGNED-PAYLOAD");
  }
  if (request.bodySha256 !== undefined && request.bodySha256 !== declared) {
    return refuse("payload-mismatch", "the body's SHA-256 is not the x-amz-content-sha256 that was signed");
  }
  return declared;
}

function readScope(credential: string) {
  const [accessKeyId, date, region, service, terminator, ...rest] = credential.split("/");
  if (!accessKeyId || !/^\d{8}$/.test(date ?? "") || !region || !service) return undefined;
  if (terminator !== "aws4_request" || rest.length > 0) return undefined;
  return { accessKeyId, date, region, service };
}

function splitTarget(target: string): [string, string?] {
  const at = target.indexOf("?");
  return at < 0 ? [target] : [target.slice(0, at), target.slice(at + 1)];
}

function parseQuery(raw: string): [string, string][] {
  return raw
    .split("&")
    .filter((part) => part !== "")
    .map((part) => {
      const at = part.indexOf("=");
      const [name, value] = at < 0 ? [part, ""] : [part.slice(0, at), part.slice(at + 1)];
      return [decodeURIComponent(name), decodeURIComponent(value)];
    });
}

/** Names and values encoded (RFC 3986), sorted by name then value, `&`-joined. */
function canonicalQuery(pairs: [string, string][]): string {
  return pairs
    .map(([name, value]) => [encodeRfc3986(name), encodeRfc3986(value)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

/**
 * Services other than S3 sign the normalized path (no empty, `.` or `..` segments) with each
 * segment URI-encoded twice: the client encodes it once on the wire, so the segments as
 * received are encoded once more (`%` becomes `%25`).
 */
function encodePathAgain(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(encodeRfc3986(segment));
  }
  const trailing = segments.length > 0 && rawPath.endsWith("/") ? "/" : "";
  return `/${segments.join("/")}${trailing}`;
}

/** Percent-encodes everything but the RFC 3986 unreserved characters (A-Z a-z 0-9 - _ . ~). */
export function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function parseAmzDate(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : Number.NaN;
}

function single(values: string[] | undefined): string | undefined {
  return values?.length ? values.join(",") : undefined;
}

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac("sha256", key).update(text, "utf8").digest();
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
