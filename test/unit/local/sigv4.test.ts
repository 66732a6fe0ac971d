import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type SignedRequest,
  signRequest,
  type VerifyOptions,
  verifySignature,
} from "../../../local/sigv4.ts";

// The published examples of Signature Version 4: AWS's SigV4 test suite (get-vanilla,
// post-vanilla: key AKIDEXAMPLE, service "service") and the S3 API reference's examples
// ("Signature Calculations for the Authorization Header" and "Authenticating Requests: Using
// Query Parameters", key AKIAIOSFODNN7EXAMPLE). A verifier that accepts each published signature
// and refuses each one-character change to the request computes the same canonical request.

const EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const SUITE: VerifyOptions = {
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
  service: "other",
  now: new Date("2015-08-30T12:36:00Z"),
};
const S3: VerifyOptions = {
  credentials: {
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  },
  service: "s3",
  now: new Date("2013-05-24T00:00:00Z"),
};
const S3_HOST = "examplebucket.s3.amazonaws.com";

function request(
  method: string,
  target: string,
  headers: Record<string, string>,
  auth?: string,
): SignedRequest {
  const all: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) all[name] = [value];
  if (auth) all.authorization = [auth];
  return { method, target, headers: all };
}

function s3Auth(signedHeaders: string, signature: string): string {
  return `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

const getVanilla = (method: string, signature: string) =>
  request(
    method,
    "/",
    { host: "example.amazonaws.com", "x-amz-date": "20150830T123600Z" },
    `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`,
  );

const s3Get = () =>
  request(
    "GET",
    "/test.txt",
    { host: S3_HOST, range: "bytes=0-9", "x-amz-content-sha256": EMPTY, "x-amz-date": "20130524T000000Z" },
    s3Auth(
      "host;range;x-amz-content-sha256;x-amz-date",
      "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    ),
  );

const s3Put = () =>
  request(
    "PUT",
    "/test%24file.text",
    {
      date: "Fri, 24 May 2013 00:00:00 GMT",
      host: S3_HOST,
      "x-amz-content-sha256": "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
      "x-amz-date": "20130524T000000Z",
      "x-amz-storage-class": "REDUCED_REDUNDANCY",
    },
    s3Auth(
      "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
      "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
    ),
  );

const s3List = (target: string, signature: string) =>
  request(
    "GET",
    target,
    { host: S3_HOST, "x-amz-content-sha256": EMPTY, "x-amz-date": "20130524T000000Z" },
    s3Auth("host;x-amz-content-sha256;x-amz-date", signature),
  );

const PRESIGNED =
  "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

test("the published SigV4 examples verify: test suite, S3 GET/PUT/list headers, presigned URL", () => {
  const cases: [string, SignedRequest, VerifyOptions][] = [
    [
      "get-vanilla",
      getVanilla("GET", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
      SUITE,
    ],
    [
      "post-vanilla",
      getVanilla("POST", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
      SUITE,
    ],
    ["S3 GET object with Range", s3Get(), S3],
    ["S3 PUT object, key with $", s3Put(), S3],
    [
      "S3 GET ?lifecycle",
      s3List("/?lifecycle", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"),
      S3,
    ],
    [
      "S3 list, query sorted",
      s3List("/?max-keys=2&prefix=J", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
      S3,
    ],
    [
      "presigned GET, within its 24 h",
      request("GET", PRESIGNED, { host: S3_HOST }),
      { ...S3, now: new Date("2013-05-24T23:00:00Z") },
    ],
  ];
  for (const [name, signed, options] of cases) {
    assert.deepEqual(verifySignature(signed, options).ok, true, name);
  }
});

test("one changed character anywhere in the request is a signature mismatch", () => {
  const variants: [string, SignedRequest][] = [];
  const put = s3Put();
  variants.push(["path", { ...put, target: "/test%24file.txt" }]);
  variants.push(["query added", { ...put, target: "/test%24file.text?acl" }]);
  variants.push([
    "signed header value",
    { ...put, headers: { ...put.headers, "x-amz-storage-class": ["STANDARD"] } },
  ]);
  variants.push(["method", { ...put, method: "POST" }]);
  variants.push(["payload hash", { ...put, headers: { ...put.headers, "x-amz-content-sha256": [EMPTY] } }]);
  variants.push([
    "host (another port)",
    { ...s3Get(), headers: { ...s3Get().headers, host: [`${S3_HOST}:1`] } },
  ]);
  variants.push([
    "presigned expiry",
    request("GET", PRESIGNED.replace("Expires=86400", "Expires=86401"), { host: S3_HOST }),
  ]);
  for (const [name, signed] of variants) {
    const verdict = verifySignature(signed, { ...S3, now: new Date("2013-05-24T00:05:00Z") });
    assert.equal(verdict.ok ? "accepted" : verdict.problem, "mismatch", name);
  }
  const wrongSecret = { ...S3, credentials: { ...S3.credentials, secretAccessKey: "S3RVER" } };
  assert.equal((verifySignature(s3Get(), wrongSecret) as { problem: string }).problem, "mismatch");
});

test("unsigned, foreign-key, stale, expired and malformed requests are refused with their reason", () => {
  const problem = (signed: SignedRequest, options: VerifyOptions = S3) => {
    const verdict = verifySignature(signed, options);
    return verdict.ok ? "accepted" : verdict.problem;
  };
  assert.equal(problem(request("GET", "/test.txt", { host: S3_HOST })), "missing");
  const otherKey = { ...S3, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } };
  assert.equal(problem(s3Get(), otherKey), "unknown-key");
  assert.equal(problem(s3Get(), { ...S3, now: new Date("2013-05-24T00:15:01Z") }), "expired");
  assert.equal(problem(s3Get(), { ...S3, now: new Date("2013-05-23T23:44:59Z") }), "expired");
  assert.equal(
    problem(request("GET", PRESIGNED, { host: S3_HOST }), { ...S3, now: new Date("2013-05-25T00:00:01Z") }),
    "expired",
  );
  const v2 = request(
    "GET",
    "/test.txt",
    { host: S3_HOST },
    "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=",
  );
  assert.equal(problem(v2), "malformed", "Signature Version 2 is not accepted");
  const noContentHash = s3Get();
  delete noContentHash.headers["x-amz-content-sha256"];
  assert.equal(problem(noContentHash), "malformed", "S3 needs x-amz-content-sha256");
  const both = { ...s3Get(), target: PRESIGNED };
  assert.equal(problem(both), "malformed", "header and query signatures at once");
  const hostless = s3List("/?lifecycle", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  hostless.headers.authorization = [hostless.headers.authorization![0].replace("host;", "")];
  assert.equal(problem(hostless), "malformed", "Host must be signed");
});

test("a body whose SHA-256 differs from the signed x-amz-content-sha256 is refused", () => {
  const signed = { ...s3Put(), bodySha256: EMPTY };
  const verdict = verifySignature(signed, S3);
  assert.equal(verdict.ok ? "accepted" : verdict.problem, "payload-mismatch");
  const body = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
  assert.deepEqual(verifySignature({ ...s3Put(), bodySha256: body }, S3), { ok: true, payloadHash: body });
});

test("signRequest signs as the published examples and as the verifier reads it", () => {
  // The S3 GET example again, from the signing side (the signer adds host, date and the hash).
  const headers = signRequest(
    { method: "GET", url: `https://${S3_HOST}/test.txt`, headers: { Range: "bytes=0-9" } },
    { credentials: S3.credentials, region: "us-east-1", service: "s3", now: S3.now },
  );
  assert.match(
    headers.authorization,
    /Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41$/,
  );
  // A Step Functions-style path with an encoded ARN (double-encoded in the canonical request).
  const url =
    "http://127.0.0.1:4569/quakeslide/executions/arn%3Aaws%3Astates%3Aus-east-1%3A0%3Aexecution%3Am%3An";
  const now = new Date();
  const signed = signRequest(
    { method: "GET", url },
    { credentials: SUITE.credentials, region: "us-east-1", service: "states", now },
  );
  const asReceived = request("GET", new URL(url).pathname, signed);
  assert.deepEqual(verifySignature(asReceived, { ...SUITE, now }).ok, true);
  const otherPath = { ...asReceived, target: asReceived.target.replace("%3An", "%3Ao") };
  assert.equal(verifySignature(otherPath, { ...SUITE, now }).ok, false);
});
