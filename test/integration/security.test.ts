import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, test } from "node:test";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { writeCog } from "../../core/raster/index.ts";
import { EmbeddedRuntime } from "../../local/runtime.ts";
import { signRequest } from "../../local/sigv4.ts";
import { synthesizeTemplates } from "../../local/templates.ts";
import { ridgeScenario } from "../helpers/ridge-scenario.ts";
import { runQuakeslide } from "../helpers/run-cli.ts";
import { createFixtureApp } from "./fixtures/app.ts";

// The embedded runtime as a hostile local process or web page would try it: path traversal
// through execution names, record lookups, S3 keys, copy sources, upload ids, a step's input
// names and a scenario's DEM; unsigned, foreign-key, tampered, rebound-Host and cross-origin
// requests. Every attempt must be refused, write nothing outside the state folder and start
// no flow. The state folder lives in `root`; anything else that appears under `root` escaped.

const projectRoot = join(import.meta.dirname, "fixtures");
const repositoryRoot = join(import.meta.dirname, "..", "..");
let root: string;
let stateDir: string;
let runtime: EmbeddedRuntime;
let data: string;
let results: string;
let s3Port: number;
let apiPort: number;
const attempts: string[] = []; // every case tried, for the count in the report

before(async () => {
  root = mkdtempSync(join(tmpdir(), "quakeslide-security-"));
  stateDir = join(root, "state");
  runtime = await EmbeddedRuntime.start({
    projectRoot,
    templates: synthesizeTemplates(createFixtureApp()),
    stateDir,
  });
  data = runtime.bucketName("DataBucket");
  results = runtime.bucketName("ResultsBucket");
  s3Port = Number(new URL(runtime.endpoints.s3).port);
  apiPort = Number(new URL(runtime.endpoints.api).port);
  // A file outside the state folder that a traversal would read, and a record-shaped one.
  writeFileSync(join(root, "v.json"), JSON.stringify({ status: "SUCCEEDED", secret: "outside" }));
});

after(async () => {
  await runtime.stop();
  rmSync(root, { recursive: true, force: true });
});

interface Reply {
  status: number;
  body: string;
}

/** One HTTP request with the path exactly as given (like `curl --path-as-is`). */
function raw(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body = "",
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: "127.0.0.1", port, method, path, headers }, (response) => {
      let text = "";
      response.on("data", (chunk) => {
        text += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

/** Signs with the runtime's own key pair (or another), for a request sent as `raw` sends it. */
function signed(
  port: number,
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string>; service?: string; secret?: string } = {},
): Record<string, string> {
  const credentials = { ...runtime.endpoints.credentials };
  if (options.secret) credentials.secretAccessKey = options.secret;
  const headers = signRequest(
    { method, url: `http://127.0.0.1:${port}${path}`, headers: options.headers, body: options.body },
    { credentials, region: "us-east-1", service: options.service ?? "s3" },
  );
  return headers;
}

/** Files under `root` that are not inside the state folder: anything here escaped. */
function escapedFiles(): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (path === stateDir) continue;
      if (entry.isDirectory()) walk(path);
      else found.push(relative(root, path));
    }
  };
  walk(root);
  return found.filter((file) => file !== "v.json" && !file.startsWith("outside/"));
}

function expectRefused(what: string, reply: Reply, status: number, code: RegExp): void {
  attempts.push(what);
  assert.equal(reply.status, status, `${what}: ${reply.body}`);
  assert.match(reply.body, code, what);
}

