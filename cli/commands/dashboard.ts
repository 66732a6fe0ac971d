import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../../core/errors.ts";
import { clientOptions, TARGET_HELP, TARGET_OPTIONS } from "../client/target-options.ts";
import { type Command, numberOption, parseOptions } from "../command.ts";
import { progressPrinter } from "../progress.ts";

const DEFAULT_RUN = "quakeslide-out";

const help = `Usage: quakeslide dashboard [--run DIR | --results S3-PREFIX] [--port 8080] [options]

Serves an interactive hazard map of a run's (or a campaign's) outputs on this machine, for a web
browser: a hillshade of the run's DEM as base map (no internet needed), every raster of the run as
a layer with its legend and opacity (susceptibility, a_c, D_N, P(f), hazard classes, exceedance,
slope, ...), a scenario selector for campaigns, the values of every layer at a clicked cell (read
from the full-resolution COG cell) with its D_N per scenario, a chart of exceedance against Mw,
and an export of the current view as PNG. Layers are found from the run's manifest.json (or the
GeoTIFFs in the folder); files of one name in sibling folders are one layer per scenario.
Maps are shown in the rasters' own CRS (no reprojection); all layers must share it.

Options:
  --run DIR           Run output folder (default ./${DEFAULT_RUN}, what \`quakeslide run\` writes).
  --results PREFIX    Or a prefix of the results bucket (s3://BUCKET/runs/... or runs/...): its
                      objects are copied to STATE_DIR/dashboard/<hash>/ first, then served.
  --dem FILE          DEM GeoTIFF for the hillshade when the run folder holds none.
  --port N            TCP port (default 8080; 0 takes a free one).
  --host ADDRESS      Interface to listen on (default 127.0.0.1: this machine only). Other
                      addresses expose the run's data to the network.
Options for --results:
${TARGET_HELP}

Stops on Ctrl-C. With --json, prints {"url", "layers", ...} as one line once serving.

Example:
  quakeslide run --out quakeslide-out && quakeslide dashboard
  quakeslide dashboard --run out/demo --dem data/ecuador/dem.tif --port 8090`;

export const dashboardCommand: Command = {
  name: "dashboard",
  help,
  async run(args) {
    const { values } = parseOptions(args, {
      ...TARGET_OPTIONS,
      run: { type: "string" },
      results: { type: "string" },
      dem: { type: "string" },
      port: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
    });
    if (values.run !== undefined && values.results !== undefined)
      throw new InputError("give --run or --results, not both");
    const port = numberOption(values.port, "port", 8080);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new InputError(`--port must be an integer from 0 to 65535, got ${values.port}`);
    const root =
      values.results !== undefined ? await copyResults(values.results, values) : runFolder(values.run);
    if (values.dem !== undefined && !existsSync(values.dem))
      throw new InputError("file not found", { file: values.dem });
    const { startDashboard } = await import("../../dashboard/server/server.ts");
    const dashboard = await startDashboard({ root, dem: values.dem, port, host: values.host });
    const { catalog } = dashboard;
    if (values.json) {
      console.log(
        JSON.stringify({
          url: dashboard.url,
          root: catalog.root,
          layers: catalog.layers.map((l) => ({ id: l.id, title: l.title, files: l.files.map((f) => f.rel) })),
          scenarios: catalog.scenarios,
          base: catalog.base?.source ?? null,
          skipped: catalog.skipped,
        }),
      );
    } else {
      console.log(`Quakeslide dashboard of ${catalog.root}: ${dashboard.url}`);
      console.log(
        `${catalog.layers.length} layers${catalog.scenarios.length ? `, ${catalog.scenarios.length} scenarios` : ""}; base map: ${catalog.base ? `hillshade of ${catalog.base.source}` : "none (no DEM; see --dem)"}`,
      );
      for (const skipped of catalog.skipped) console.error(`not shown: ${skipped.file}: ${skipped.reason}`);
      console.log("Ctrl-C stops it.");
    }
    await new Promise<void>((done) => {
      process.once("SIGINT", done);
      process.once("SIGTERM", done);
    });
    await dashboard.close();
    return 0;
  },
};

function runFolder(run: string | undefined): string {
  const folder = run ?? DEFAULT_RUN;
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    const hint = run === undefined ? ` (the default; give --run DIR or --results PREFIX)` : "";
    throw new InputError(`run folder not found${hint}`, { file: folder });
  }
  return resolve(folder);
}

/** Copies the objects under a results prefix next to the runtime state, skipping unchanged ones. */
async function copyResults(
  prefixText: string,
  values: { target?: string; region?: string; profile?: string; "state-dir"?: string; json?: boolean },
): Promise<string> {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(prefixText);
  const [bucket, prefix] = match ? [match[1], match[2]] : [undefined, prefixText];
  if (!prefix || prefix.startsWith("/"))
    throw new InputError(`--results needs a key prefix, e.g. runs/terrain/<hash>/, got "${prefixText}"`);
  const { Quakeslide } = await import("../client/index.ts");
  const client = new Quakeslide({ ...clientOptions(values), ...(bucket ? { resultsBucket: bucket } : {}) });
  try {
    const objects = (await client.listOutputs(prefix)).filter((o) => !o.key.endsWith("/"));
    if (objects.length === 0) throw new InputError(`no objects under ${prefixText}`);
    const digest = createHash("sha256")
      .update(`${client.config.target}\n${bucket ?? client.config.resultsBucket}\n${prefix}`)
      .digest("hex");
    const root = join(resolve(values["state-dir"] ?? ".quakeslide"), "dashboard", digest.slice(0, 16));
    const base = prefix.endsWith("/") ? prefix : prefix.slice(0, prefix.lastIndexOf("/") + 1);
    const progress = progressPrinter("download", values.json === true);
    for (const [index, object] of objects.entries()) {
      const relative = object.key.slice(base.length);
      if (relative.split("/").some((part) => part === ".." || part === "." || part === "")) continue;
      const local = join(root, relative);
      if (!existsSync(local) || statSync(local).size !== object.size)
        await client.download(object.key, local);
      progress((index + 1) / objects.length, relative);
    }
    return root;
  } finally {
    client.destroy();
  }
}
