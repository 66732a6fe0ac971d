import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { errorFromName, InputError } from "../../core/errors.ts";
import type { HazardSummary } from "../../core/hazard/step.ts";
import { PRODUCT_FILE_NAMES } from "../../functions/publish/products.ts";
import { parseS3Uri } from "../../functions/shared/event.ts";
import { downloadObject } from "../../functions/shared/s3.ts";
import type { ExecutionRecord } from "../../local/executions.ts";
import type { EmbeddedRuntime } from "../../local/runtime.ts";
import { type Command, parseOptions } from "../command.ts";
import { writeOutputsAtomically } from "../output.ts";
import {
  areaConfig,
  PACKAGE_ROOT,
  pipelineInput,
  type RunScenario,
  readScenario,
  scenarioFiles,
} from "./run/scenario.ts";

const help = `Usage: quakeslide run [--scenario FILE] [--out DIR] [--state-dir DIR] [--json]

Makes an earthquake-induced landslide hazard map end to end, on this machine (no AWS account, no
Docker, no network): starts the embedded runtime in this process, uploads the area's data to its
local S3 server, runs the hazard-pipeline state machine (the same definition as on AWS) and
downloads the products to DIR. Without --scenario it runs the bundled Ecuador case:

  terrain          slope of data/ecuador/dem.tif (10 m, UTM 17S)
  kriging          cohesion c' (kPa) from data/ecuador/soil_samples_synthetic.csv (SYNTHETIC samples)
  ground motion    BSSA14 PGA and PGV of a hypothetical Mw 6.5 reverse-fault scenario 10 km away,
                   Vs30 760 m/s (examples/events/ecuador-m65-scenario/event.json)
  susceptibility   random forest on data/ecuador/lsl.csv (350 points) with the ta.tif covariates
  stability        infinite-slope FS and a_c with the kriged c' and phi' 33 deg, gamma 19 kN/m3,
                   t 2 m, m 0.3; the kriging variance gives P(FS < 1) and the spread of a_c
  Newmark          D_N from Saygili & Rathje (2008) on PGA and PGV, P(f) (Jibson et al. 2000)
  hazard           P(f) class x susceptibility class -> hazard classes 1-4, area per class

DIR receives every raster as a Cloud Optimized GeoTIFF with a PNG preview, hazard_classes.csv,
report.html (self-contained: open it in a browser) and manifest.json (inputs, parameters, code
version, outputs with SHA-256). The first start synthesizes the CDK app (about 20 s); later runs
reuse it, and steps whose inputs did not change are reused from the runtime's S3 folder.

  --scenario FILE   JSON scenario: area files, event or ShakeMap, soil constants... (see
                    docs/pipeline.md; paths relative to the file). Default: the bundled case.
  --out DIR         Output folder (default quakeslide-out): new, empty, or a previous run's.
  --state-dir DIR   The runtime's folder (S3 objects, executions, templates; default .quakeslide/run).
  --json            Print only the JSON summary.

Example:
  npx quakeslide run && open quakeslide-out/report.html`;

/** Human names of the machine's task states, and where each puts its StepResult in the state. */
const STEPS: Record<string, { label: string; result?: string[] }> = {
  Terrain: { label: "terrain: slope", result: [] },
  Krige: { label: "kriging: soil samples onto the DEM grid", result: [] },
  GroundMotion: { label: "ground motion: PGA, PGV", result: [] },
  TrainSusceptibility: { label: "susceptibility: random forest", result: ["trained"] },
  PredictTrained: { label: "susceptibility: map", result: ["predicted"] },
  PredictWithModel: { label: "susceptibility: map", result: ["predicted"] },
  Stability: { label: "stability: FS, a_c, P(FS < 1)", result: ["results", "stability"] },
  NewmarkFromGroundMotion: { label: "Newmark: D_N, P(f)", result: ["results", "newmark"] },
  NewmarkMap: { label: "Newmark: D_N, P(f)", result: ["results", "newmark"] },
  Hazard: { label: "hazard classes", result: ["results", "hazard"] },
  Publish: { label: "publish: COGs, report, manifest", result: [] },
};

