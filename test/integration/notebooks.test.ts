import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import type { DashboardInfo } from "../../dashboard/api-types.ts";
import { EmbeddedRuntime } from "../../local/runtime.ts";
import { skipUnlessInstalled } from "../crosscheck/reference-tool.ts";
import { artifactDir } from "../helpers/browser.ts";
import { firstLine } from "../helpers/first-line.ts";

// Every notebook in notebooks/ and the TypeScript client example, run top to bottom against the
// embedded runtime of the project's own app, as a user would after `quakeslide up`: a cell that
// raises fails the test. Debian's interpreter and packages (.ci/run installs them); the executed
// copies, with their outputs and plots, are kept under test-artifacts/notebooks/.

const repositoryRoot = join(import.meta.dirname, "..", "..");
const notebooksDir = join(repositoryRoot, "notebooks");
const PYTHON = "/usr/bin/python3";
const MODULES = ["nbclient", "ipykernel", "boto3", "matplotlib", "numpy", "osgeo.gdal"];
const installed = spawnSync(PYTHON, ["-c", `import ${MODULES.join(", ")}`]).status === 0;
const skip = skipUnlessInstalled(
  installed,
  `${PYTHON} with ${MODULES.join(", ")} (apt-get install python3-nbclient python3-ipykernel python3-boto3 python3-matplotlib python3-gdal)`,
);
const notebooks = readdirSync(notebooksDir)
  .filter((name) => name.endsWith(".ipynb"))
  .sort();
const artifacts = artifactDir("notebooks");

let stateDir: string;
let runtime: EmbeddedRuntime;

before(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "quakeslide-notebooks-"));
  runtime = await EmbeddedRuntime.start({ projectRoot: repositoryRoot, stateDir });
});

after(async () => {
  await runtime?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Runs a command with the runtime's state folder in its environment; the runtime keeps serving meanwhile. */
function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: repositoryRoot,
      env: { ...process.env, QUAKESLIDE_STATE_DIR: stateDir, MPLBACKEND: "Agg" },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("notebooks run against the embedded runtime", { skip }, () => {
  for (const name of notebooks) {
    test(name, async () => {
      const executed = join(artifacts, name);
      const runner = join(repositoryRoot, "test/integration/fixtures/python/execute_notebook.py");
      const { code, output } = await run(PYTHON, [runner, join(notebooksDir, name), executed]);
      console.log(`executed notebook: ${executed}`);
      assert.equal(code, 0, output);
    });
  }
});

test("the TypeScript client example runs a hazard map end to end", async () => {
  const { code, output } = await run(process.execPath, ["--import", "tsx", "examples/client/hazard-map.ts"]);
  assert.equal(code, 0, output);
  assert.match(output, /hazard-pipeline SUCCEEDED/);
});

test("quakeslide dashboard --results serves a run's outputs straight from the results bucket", async () => {
  const listed = await runtime.s3Client.send(
    new ListObjectsV2Command({ Bucket: runtime.bucketName("ResultsBucket"), Prefix: "runs/newmark-map/" }),
  );
  const manifest = listed.Contents?.find((o) => o.Key?.endsWith("/manifest.json"))?.Key;
  assert.ok(manifest, "a newmark-map run of the notebooks");
  const prefix = manifest.slice(0, -"manifest.json".length);
  const child = spawn(
    process.execPath,
    [
      "bin/quakeslide.mjs",
      "dashboard",
      "--results",
      prefix,
      "--state-dir",
      stateDir,
      "--port",
      "0",
      "--json",
    ],
    { cwd: repositoryRoot },
  );
  try {
    const started = JSON.parse(await firstLine(child)) as { url: string; root: string };
    assert.ok(started.root.startsWith(join(stateDir, "dashboard")), started.root);
    const info = (await (await fetch(`${started.url}api/layers`)).json()) as DashboardInfo;
    assert.deepEqual(info.layers.map((l) => l.files[0]).sort(), ["dn_cm.tif", "pf.tif"]);
  } finally {
    const exited = new Promise((resolve) => child.on("close", resolve));
    child.kill("SIGINT");
    await exited;
  }
});