test("S3: unsigned PUT, GET, LIST and a PUT under inventory/ are refused; no flow starts", async () => {
  const executionsBefore = runtime.store.list().length;
  const key = `/${data}/inventory/unsigned.csv`;
  expectRefused(
    "unsigned PUT",
    await raw(s3Port, "PUT", key, { host: `127.0.0.1:${s3Port}` }, "x,y\n"),
    403,
    /AccessDenied/,
  );
  expectRefused(
    "unsigned GET",
    await raw(s3Port, "GET", key, { host: `127.0.0.1:${s3Port}` }),
    403,
    /AccessDenied/,
  );
  const list = await raw(s3Port, "GET", `/${data}?list-type=2`, { host: `127.0.0.1:${s3Port}` });
  expectRefused("unsigned LIST", list, 403, /AccessDenied/);
  const buckets = await raw(s3Port, "GET", "/", { host: `127.0.0.1:${s3Port}` });
  expectRefused("unsigned ListBuckets", buckets, 403, /AccessDenied/);
  await new Promise((resolve) => setTimeout(resolve, 200)); // an event would have started by now
  assert.equal(runtime.store.list().length, executionsBefore, "the unsigned PUT started no retrain");
  assert.ok(!existsSync(join(stateDir, "s3", data, "inventory")), "and stored nothing");
});

test("S3: the public S3RVER pair, a wrong secret, a stale date and a tampered body are refused", async () => {
  const path = `/${data}/checked.txt`;
  const foreign = signRequest(
    { method: "GET", url: `http://127.0.0.1:${s3Port}${path}` },
    { credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }, region: "us-east-1", service: "s3" },
  );
  expectRefused("S3RVER key pair", await raw(s3Port, "GET", path, foreign), 403, /InvalidAccessKeyId/);
  const wrongSecret = signed(s3Port, "GET", path, { secret: "not-the-secret" });
  expectRefused("wrong secret", await raw(s3Port, "GET", path, wrongSecret), 403, /SignatureDoesNotMatch/);
  const stale = signRequest(
    { method: "GET", url: `http://127.0.0.1:${s3Port}${path}` },
    {
      credentials: runtime.endpoints.credentials,
      region: "us-east-1",
      service: "s3",
      now: new Date(Date.now() - 20 * 60 * 1000),
    },
  );
  expectRefused(
    "request signed 20 min ago",
    await raw(s3Port, "GET", path, stale),
    403,
    /RequestTimeTooSkewed/,
  );
  const put = signed(s3Port, "PUT", path, { body: "original" });
  assert.equal((await raw(s3Port, "PUT", path, put, "original")).status, 200);
  const tampered = await raw(
    s3Port,
    "PUT",
    path,
    signed(s3Port, "PUT", path, { body: "original" }),
    "replaced",
  );
  expectRefused("body other than the signed hash", tampered, 400, /XAmzContentSHA256Mismatch/);
  const kept = await runtime.s3Client.send(new GetObjectCommand({ Bucket: data, Key: "checked.txt" }));
  assert.equal(
    await kept.Body!.transformToString(),
    "original",
    "the refused body did not replace the object",
  );
});