/** Whether a state's step was reused from an identical earlier run (its StepResult, or Publish, says so). */
function reusedIn(record: ExecutionRecord | undefined, state: string): boolean {
  const path = STEPS[state]?.result;
  if (!path) return false;
  const exited = record?.history.find(
    (e) => e.state === state && e.type.endsWith("StateExited") && e.detail?.index === undefined,
  );
  let value = (exited?.detail?.state as { output?: unknown } | undefined)?.output;
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
  const result = value as { reused?: boolean; status?: string } | undefined;
  return result?.reused === true || result?.status === "exists";
}

export interface RunSummary {
  outDir: string;
  product: string;
  manifest: string;
  files: string[];
  seconds: { runtimeStart: number; pipeline: number; total: number; steps: Record<string, number> };
  hazard: HazardSummary;
}

export const runCommand: Command = {
  name: "run",
  help,
  async run(args) {
    const { values } = parseOptions(args, {
      scenario: { type: "string" },
      out: { type: "string" },
      "state-dir": { type: "string" },
      json: { type: "boolean", default: false },
    });
    const quiet = values.json === true;
    const say = (line: string) => quiet || console.error(line);
    const outDir = values.out ?? "quakeslide-out";
    const { scenario, baseDir } = readScenario(values.scenario);
    const files = scenarioFiles(scenario, baseDir);
    for (const file of files)
      if (!existsSync(file.local))
        throw new InputError(`${file.local} does not exist (named by the scenario)`);
    const summary = await writeOutputsAtomically(outDir, PRODUCT_FILE_NAMES, (tmp) =>
      runScenario(scenario, files, { stateDir: resolve(values["state-dir"] ?? ".quakeslide/run"), tmp, say }),
    );
    const result = { ...summary, outDir };
    if (quiet) console.log(JSON.stringify(result, null, 2));
    else printSummary(result);
    return 0;
  },
};

