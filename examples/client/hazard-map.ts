// A hazard map from a TypeScript script with the typed client: upload the bundled Ecuador inputs,
// train the susceptibility model (`retrain`), run `hazard-pipeline`, download the maps and check
// them against the run manifests. The same script runs against the embedded runtime (default:
// start `npx quakeslide up` first), LocalStack or AWS (QUAKESLIDE_TARGET=aws and the bucket
// variables; see docs/local.md).
//
//   node --import tsx examples/client/hazard-map.ts [OUT_DIR]     (default out/client-example)

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Quakeslide, type Run } from "quakeslide";

const outDir = process.argv[2] ?? "out/client-example";
const qs = new Quakeslide({ stateDir: process.env.QUAKESLIDE_STATE_DIR });

/** Waits for a run, printing its progress; throws with the run's error when it did not succeed. */
async function finish(run: Run): Promise<Record<string, unknown>> {
  const done = await qs.waitForRun(run.id, {
    onProgress: (fraction, message) =>
      console.log(
        `  ${run.flow}: ${fraction === undefined ? "" : `${Math.round(fraction * 100)}% `}${message}`,
      ),
  });
  console.log(`${run.flow} ${done.status}`);
  if (done.status !== "SUCCEEDED")
    throw new Error(`${run.flow} ${done.status}: ${done.error}: ${done.cause}`);
  return done.output as Record<string, unknown>;
}

try {
  // 1. Inputs. Soil samples are synthetic (thickness 1-3 m at fixed points), as in the notebook.
  const dem = await qs.upload("data/ecuador/dem.tif", "dem/ecuador.tif");
  const covariates = await qs.upload("data/ecuador/ta.tif", "covariates/susceptibility.tif");
  const record = await qs.upload("data/records/RSN763_LOMAP_GIL067.AT2", "records/gilroy-1989.AT2");
  const samples = ["x,y,thickness"];
  for (let i = 0; i < 36; i++) {
    const [col, row] = [20 + 55 * (i % 6), 20 + 60 * Math.floor(i / 6)];
    samples.push(
      `${711_962.73 + (col + 0.5) * 10},${9_561_011.76 - (row + 0.5) * 10},${(1 + ((i * 7) % 11) / 5.5).toFixed(2)}`,
    );
  }
  const soil = await qs.upload(
    new TextEncoder().encode(`${samples.join("\n")}\n`),
    "soil/thickness-example.csv",
  );

  // 2. The model: an inventory with a 0/1 `landslide` column. (Writing under inventory/ also
  // starts `retrain` through the deployment's rule with these same inputs: both runs write the
  // same deterministic keys.)
  const points = readFileSync("data/ecuador/lsl.csv", "utf8").trim().split("\n").slice(1);
  const inventoryCsv = `x,y,landslide\n${points
    .map((line) => {
      const [x, y, label] = line.split(",");
      return `${x},${y},${label === '"TRUE"' ? 1 : 0}`;
    })
    .join("\n")}\n`;
  const inventoryBytes = new TextEncoder().encode(inventoryCsv);
  const inventory = await qs.upload(inventoryBytes, "inventory/ecuador-client.csv");
  const retrained = await finish(
    await qs.startRun("retrain", {
      inventory,
      size: inventoryBytes.length,
      covariates,
      batchThresholdBytes: 5_000_000,
      train: { params: { label: "landslide" } },
      predict: { params: {} },
    }),
  );

  // 3. The hazard pipeline.
  const steps = (await finish(
    await qs.startRun("hazard-pipeline", {
      dem,
      krige: {
        samples: soil,
        target: "thickness",
        params: { value: "thickness", cv: "none", variogram: "exp(nugget=0.01,psill=0.3,range=800)" },
      },
      stability: { inputs: {}, params: { cohesion: 15, frictionAngle: 35, unitWeight: 19, saturation: 0.2 } },
      newmark: { inputs: { record }, params: {} },
      susceptibility: { inputs: { model: retrained.model as string, covariates }, params: {} },
    }),
  )) as Record<string, string>;

  // 4. Download every COG and manifest; each file's SHA-256 must be the one its manifest lists.
  for (const [step, prefixUri] of Object.entries(steps)) {
    const prefix = prefixUri.replace(/^s3:\/\/[^/]+\//, "");
    const local = (key: string) => join(outDir, step, key.slice(prefix.length));
    const objects = (await qs.listOutputs(prefix)).filter((o) => /\.(tif|json)$/.test(o.key));
    for (const object of objects) await qs.download(object.key, local(object.key));
    const manifest = JSON.parse(readFileSync(local(`${prefix}manifest.json`), "utf8")) as {
      outputs: Record<string, { sha256: string }>;
    };
    for (const object of objects.filter((o) => o.key.endsWith(".tif"))) {
      const name = object.key.slice(prefix.length);
      const sha256 = createHash("sha256")
        .update(readFileSync(local(object.key)))
        .digest("hex");
      if (sha256 !== manifest.outputs[name]?.sha256)
        throw new Error(`${step}/${name}: checksum differs from the manifest`);
    }
    console.log(`${step}: ${objects.length} files in ${join(outDir, step)} (checksums match the manifest)`);
  }
  console.log(`open them in QGIS, or: npx quakeslide dashboard --run ${outDir} --dem data/ecuador/dem.tif`);
} finally {
  qs.destroy();
}
