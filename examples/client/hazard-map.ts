// A hazard map from a TypeScript script with the typed client: upload the bundled Ecuador case,
// run `hazard-pipeline`, download the product and check every file against its manifest. The
// same script runs against the embedded runtime (default: start `npx quakeslide up` first),
// LocalStack or AWS (QUAKESLIDE_TARGET=aws and the bucket variables; see docs/local.md).
//
//   node --import tsx examples/client/hazard-map.ts [OUT_DIR]     (default out/client-example)

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Quakeslide } from "quakeslide";

const outDir = process.argv[2] ?? "out/client-example";
const area = "areas/client-example/";
const qs = new Quakeslide({ stateDir: process.env.QUAKESLIDE_STATE_DIR });

try {
  // 1. Inputs, under one area prefix of the data bucket (an object under inventory/ would also
  // start `retrain`, the deployment's rule for new inventories). The soil samples are SYNTHETIC
  // (data/README.md); the earthquake is a hypothetical Mw 6.5 scenario.
  const upload = (file: string, name: string) => qs.upload(file, `${area}${name}`);
  const dem = await upload("data/ecuador/dem.tif", "dem.tif");
  const covariates = await upload("data/ecuador/ta.tif", "covariates.tif");
  const inventory = await upload("data/ecuador/lsl.csv", "inventory.csv");
  const soil = await upload("data/ecuador/soil_samples_synthetic.csv", "soil_samples.csv");
  const event = await upload("examples/events/ecuador-m65-scenario/event.json", "event.json");

  // 2. The pipeline: input checked before the run starts (hazardPipelineInputSchema).
  const run = await qs.startRun("hazard-pipeline", {
    dem,
    krige: { samples: soil, target: "cohesion", params: { value: "cohesion_kpa", cv: "none", nmax: 32 } },
    stability: {
      inputs: {},
      params: {
        frictionAngle: 33,
        unitWeight: 19,
        thickness: 2,
        saturation: 0.3,
        uncertainty: { parameter: "cohesion" },
      },
    },
    groundMotion: { inputs: { event }, params: { vs30: 760 } },
    newmark: { inputs: {}, params: { model: "saygili-rathje2008" } },
    susceptibility: {
      inputs: { inventory, covariates },
      params: { label: "lslpts", features: ["slope", "cplan", "cprof", "elev", "log10_carea"] },
    },
    product: { title: "Landslide hazard from the TypeScript client example" },
  });
  let last = "";
  const done = await qs.waitForRun(run.id, {
    onProgress: (_fraction, message) => {
      if (message === last) return;
      console.log(`  ${message}`);
      last = message;
    },
  });
  console.log(`hazard-pipeline ${done.status}`);
  if (done.status !== "SUCCEEDED") throw new Error(`${done.error}: ${done.cause}`);

  // 3. The product (hazard/<hash>/ in the results bucket): every file, checked against the
  // SHA-256 that manifest.json (written last) records for it.
  const { product } = done.output as { product: string };
  const prefix = product.replace(/^s3:\/\/[^/]+\//, "");
  const objects = await qs.listOutputs(prefix);
  for (const object of objects) await qs.download(object.key, join(outDir, object.key.slice(prefix.length)));
  const manifest = JSON.parse(readFileSync(join(outDir, "manifest.json"), "utf8")) as {
    outputs: Record<string, { sha256: string }>;
  };
  for (const [name, { sha256 }] of Object.entries(manifest.outputs)) {
    const actual = createHash("sha256")
      .update(readFileSync(join(outDir, name)))
      .digest("hex");
    if (actual !== sha256) throw new Error(`${name}: its SHA-256 is not the manifest's`);
  }
  const classes = readFileSync(join(outDir, "hazard_classes.csv"), "utf8").trim();
  console.log(`${objects.length} files in ${outDir}, all matching manifest.json\n${classes}`);
  console.log(`explore them: npx quakeslide dashboard --run ${outDir} --dem data/ecuador/dem.tif`);
} finally {
  qs.destroy();
}
