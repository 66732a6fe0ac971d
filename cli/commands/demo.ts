import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { runSusceptibilityPredict, runSusceptibilityTrain } from "../../core/ml/step.ts";
import { runNewmarkMap, runStability } from "../../core/stability/step.ts";
import { runTerrain } from "../../core/terrain/step.ts";
import type { Command } from "../command.ts";
import { verbOptions } from "../options.ts";
import { writeOutputsAtomically } from "../output.ts";
import { progressPrinter } from "../progress.ts";

const dataDir = new URL("../../data/", import.meta.url).pathname;

/** Soil parameters of the demo: a residual soil over volcanic bedrock, as in the Ecuador Andes. */
const DEMO_SOIL = { cohesion: 15, frictionAngle: 35, unitWeight: 19, thickness: 2, saturation: 0.2 };

/** The demo's only setting: where its outputs go. */
const demoOptionsSchema = z.object({ outDir: z.string().min(1).default("out/demo") });
const options = verbOptions(demoOptionsSchema, { extra: { json: { type: "boolean" } } });

const help = `Usage: quakeslide demo [--out DIR] [--json]

Runs the hazard chain on the embedded default data (data/, no network, no AWS):
  1. terrain         slope, aspect, curvatures of data/ecuador/dem.tif (10 m, UTM 17S)
  2. stability       infinite-slope factor of safety and critical acceleration a_c with constant
                     soil parameters: c' ${DEMO_SOIL.cohesion} kPa, phi' ${DEMO_SOIL.frictionAngle} deg, gamma ${DEMO_SOIL.unitWeight} kN/m3,
                     t ${DEMO_SOIL.thickness} m, m ${DEMO_SOIL.saturation}
  3. newmark         rigid-block Newmark displacement of every cell under the Loma Prieta 1989
                     Gilroy record (data/records/RSN763_LOMAP_GIL067.AT2) and P(f) (Jibson 2000)
  4. susceptibility  random forest trained on data/ecuador/lsl.csv with the ta.tif covariates
                     (spatial 5-fold CV stored in the model), then the susceptibility map

Options:
  --out DIR   Output folder (default ${options.defaultOf("out")}); one sub-folder per step, summary.json on top.
              It must be new, empty or hold a previous demo's outputs.
  --json      Print only the JSON summary.

Open the .tif outputs in QGIS or with gdalinfo; each has a .png preview beside it.`;

const STEP_FOLDERS = ["terrain", "stability", "newmark", "susceptibility"] as const;

export const demoCommand: Command = {
  name: "demo",
  help,
  async run(args) {
    const { options: parsed, flags } = options.parse(args);
    const { outDir } = parsed;
    const quiet = flags.json === true;
    const say = (line: string) => quiet || console.error(line);
    const outputs = [...STEP_FOLDERS.map((folder) => `${folder}/`), "summary.json"];
    const summary = await writeOutputsAtomically(outDir, outputs, async (tmp) => {
      const dir = (name: (typeof STEP_FOLDERS)[number]) => join(tmp, name);
      say("1/4 terrain");
      const terrain = await runTerrain(
        { dem: join(dataDir, "ecuador/dem.tif"), outDir: dir("terrain") },
        { onProgress: progressPrinter("terrain", quiet) },
      );
      say("2/4 stability");
      const stability = await runStability({
        slope: join(dir("terrain"), "slope.tif"),
        ...DEMO_SOIL,
        outDir: dir("stability"),
      });
      say("3/4 newmark");
      const newmark = await runNewmarkMap({
        ac: join(dir("stability"), "ac.tif"),
        record: join(dataDir, "records/RSN763_LOMAP_GIL067.AT2"),
        outDir: dir("newmark"),
      });
      say("4/4 susceptibility");
      mkdirSync(dir("susceptibility"), { recursive: true });
      const model = await runSusceptibilityTrain({
        inventory: join(dataDir, "ecuador/lsl.csv"),
        label: "lslpts",
        features: ["slope", "cplan", "cprof", "elev", "log10_carea"],
        covariates: join(dataDir, "ecuador/ta.tif"),
        outDir: dir("susceptibility"),
      });
      const susceptibility = await runSusceptibilityPredict({
        model: join(dir("susceptibility"), "model.json"),
        covariates: join(dataDir, "ecuador/ta.tif"),
        outDir: dir("susceptibility"),
      });
      const all = { outDir, terrain, stability, newmark, susceptibility: { model, map: susceptibility } };
      writeFileSync(join(tmp, "summary.json"), `${JSON.stringify(all, null, 2)}\n`);
      return all;
    });
    if (quiet) console.log(JSON.stringify(summary, null, 2));
    else console.log(`demo outputs in ${outDir}/ (summary.json, and one folder per step with COGs and PNGs)`);
    return 0;
  },
};