test("S3: a rebound Host and browser cross-origin requests are refused, even when signed", async () => {
  const path = `/${data}/checked.txt`;
  const rebound = signRequest(
    { method: "GET", url: `http://attacker.example:${s3Port}${path}` },
    { credentials: runtime.endpoints.credentials, region: "us-east-1", service: "s3" },
  );
  expectRefused("DNS-rebound Host", await raw(s3Port, "GET", path, rebound), 403, /AccessDenied/);
  const otherPort = signRequest(
    { method: "GET", url: `http://127.0.0.1:${s3Port + 1}${path}` },
    { credentials: runtime.endpoints.credentials, region: "us-east-1", service: "s3" },
  );
  expectRefused("Host with another port", await raw(s3Port, "GET", path, otherPort), 403, /AccessDenied/);
  const withOrigin = { ...signed(s3Port, "GET", path), origin: "http://attacker.example" };
  expectRefused("Origin header", await raw(s3Port, "GET", path, withOrigin), 403, /AccessDenied/);
  const crossSite = { ...signed(s3Port, "GET", path), "sec-fetch-site": "cross-site" };
  expectRefused("Sec-Fetch-Site cross-site", await raw(s3Port, "GET", path, crossSite), 403, /AccessDenied/);
  const preflight = await raw(s3Port, "OPTIONS", path, {
    host: `127.0.0.1:${s3Port}`,
    origin: "http://attacker.example",
    "access-control-request-method": "PUT",
  });
  expectRefused("CORS preflight", preflight, 403, /AccessDenied/);
  // An HTML form's POST upload (S3's browser-based upload), from a page and from a local process.
  const form = [
    "--x",
    'Content-Disposition: form-data; name="key"',
    "",
    "inventory/form.csv",
    "--x",
    'Content-Disposition: form-data; name="file"; filename="form.csv"',
    "",
    "x,y",
    "--x--",
    "",
  ].join("\r\n");
  const formHeaders = { host: `127.0.0.1:${s3Port}`, "content-type": "multipart/form-data; boundary=x" };
  const fromPage = { ...formHeaders, origin: "http://attacker.example" };
  expectRefused(
    "cross-origin form POST upload",
    await raw(s3Port, "POST", `/${data}`, fromPage, form),
    403,
    /AccessDenied/,
  );
  expectRefused(
    "unsigned form POST upload",
    await raw(s3Port, "POST", `/${data}`, formHeaders, form),
    403,
    /AccessDenied/,
  );
  assert.ok(!existsSync(join(stateDir, "s3", data, "inventory")), "no form upload was stored");
});

test("S3: keys, copy sources, upload ids and part numbers cannot leave the bucket's folder", async () => {
  const cases: [string, string, string, Record<string, string>?][] = [
    ["PUT key ../../", "PUT", `/${data}/../../escape-put`],
    ["PUT key ..%2F..%2F", "PUT", `/${data}/..%2F..%2F..%2Fescape-encoded`],
    ["PUT bucket ..", "PUT", "/../escape-bucket"],
    ["GET key ../../../v.json", "GET", `/${data}/../../../v.json`],
    ["upload id ../", "PUT", `/${data}/part?partNumber=1&uploadId=..%2F..%2F..%2F..%2Fescape-upload`],
    ["part number ../", "PUT", `/${data}/part?partNumber=..%2F..%2Fescape-part&uploadId=${"a".repeat(32)}`],
    [
      "copy source ../../credentials.json",
      "PUT",
      `/${data}/copied.json`,
      { "x-amz-copy-source": `/${data}/../../credentials.json` },
    ],
  ];
  for (const [what, method, path, headers] of cases) {
    const body = method === "PUT" && !headers ? "escaped" : "";
    const reply = await raw(s3Port, method, path, signed(s3Port, method, path, { body, headers }), body);
    expectRefused(what, reply, 400, /InvalidArgument|InvalidBucketName/);
  }
  // The SDK sends such keys as they are; the server refuses them the same way.
  await assert.rejects(
    runtime.s3Client.send(new PutObjectCommand({ Bucket: data, Key: "../../escape-sdk", Body: "x" })),
    { name: "InvalidArgument" },
  );
  await assert.rejects(
    runtime.s3Client.send(
      new CopyObjectCommand({
        Bucket: data,
        Key: "stolen.json",
        CopySource: `${data}/../../credentials.json`,
      }),
    ),
    { name: "InvalidArgument" },
  );
  attempts.push("SDK PutObject ../../", "SDK CopyObject ../../credentials.json");
  assert.deepEqual(escapedFiles(), []);
});

