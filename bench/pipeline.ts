// The hazard pipeline on the bundled Ecuador data through the embedded runtime (what `quakeslide
// run` does), per step and in total, against a reference measured in the same run: the same core
// steps called directly in this process on local files (no S3, no state machine, no publication),
// so the ratio is what orchestration, staging and the product (COG copies, report, manifest) add.
// Then the event-to-map time: an event file written to the data bucket until its manifest exists,
// for a warmed area (terrain, kriging, stability and susceptibility reused), median of 3.
//   npm run bench -- pipeline
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { put } from "../cli/commands/run/objects.ts";
import { areaConfig, pipelineInput, readScenario, scenarioFiles } from "../cli/commands/run/scenario.ts";
import { runFlow, stepSeconds } from "../cli/commands/run.ts";
import { runKrige } from "../core/geostat/step.ts";
import { runGroundMotion } from "../core/groundmotion/step.ts";
import { runHazard } from "../core/hazard/step.ts";
import { runSusceptibilityPredict, runSusceptibilityTrain } from "../core/ml/step.ts";
import { runNewmarkMap } from "../core/stability/step.ts";
import { runStabilityWithUncertainty } from "../core/stability/uncertainty-step.ts";
import { runTerrain } from "../core/terrain/step.ts";
import { EmbeddedRuntime } from "../local/runtime.ts";

const projectRoot = join(import.meta.dirname, "..");

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await work();
  return [(performance.now() - started) / 1000, result];
}

/** The same science as the pipeline, called directly on the bundled files. */
async function direct(dir: string): Promise<Record<string, number>> {
  const { scenario } = readScenario(undefined);
  const out = (name: string) => {
    mkdirSync(join(dir, name), { recursive: true });
    return join(dir, name);
  };
  const times: Record<string, number> = {};
  const step = async (name: string, work: () => Promise<unknown>) => {
    times[name] = (await timed(work))[0];
  };
  await step("terrain", () => runTerrain({ dem: scenario.dem, outDir: out("terrain"), threads: 1 }));
  await step("krige", () =>
    runKrige({
      samples: scenario.soil.samples,
      value: scenario.soil.value,
      grid: scenario.dem,
      cv: "none",
      nmax: 32,
      threads: 1,
      outDir: out("krige"),
    }),
  );
  await step("ground motion", () =>
    runGroundMotion({ grid: scenario.dem, event: scenario.event, vs30: scenario.vs30, outDir: out("gm") }),
  );
  await step("train", () =>
    runSusceptibilityTrain({
      inventory: scenario.inventory.file,
      label: scenario.inventory.label,
      features: scenario.inventory.features,
      covariates: scenario.inventory.covariates,
      threads: 1,
      outDir: out("train"),
    }),
  );
  await step("predict", () =>
    runSusceptibilityPredict({
      model: join(dir, "train/model.json"),
      covariates: scenario.inventory.covariates,
      threads: 1,
      outDir: out("predict"),
    }),
  );
  await step("stability", () =>
    runStabilityWithUncertainty({
      slope: join(dir, "terrain/slope.tif"),
      cohesion: join(dir, "krige/prediction.tif"),
      variance: join(dir, "krige/variance.tif"),
      uncertainty: { parameter: "cohesion" },
      ...(scenario.soil.constants as {
        frictionAngle: number;
        unitWeight: number;
        thickness: number;
        saturation: number;
      }),
      outDir: out("stability"),
    }),
  );
  await step("newmark", () =>
    runNewmarkMap({
      ac: join(dir, "stability/ac.tif"),
      pga: join(dir, "gm/pga.tif"),
      pgv: join(dir, "gm/pgv.tif"),
      model: "saygili-rathje2008",
      outDir: out("newmark"),
    }),
  );
  await step("hazard", () =>
    runHazard({
      pf: join(dir, "newmark/pf.tif"),
      susceptibility: join(dir, "predict/susceptibility.tif"),
      outDir: out("hazard"),
    }),
  );
  return times;
}

export async function run(_args: string[]): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), "quakeslide-bench-pipeline-"));
  try {
    const templatesDir = join(scratch, "warm");
    // Synthesize once so that the timed start is the runtime's own (a fresh clone pays synthesis once).
    const [synthSeconds, warm] = await timed(() =>
      EmbeddedRuntime.start({ projectRoot, stateDir: templatesDir }),
    );
    await warm.stop();
    const [directTotal, directSteps] = await timed(() => direct(join(scratch, "direct")));

    const stateDir = join(scratch, "state");
    rmSync(stateDir, { recursive: true, force: true });
    mkdirSync(join(stateDir), { recursive: true });
    cpSync(join(templatesDir, "templates"), join(stateDir, "templates"), { recursive: true });
    const [startSeconds, runtime] = await timed(() => EmbeddedRuntime.start({ projectRoot, stateDir }));
    try {
      const data = runtime.bucketName("DataBucket");
      const results = runtime.bucketName("ResultsBucket");
      const { scenario, baseDir } = readScenario(undefined);
      for (const file of scenarioFiles(scenario, baseDir))
        await put(runtime, data, file.key, readFileSync(file.local));
      await put(runtime, data, `areas/${scenario.name}.json`, JSON.stringify(areaConfig(scenario, data)));
      const [pipelineSeconds, record] = await timed(() =>
        runFlow(runtime, "hazard-pipeline", pipelineInput(scenario, data)),
      );
      const steps = stepSeconds(record);
      console.log(
        `first runtime start (CDK synthesis): ${synthSeconds.toFixed(2)} s; cached start: ${startSeconds.toFixed(2)} s`,
      );
      console.log("hazard-pipeline on the bundled Ecuador data (383 x 415 cells), seconds per state:");
      console.log(
        "  (the four Inputs branches run in parallel: locally interleaved in one process, so their times overlap)",
      );
      for (const [state, seconds] of Object.entries(steps))
        console.log(`  ${state.padEnd(26)} ${seconds.toFixed(2).padStart(7)}`);
      console.log("direct core calls on local files, seconds per step:");
      for (const [name, seconds] of Object.entries(directSteps))
        console.log(`  ${name.padEnd(26)} ${seconds.toFixed(2).padStart(7)}`);
      console.log(
        `pipeline total ${pipelineSeconds.toFixed(2)} s   direct core steps: ${directTotal.toFixed(2)} s   ratio ${(pipelineSeconds / directTotal).toFixed(2)}`,
      );

      const eventTimes: number[] = [];
      for (let i = 1; i <= 3; i++) {
        const id = `bench-${i}`;
        const event = {
          id,
          magnitude: 6 + 0.3 * i,
          mechanism: "RS",
          hypocentre: { lon: -79.0, lat: -3.92 },
          area: scenario.name,
        };
        const [seconds] = await timed(async () => {
          await put(runtime, data, `events/${id}/event.json`, JSON.stringify(event));
          await waitFor(runtime, results, `events/${id}/v1/manifest.json`);
        });
        eventTimes.push(seconds);
      }
      const median = [...eventTimes].sort((a, b) => a - b)[1];
      console.log(
        `event file to published map (warmed area): median ${median.toFixed(2)} s of ${eventTimes.map((t) => t.toFixed(2)).join(", ")}   target: < 60 s   ratio to target ${(median / 60).toFixed(2)}`,
      );
    } finally {
      await runtime.stop();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function waitFor(runtime: EmbeddedRuntime, bucket: string, key: string): Promise<void> {
  for (let i = 0; i < 6000; i++) {
    const found = await runtime.s3Client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
      () => true,
      () => false,
    );
    if (found) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${key} did not appear within 5 minutes`);
}