async function runScenario(
  scenario: RunScenario,
  files: { local: string; key: string }[],
  options: { stateDir: string; tmp: string; say: (line: string) => void },
): Promise<Omit<RunSummary, "outDir">> {
  const { say } = options;
  const started = performance.now();
  mkdirSync(options.stateDir, { recursive: true });
  say(
    existsSync(join(options.stateDir, "templates"))
      ? "starting the embedded runtime"
      : "starting the embedded runtime (first start: synthesizing the CDK app takes about 20 s)",
  );
  const { EmbeddedRuntime } = await import("../../local/runtime.ts");
  const runtime = await EmbeddedRuntime.start({ projectRoot: PACKAGE_ROOT, stateDir: options.stateDir });
  const runtimeStart = (performance.now() - started) / 1000;
  const restoreStdout = quietHandlerLogs();
  // Ctrl-C: stop the runtime (its ports, its jobs) and leave no half-written output folder.
  const interrupted = () => {
    restoreStdout();
    void runtime.stop().finally(() => {
      rmSync(options.tmp, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once("SIGINT", interrupted);
  try {
    const data = runtime.bucketName("DataBucket");
    say(
      `runtime ready in ${runtimeStart.toFixed(1)} s; uploading ${files.length} files of area "${scenario.name}"`,
    );
    for (const file of files) await put(runtime, data, file.key, readFileSync(file.local));
    await put(
      runtime,
      data,
      `areas/${scenario.name}.json`,
      JSON.stringify(areaConfig(scenario, data), null, 2),
    );
    const pipelineStarted = performance.now();
    const record = await runFlow(runtime, "hazard-pipeline", pipelineInput(scenario, data), say);
    const pipeline = (performance.now() - pipelineStarted) / 1000;
    const output = record.output as { product: string; manifest: string; hazard: HazardSummary };
    const names = await downloadProduct(runtime, output.product, options.tmp);
    say(`downloaded ${names.length} files`);
    return {
      product: output.product,
      manifest: output.manifest,
      files: names,
      seconds: {
        runtimeStart: round(runtimeStart),
        pipeline: round(pipeline),
        total: round((performance.now() - started) / 1000),
        steps: stepSeconds(record),
      },
      hazard: output.hazard,
    };
  } finally {
    process.removeListener("SIGINT", interrupted);
    restoreStdout();
    await runtime.stop();
  }
}

/**
 * The in-process Lambda handlers log structured JSON lines to stdout, as they do to CloudWatch on
 * AWS; here `run` prints its own progress, and stdout must stay clean for --json. Until the
 * returned function is called, those lines are dropped and everything else passes.
 */
function quietHandlerLogs(): () => void {
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof chunk === "string" && chunk.startsWith('{"level":')) return true;
    return (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  return () => {
    process.stdout.write = write;
  };
}

/**
 * Starts a flow and follows it, one line per finished step; a failed run becomes the error that
 * failed it (an InputError exits 2 with its one line).
 */
export async function runFlow(
  runtime: EmbeddedRuntime,
  flow: string,
  input: unknown,
  say: (line: string) => void = () => undefined,
): Promise<ExecutionRecord> {
  const machine = runtime.model.stateMachines.find((m) => m.name.endsWith(`-quakeslide-${flow}`));
  if (!machine) throw new Error(`the app has no ${flow} state machine`);
  const started = runtime.executor.start(machine, input);
  const announced = new Set<string>();
  const announce = () => {
    const record = runtime.store.get(started.executionId);
    const seconds = stepSeconds(record);
    for (const state of record?.completedStates ?? []) {
      if (announced.has(state) || !STEPS[state]) continue;
      announced.add(state);
      const time = reusedIn(record, state) ? "reused" : `${(seconds[state] ?? 0).toFixed(1).padStart(6)} s`;
      say(`  done  ${STEPS[state].label.padEnd(40)} ${time}`);
    }
  };
  const timer = setInterval(announce, 200);
  try {
    const record = await runtime.executor.wait(started.executionId);
    announce();
    if (record.status !== "SUCCEEDED") {
      const failure = record.failure;
      const cause = failureMessage(failure?.cause);
      throw errorFromName(
        failure?.error ?? "InternalError",
        `${flow} failed in ${failure?.state ?? "?"}: ${cause}`,
      );
    }
    return record;
  } finally {
    clearInterval(timer);
  }
}

/** The message of a Lambda error cause ({"errorMessage": ...}) or the cause as it is. */
function failureMessage(cause: string | undefined): string {
  if (!cause) return "no cause recorded";
  try {
    return (JSON.parse(cause) as { errorMessage?: string }).errorMessage ?? cause;
  } catch {
    return cause;
  }
}

/** Seconds between each state's entry and exit, from the execution history. */
export function stepSeconds(record: ExecutionRecord | undefined): Record<string, number> {
  const entered = new Map<string, number>();
  const seconds: Record<string, number> = {};
  for (const event of record?.history ?? []) {
    if (!event.state || event.detail?.index !== undefined) continue;
    if (event.type.endsWith("StateEntered")) entered.set(event.state, Date.parse(event.timestamp));
    if (event.type.endsWith("StateExited") && entered.has(event.state))
      seconds[event.state] = round(
        (Date.parse(event.timestamp) - (entered.get(event.state) as number)) / 1000,
      );
  }
  return seconds;
}

async function put(
  runtime: EmbeddedRuntime,
  bucket: string,
  key: string,
  body: Buffer | string,
): Promise<void> {
  await runtime.s3Client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** Downloads every object of a product folder into `dir`; returns their names. */
export async function downloadProduct(
  runtime: EmbeddedRuntime,
  product: string,
  dir: string,
): Promise<string[]> {
  const { bucket, key: prefix } = parseS3Uri(product.endsWith("/") ? `${product}x` : product);
  const folder = prefix.slice(0, -1);
  const listed = await runtime.s3Client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: folder }));
  const names: string[] = [];
  for (const object of listed.Contents ?? []) {
    const name = (object.Key as string).slice(folder.length);
    await downloadObject(runtime.s3Client, bucket, object.Key as string, join(dir, name));
    names.push(name);
  }
  return names.sort();
}

function printSummary(summary: RunSummary): void {
  const { hazard, seconds } = summary;
  console.log(
    `hazard map of ${hazard.width} x ${hazard.height} cells in ${summary.outDir}/ (report.html, manifest.json, ${summary.files.length - 2} maps and tables)`,
  );
  for (const row of hazard.classes) {
    console.log(
      `  ${row.hazardClass} ${row.name.padEnd(9)} ${row.areaKm2.toFixed(3).padStart(8)} km2  ${(100 * row.share).toFixed(1).padStart(5)} %`,
    );
  }
  console.log(
    `time: ${seconds.total.toFixed(1)} s (runtime start ${seconds.runtimeStart.toFixed(1)} s, pipeline ${seconds.pipeline.toFixed(1)} s)`,
  );
}

function round(value: number): number {
  return Number(value.toFixed(3));
}