test("API: unsigned, foreign-key, rebound-Host and cross-origin requests are refused; no Lambda runs", async () => {
  const list = JSON.stringify({});
  const sfnHeaders = {
    "x-amz-target": "AWSStepFunctions.ListStateMachines",
    "content-type": "application/x-amz-json-1.0",
  };
  const unsigned = await raw(apiPort, "POST", "/", { host: `127.0.0.1:${apiPort}`, ...sfnHeaders }, list);
  expectRefused("unsigned ListStateMachines", unsigned, 403, /MissingAuthenticationToken/);
  const wrong = signed(apiPort, "POST", "/", {
    body: list,
    headers: sfnHeaders,
    service: "states",
    secret: "x",
  });
  expectRefused("wrong secret", await raw(apiPort, "POST", "/", wrong, list), 403, /InvalidSignature/);
  const rebound = signRequest(
    { method: "POST", url: `http://attacker.example:${apiPort}/`, headers: sfnHeaders, body: list },
    { credentials: runtime.endpoints.credentials, region: "us-east-1", service: "states" },
  );
  expectRefused("DNS-rebound Host", await raw(apiPort, "POST", "/", rebound, list), 403, /AccessDenied/);
  // A web page's "simple" cross-origin POST (text/plain, no preflight) aimed at Lambda Invoke.
  const stager = runtime.model.functions.find((f) => f.folder === "stager")!.name;
  await runtime.s3Client.send(new PutObjectCommand({ Bucket: data, Key: "in/a.bin", Body: "a" }));
  const event = JSON.stringify({ inputs: { a: `s3://${data}/in/a.bin` } });
  const invokePath = `/2015-03-31/functions/${encodeURIComponent(stager)}/invocations`;
  const page = {
    host: `127.0.0.1:${apiPort}`,
    origin: "http://attacker.example",
    "content-type": "text/plain",
  };
  expectRefused(
    "cross-origin text/plain Invoke",
    await raw(apiPort, "POST", invokePath, page, event),
    403,
    /AccessDenied/,
  );
  const signedFromPage = {
    ...signed(apiPort, "POST", invokePath, { body: event, service: "lambda" }),
    origin: "null",
  };
  const fromPage = await raw(apiPort, "POST", invokePath, signedFromPage, event);
  expectRefused("signed Invoke with Origin: null", fromPage, 403, /AccessDenied/);
  const listed = await runtime.s3Client.send(new GetObjectCommand({ Bucket: data, Key: "in/a.bin" }));
  assert.equal(await listed.Body!.transformToString(), "a");
  assert.ok(!existsSync(join(stateDir, "s3", results, "runs", "stager")), "the stager Lambda never ran");
});

test("API: execution names and record lookups cannot name files outside the state folder", async () => {
  const sfn = new SFNClient({
    endpoint: runtime.endpoints.api,
    region: "us-east-1",
    credentials: runtime.endpoints.credentials,
  });
  try {
    for (const name of ["../../X", "..", "a/b", "x:y", "with space", "a".repeat(81)]) {
      attempts.push(`StartExecution name ${name.slice(0, 12)}`);
      await assert.rejects(
        sfn.send(new StartExecutionCommand({ stateMachineArn: "fixture-pipeline", name, input: "{}" })),
        { name: "InvalidName" },
        name,
      );
    }
  } finally {
    sfn.destroy();
  }
  for (const reference of [
    "..%2F..%2Fv",
    "..%2F..%2Fstate%2Fcredentials",
    "%2E%2E%2F%2E%2E%2Fv",
    "%E0%A4%A",
  ]) {
    const path = `/quakeslide/executions/${reference}`;
    const reply = await raw(apiPort, "GET", path, signed(apiPort, "GET", path, { service: "states" }));
    expectRefused(`record ${reference}`, reply, 404, /ExecutionDoesNotExist/);
    assert.doesNotMatch(reply.body, /outside|secretAccessKey/);
  }
  const cli = await runQuakeslide([
    "start",
    "fixture-pipeline",
    "--name",
    "../../X",
    "--state-dir",
    stateDir,
  ]);
  attempts.push("quakeslide start --name ../../X");
  assert.equal(cli.code, 2);
  assert.match(cli.stderr, /run name "\.\.\/\.\.\/X" is not valid: it may not contain "\/"/);
  assert.equal(cli.stderr.trim().split("\n").length, 1);
  assert.equal(runtime.store.list().filter((r) => r.name.includes("X")).length, 0);
  assert.deepEqual(escapedFiles(), []);
});

test("a step's input names and file names cannot leave its work folder", async () => {
  const lambda = new LambdaClient({
    endpoint: runtime.endpoints.api,
    region: "us-east-1",
    credentials: runtime.endpoints.credentials,
  });
  try {
    const stager = runtime.model.functions.find((f) => f.folder === "stager")!.name;
    await runtime.s3Client.send(new PutObjectCommand({ Bucket: data, Key: "one/same.bin", Body: "1" }));
    await runtime.s3Client.send(new PutObjectCommand({ Bucket: data, Key: "two/same.bin", Body: "2" }));
    // Two inputs with one file name are staged under in/<input name>/: the name must be plain.
    const events = [
      { inputs: { a: `s3://${data}/one/same.bin`, "../../../../escape": `s3://${data}/two/same.bin` } },
      { inputs: { a: `s3://${data}/one/same.bin`, "b/../../..": `s3://${data}/two/same.bin` } },
    ];
    for (const event of events) {
      attempts.push(`Lambda input name ${Object.keys(event.inputs)[1]}`);
      const reply = await lambda.send(
        new InvokeCommand({ FunctionName: stager, Payload: JSON.stringify(event) }),
      );
      assert.equal(reply.FunctionError, "Unhandled");
      const error = JSON.parse(Buffer.from(reply.Payload!).toString());
      assert.equal(error.errorType, "InputError");
      assert.match(error.errorMessage, /is not an option name/);
    }
  } finally {
    lambda.destroy();
  }
  const workFolders = readdirSync(join(stateDir, "tmp", String(process.pid)));
  assert.deepEqual(workFolders, [], "work folders are removed after each step");
  assert.deepEqual(escapedFiles(), []);
});

test("a SEM job's scenario may only name a DEM staged beside it, not any file", async () => {
  const outside = join(root, "outside");
  mkdirSync(outside);
  const size = 30;
  await writeCog(join(outside, "ridge.tif"), {
    width: size,
    height: size,
    transform: [500_000, 10, 0, 9_800_000, 0, -10],
    crs: { epsg: 32717, geographic: false },
    bands: [
      new Float32Array(size * size).map((_, i) => 50 + 20 * Math.sin((Math.PI * (i % size)) / (size - 1))),
    ],
    nodata: Number.NaN,
  });
  for (const dem of [join(outside, "ridge.tif"), "../../../../../outside/ridge.tif"]) {
    attempts.push(`scenario dem ${dem}`);
    const scenario = { ...ridgeScenario("escape"), topography: { ...ridgeScenario("x").topography, dem } };
    await runtime.s3Client.send(
      new PutObjectCommand({ Bucket: data, Key: "scenarios/escape.json", Body: JSON.stringify(scenario) }),
    );
    const { code, output } = await runSemJob({ inputs: { model: `s3://${data}/scenarios/escape.json` } });
    assert.equal(code, 2, output);
    assert.match(
      JSON.parse(output.trim().split("\n").at(-1)!).message,
      /topography\.dem .* must name a file staged with the scenario/,
    );
  }
  assert.equal(readFileSync(join(outside, "ridge.tif")).length > 0, true);
});

/** The sem container's entrypoint as the runtime's Batch runner starts it (environment from the runtime). */
function runSemJob(job: unknown): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "containers/sem/entrypoint.ts"], {
      cwd: repositoryRoot,
      env: {
        ...process.env,
        ...runtime.environment,
        RESULTS_BUCKET: results,
        QUAKESLIDE_JOB: JSON.stringify(job),
      },
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("close", (code) => resolve({ code: code ?? -1, output }));
  });
}

after(() => {
  console.log(`# security cases tried: ${attempts.length}`);
});
