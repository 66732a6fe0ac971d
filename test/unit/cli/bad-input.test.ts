import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Grid, writeCog } from "../../../core/raster/index.ts";
import { runQuakeslide } from "../../helpers/run-cli.ts";

// The hostile-user sweep of issue 15, as a table: bad inputs against every verb (missing,
// truncated, non-georeferenced or non-TIFF rasters, mismatched grids and CRS, nodata everywhere,
// empty or binary CSVs, wrong columns, negative/NaN/huge/hexadecimal values, unknown options,
// folders given as files, --out problems). Each must exit 2 with one line that starts with the
// verb, names the file when there is one and says the problem, and leave no output and no
// temporary folder behind. The count of cases is printed for the closing note.

const scratch = mkdtempSync(join(tmpdir(), "quakeslide-bad-input-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const at = (name: string) => join(scratch, name);

const DEM = "data/ecuador/dem.tif";
const TA = "data/ecuador/ta.tif";
const LSL = "data/ecuador/lsl.csv";
const MEUSE = "test/fixtures/geostat/meuse.csv";
const MEUSE_GRID = "test/fixtures/geostat/meuse_grid.csv";
const RECORD = "data/records/RSN763_LOMAP_GIL067.AT2";
const HILL = "examples/scenarios/hill-two-layers.json";
const NO_GEOREF = "test/fixtures/terrain/no_georef.tif";
const ALL_NODATA = "test/fixtures/terrain/all_nodata.tif";
const HUGE = "test/fixtures/limits/huge-50000x50000.tif";

const grid: Grid = {
  width: 4,
  height: 3,
  transform: [500000, 10, 0, 9800000, 0, -10],
  crs: { epsg: 32717, geographic: false },
};

async function raster(name: string, values: number[], on: Partial<Grid> = {}): Promise<void> {
  await writeCog(at(name), { ...grid, ...on, bands: [Float32Array.from(values)], nodata: Number.NaN });
}

const soil = ["--friction-angle", "32", "--unit-weight", "18", "--thickness", "2.5", "--saturation", "0.3"];
const scalar = (...changes: string[]) => [
  "stability",
  "--slope",
  "30",
  "--cohesion",
  "15",
  ...soil,
  ...changes,
];
const maps = (...changes: string[]) => [
  "stability",
  "--slope",
  at("slope.tif"),
  "--cohesion",
  "15",
  ...soil,
  ...changes,
];
const ecuador = ["--inventory", LSL, "--label", "lslpts", "--features", "slope,elev"];

before(async () => {
  const twelve = [10, 20, 30, 40, 10, 20, 30, 40, 10, 20, 30, 40];
  await raster("slope.tif", twelve);
  await raster("shifted.tif", twelve, { transform: [500005, 10, 0, 9800000, 0, -10] });
  await raster("other-crs.tif", twelve, { crs: { epsg: 32617, geographic: false } });
  await raster("bigger.tif", [...twelve, 1, 2, 3, 4], { height: 4 });
  await raster("cohesion-negative.tif", [5, 5, 5, 5, 5, -3, 5, 5, 5, 5, 5, 5]);
  await raster("nan.tif", Array(12).fill(Number.NaN));
  await raster("slope-one-cell.tif", [30, ...Array(11).fill(Number.NaN)]);
  await raster("cohesion-but-one-cell.tif", [Number.NaN, ...Array(11).fill(5)]);
  const nan = Float32Array.from(Array(12).fill(Number.NaN));
  await writeCog(at("covariates-nan.tif"), {
    ...grid,
    bands: [nan, nan, nan],
    bandNames: ["slope", "elev", "cplan"],
    nodata: Number.NaN,
  });
  writeFileSync(
    at("near.csv"),
    "x,y,v\n500005,9799995,1\n500015,9799985,2\n500025,9799975,4\n500035,9799995,3\n",
  );
  const model = await runQuakeslide([
    "susceptibility",
    "train",
    "--inventory",
    LSL,
    "--label",
    "lslpts",
    "--features",
    "slope,elev,cplan",
    "--trees",
    "2",
    "--cv-repeats",
    "0",
    "--out",
    at("model"),
  ]);
  assert.equal(model.code, 0, model.stderr);
  await raster("ac-negative.tif", [0.1, 0.1, -0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]);
  await raster("pga.tif", Array(12).fill(0.3));
  writeFileSync(at("text.tif"), "this is a text file with a .tif name\n");
  const cog = readFileSync("test/fixtures/terrain/cog_64.tif");
  writeFileSync(at("cut.tif"), cog.subarray(0, Math.floor(cog.length * 0.6)));
  writeFileSync(at("empty.csv"), "");
  writeFileSync(at("header.csv"), "x,y,zinc\n");
  writeFileSync(at("words.csv"), "x,y,zinc\n181072,333611,high\n181025,333558,low\n");
  writeFileSync(at("hex.csv"), "x,y,zinc\n181072,333611,0x1E\n181025,333558,12\n181165,333537,13\n");
  writeFileSync(at("binary.bin"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 1, 2, 3, 255, 0, 7]));
  writeFileSync(at("record-hex.txt"), "# dt_s=0.01\n0.01\n0x1E\n0.02\n");
  writeFileSync(at("record-empty.txt"), "# dt_s=0.01\n");
  writeFileSync(at("record-plain.txt"), "0.01 0.02\n-0.01 0.0\n");
  writeFileSync(at("record-nan.txt"), "# dt_s=0.01\n0.01\nNaN\n");
  writeFileSync(at("record-huge.txt"), "# dt_s=0.01\n0.01\n1e300\n");
  writeFileSync(at("not-json.json"), '{"name": "x", ');
  const hill = JSON.parse(readFileSync(HILL, "utf8"));
  const scenario = (name: string, edit: (s: typeof hill) => void) => {
    const copy = structuredClone(hill);
    edit(copy);
    writeFileSync(at(name), JSON.stringify(copy));
  };
  scenario("vs-too-fast.json", (s) => (s.layers[0].vs = 1000));
  scenario("reversed.json", (s) => (s.domain.xmax = -10));
  scenario("unstable-dt.json", (s) => (s.time.dt_s = 0.5));
  scenario("tiny-elements.json", (s) => (s.mesh.element_size_m = 0.05));
  scenario("long.json", (s) => {
    s.time.duration_s = 1e9;
    delete s.output;
  });
  scenario("receiver-outside.json", (s) => (s.receivers = [{ name: "far", x: 99999, z: 0 }]));
  scenario("bad-receiver-name.json", (s) => (s.receivers = [{ name: "a b/c", x: 100, z: "surface" }]));
  mkdirSync(at("a-folder"));
  writeFileSync(at("existing-file"), "mine");
  writeFileSync(at("labels.csv"), "x,y,slide,a\n0,0,maybe,1\n1,1,1,2\n");
});

type Case = {
  /** The command line (without --out, which the case adds when `out` is set). */
  args: string[];
  /** What the one line must say. */
  says: RegExp;
  /** A file the message must name. */
  names?: string;
  /** The verb writes to --out: give it one, and check that it does not appear. */
  out?: boolean;
};

const cases: Case[] = [];
const add = (args: string[], says: RegExp, names?: string, out = true) =>
  cases.push({ args, says, names, out });

// terrain
add(["terrain", "--dem", at("nothing.tif")], /file not found/, "nothing.tif");
add(["terrain", "--dem", at("text.tif")], /not a readable TIFF/, "text.tif");
add(["terrain", "--dem", at("cut.tif")], /is truncated/, "cut.tif");
add(["terrain", "--dem", NO_GEOREF], /has no georeferencing/, NO_GEOREF);
add(["terrain", "--dem", ALL_NODATA], /every cell of the DEM is nodata/, ALL_NODATA);
add(["terrain", "--dem", at("a-folder")], /is a folder, not a GeoTIFF/, "a-folder");
add(["terrain", "--dem", at("binary.bin")], /not a readable TIFF/, "binary.bin");
add(["terrain", "--dem", DEM, "--method", "steepest"], /--method: must be one of horn, zevenbergen-thorne/);
add(["terrain", "--dem", DEM, "--band", "0"], /--band: must be >= 1, got 0/);
add(["terrain", "--dem", DEM, "--band", "9"], /band 9 does not exist/, DEM);
add(["terrain", "--dem", DEM, "--threads", "0"], /--threads: must be >= 1, got 0/);
add(["terrain", "--dem", DEM, "--threads", "1.5"], /--threads: must be a whole number, got 1\.5/);
add(["terrain", "--dem", DEM, "--threads", "0x2"], /--threads: "0x2" is not a decimal number/);
add(["terrain", "--out", at("t")], /missing required option --dem/, undefined, false);
add(["terrain", "--dem", DEM, "--slope", "x"], /unknown option --slope/);
add(["terrain", "--dem", DEM, "--compute-edges=yes"], /--compute-edges is a flag/);
add(
  ["terrain", "--dem", DEM, "--out", at("existing-file")],
  /is a file, not a folder/,
  "existing-file",
  false,
);
add(["terrain", "--dem", HUGE], /needs about .* above the limit of 4 GB/, HUGE);
add(["terrain", "--dem", DEM, "--memory-limit-gb", "-1"], /--memory-limit-gb: must be > 0, got -1/);
add(["terrain", "--dem"], /option --dem needs a value/, undefined, false);

// krige
add(
  ["krige", "--samples", at("nothing.csv"), "--value", "zinc", "--grid", MEUSE_GRID],
  /no such file/,
  "nothing.csv",
);
add(
  ["krige", "--samples", at("binary.bin"), "--value", "zinc", "--grid", MEUSE_GRID],
  /is not a text file/,
  "binary.bin",
);
add(
  ["krige", "--samples", at("empty.csv"), "--value", "zinc", "--grid", MEUSE_GRID],
  /is empty: a CSV with a header line/,
  "empty.csv",
);
add(
  ["krige", "--samples", at("header.csv"), "--value", "zinc", "--grid", MEUSE_GRID],
  /no sample rows/,
  "header.csv",
);
add(
  ["krige", "--samples", at("words.csv"), "--value", "zinc", "--grid", MEUSE_GRID],
  /line 2, column "zinc": "high" is not a number/,
  "words.csv",
);
add(
  ["krige", "--samples", at("hex.csv"), "--value", "zinc", "--grid", MEUSE_GRID],
  /line 2, column "zinc": "0x1E" is not a number/,
  "hex.csv",
);
add(["krige", "--samples", MEUSE, "--value", "nope", "--grid", MEUSE_GRID], /no column "nope"/, MEUSE);
add(
  ["krige", "--samples", MEUSE, "--value", "zinc", "--grid", at("text.tif")],
  /not a readable TIFF/,
  "text.tif",
);
add(
  ["krige", "--samples", MEUSE, "--value", "zinc", "--grid", at("a-folder")],
  /is a folder, not a CSV table/,
  "a-folder",
);
add(
  ["krige", "--samples", MEUSE, "--value", "zinc", "--grid", MEUSE_GRID, "--nmax", "0"],
  /--nmax: must be >= 1, got 0/,
);
add(
  ["krige", "--samples", MEUSE, "--value", "zinc", "--grid", MEUSE_GRID, "--cv", "1"],
  /--cv: must be >= 2, got 1/,
);
add(
  ["krige", "--samples", MEUSE, "--value", "zinc", "--grid", MEUSE_GRID, "--cv", "many"],
  /--cv: must be "loo", "none" or a number, got "many"/,
);
add(
  ["krige", "--samples", MEUSE, "--value", "zinc", "--grid", MEUSE_GRID, "--cutoff", "-5"],
  /--cutoff: must be > 0, got -5/,
);
add(
  ["krige", "--samples", MEUSE, "--value", "zinc", "--grid", MEUSE_GRID, "--seed", "0x10"],
  /--seed: "0x10" is not a decimal number/,
);
add(
  ["krige", "--samples", MEUSE, "--value", "zinc", "--grid", MEUSE_GRID, "--duplicates", "keep"],
  /--duplicates: must be one of error, average/,
);
add(
  [
    "krige",
    "--samples",
    MEUSE,
    "--value",
    "zinc",
    "--grid",
    MEUSE_GRID,
    "--variogram",
    "sph(nugget=-1,psill=1,range=100)",
  ],
  /nugget/,
);
add(["krige", "--samples", MEUSE, "--value", "zinc", "--grid", MEUSE_GRID, "--variogram", "wavy"], /wavy/);
add(
  ["krige", "--samples", MEUSE, "--value", "zinc", "--grid", MEUSE_GRID, "--directions", "0,north"],
  /--directions: "north" is not a decimal number/,
);
add(["krige", "--samples", MEUSE, "--value", "zinc", "--grid", HUGE], /needs about .* above the limit/, HUGE);
add(
  ["krige", "--samples", MEUSE, "--value", "zinc", "--grid", MEUSE_GRID, "--out", at("existing-file")],
  /is a file, not a folder/,
  "existing-file",
  false,
);

// stability, one slope
add(
  scalar("--cohesion", "-1"),
  /--cohesion: must be in the physical range \[0, 100000\] kPa, got -1/,
  undefined,
  false,
);
add(
  scalar("--saturation", "1.3"),
  /--saturation: must be in the physical range \[0, 1\] fraction, got 1\.3/,
  undefined,
  false,
);
add(
  scalar("--friction-angle", "90"),
  /--friction-angle: must be in the physical range \[0, 90\) degrees, got 90/,
  undefined,
  false,
);
add(
  ["stability", "--slope", "95", "--cohesion", "15", ...soil],
  /--slope: must be in the physical range \[0, 90\) degrees, got 95/,
  undefined,
  false,
);
add(
  ["stability", "--slope", "0x1E", "--cohesion", "15", ...soil],
  /--slope: "0x1E" is neither a decimal number nor an existing file/,
  undefined,
  false,
);
add(
  scalar("--unit-weight", "0"),
  /--unit-weight: must be in the physical range \[1, 100\] kN\/m3, got 0/,
  undefined,
  false,
);
add(scalar("--thickness", "Infinity"), /--thickness: "Infinity" is not a decimal number/, undefined, false);
add(
  scalar("--water-unit-weight", "1e"),
  /--water-unit-weight: "1e" is not a decimal number/,
  undefined,
  false,
);
add(
  scalar("--water-unit-weight", "NaN"),
  /--water-unit-weight: "NaN" is not a decimal number/,
  undefined,
  false,
);
add(
  ["stability", "--slope", "30", "--cohesion", "15", "--friction-angle", "32"],
  /missing required option --unit-weight/,
  undefined,
  false,
);
add(
  scalar("--cohesion", at("slope.tif")),
  /--cohesion: ".*slope\.tif" is not a decimal number/,
  undefined,
  false,
);
add(scalar("--out", at("s")), /--out writes maps/, undefined, false);
add(
  scalar("--cohesion", "1e300"),
  /--cohesion: must be in the physical range \[0, 100000\] kPa, got 1e\+300/,
  undefined,
  false,
);
add(
  scalar("--thickness", "1e-300"),
  /--thickness: must be in the physical range \[0\.01, 1000\] m, got 1e-300/,
  undefined,
  false,
);
// stability, maps
add(["stability", "--slope", at("text.tif"), "--cohesion", "15", ...soil], /not a readable TIFF/, "text.tif");
add(
  ["stability", "--slope", at("a-folder"), "--cohesion", "15", ...soil],
  /is a folder, not a GeoTIFF/,
  "a-folder",
);
add(maps("--cohesion", at("shifted.tif")), /not on the same grid/, "shifted.tif");
add(
  maps("--cohesion", at("other-crs.tif")),
  /not on the same grid: CRS differs \(EPSG:32617 vs EPSG:32717\)/,
  "other-crs.tif",
);
add(
  maps("--cohesion", at("bigger.tif")),
  /not on the same grid: shape differs \(4x4 vs 4x3 cells\)/,
  "bigger.tif",
);
add(
  maps("--cohesion", at("cohesion-negative.tif")),
  /cell \(col 1, row 1\): cohesion must be in the physical range \[0, 100000\] kPa, got -3/,
  "cohesion-negative.tif",
);
add(maps("--cohesion", at("nothing.tif")), /file not found/, "nothing.tif");
add(maps("--cohesion", "-1"), /--cohesion: must be in the physical range/);
add(["stability", "--slope", HUGE, "--cohesion", "15", ...soil], /needs about .* above the limit/, HUGE);
add(
  ["stability", "--slope", at("nan.tif"), "--cohesion", "15", ...soil],
  /every cell is nodata: nothing to compute/,
  "nan.tif",
);
add(maps("--cohesion", at("nan.tif")), /every cell is nodata: nothing to compute/, "nan.tif");
add(
  ["stability", "--slope", at("slope-one-cell.tif"), "--cohesion", at("cohesion-but-one-cell.tif"), ...soil],
  /no cell has data in every input .*: their nodata cells cover the grid/,
  "slope-one-cell.tif",
);

// newmark (one record)
add(["newmark", "--record", at("nothing.AT2"), "--ac", "0.1"], /no such file/, "nothing.AT2", false);
add(
  ["newmark", "--record", at("binary.bin"), "--ac", "0.1"],
  /is not a text file \(binary data at byte 4\)/,
  "binary.bin",
  false,
);
add(
  ["newmark", "--record", at("a-folder"), "--ac", "0.1"],
  /is a folder, not an acceleration record/,
  "a-folder",
  false,
);
add(
  ["newmark", "--record", at("record-empty.txt"), "--ac", "0.1"],
  /holds no acceleration values/,
  "record-empty.txt",
  false,
);
add(
  ["newmark", "--record", at("record-hex.txt"), "--ac", "0.1"],
  /line 3: "0x1E" is not a decimal number/,
  "record-hex.txt",
  false,
);
add(
  ["newmark", "--record", at("record-nan.txt"), "--ac", "0.1"],
  /line 3: "NaN" is not a decimal number/,
  "record-nan.txt",
  false,
);
add(
  ["newmark", "--record", at("record-plain.txt"), "--ac", "0.1"],
  /does not state its time step: give --dt/,
  "record-plain.txt",
  false,
);
add(
  ["newmark", "--record", at("record-huge.txt"), "--ac", "0.1"],
  /sample 2 is 1\.000e\+300 g after conversion to g; no ground motion passes 100 g/,
  "record-huge.txt",
  false,
);
add(
  ["newmark", "--record", RECORD, "--ac", "0.1", "--scale", "1e6"],
  /no ground motion passes 100 g/,
  RECORD,
  false,
);
add(["newmark", "--record", RECORD, "--ac", "-0.1"], /--ac: must be >= 0, got -0\.1/, undefined, false);
add(
  ["newmark", "--record", RECORD, "--ac", "0.1,,0.2"],
  /--ac: "" is not a decimal number/,
  undefined,
  false,
);
add(["newmark", "--record", RECORD], /missing required option --ac/, undefined, false);
add(
  ["newmark", "--record", at("record-plain.txt"), "--ac", "0.1", "--dt", "0"],
  /--dt: must be > 0, got 0/,
  undefined,
  false,
);
add(
  ["newmark", "--record", at("record-plain.txt"), "--ac", "0.1", "--dt", "0x1"],
  /--dt: "0x1" is not a decimal number/,
  undefined,
  false,
);
add(
  ["newmark", "--record", RECORD, "--ac", "0.1", "--units", "furlongs"],
  /unknown acceleration units "furlongs"/,
  RECORD,
  false,
);
add(
  ["newmark", "--record", RECORD, "--ac", "0.1", "--scale", "0"],
  /--scale: must not be 0/,
  undefined,
  false,
);
add(
  ["newmark", "--record", RECORD, "--ac", "0.1", "--dt", "0.5"],
  /states dt = 0\.005 s but --dt says 0\.5 s/,
  RECORD,
  false,
);

// newmark-map
add(
  ["newmark-map", "--ac", at("ac-negative.tif"), "--record", RECORD],
  /cell \(col 2, row 0\): a_c \(g\) = -0\.2000000 is negative/,
  "ac-negative.tif",
);
add(["newmark-map", "--ac", at("text.tif"), "--record", RECORD], /not a readable TIFF/, "text.tif");
add(
  [
    "newmark-map",
    "--ac",
    at("slope.tif"),
    "--record",
    RECORD,
    "--pga",
    at("pga.tif"),
    "--model",
    "jibson2007",
  ],
  /give either a record .* or a PGA raster/,
);
add(["newmark-map", "--ac", at("slope.tif")], /give either a record .* or a PGA raster/);
add(
  ["newmark-map", "--ac", at("slope.tif"), "--pga", at("pga.tif")],
  /--model: a model is required with a PGA raster/,
);
add(
  ["newmark-map", "--ac", at("slope.tif"), "--pga", at("pga.tif"), "--model", "saygili-rathje2008"],
  /--pgv: saygili-rathje2008 needs a PGV raster/,
);
add(
  [
    "newmark-map",
    "--ac",
    at("slope.tif"),
    "--pga",
    at("pga.tif"),
    "--model",
    "jibson2007-m",
    "--magnitude",
    "12",
  ],
  /--magnitude: must be <= 10, got 12/,
);
add(
  ["newmark-map", "--ac", at("slope.tif"), "--pga", at("pga.tif"), "--model", "newmark1965"],
  /--model: must be one of/,
);
add(
  ["newmark-map", "--ac", at("slope.tif"), "--pga", at("shifted.tif"), "--model", "jibson2007"],
  /not on the same grid/,
  "shifted.tif",
);
add(
  ["newmark-map", "--ac", at("slope.tif"), "--record", RECORD, "--threshold", "-5"],
  /--threshold: must be > 0, got -5/,
);
add(
  ["newmark-map", "--ac", at("slope.tif"), "--record", RECORD, "--polarity", "sideways"],
  /--polarity: must be one of normal, inverse, mean, max/,
);
add(
  ["newmark-map", "--ac", at("slope.tif"), "--record", at("binary.bin")],
  /is not a text file/,
  "binary.bin",
);
add(["newmark-map", "--ac", HUGE, "--record", RECORD], /needs about .* above the limit/, HUGE);
add(
  ["newmark-map", "--ac", at("nan.tif"), "--record", RECORD],
  /every cell is nodata: nothing to compute/,
  "nan.tif",
);
add(
  ["newmark-map", "--ac", at("slope.tif"), "--pga", at("nan.tif"), "--model", "jibson2007"],
  /every cell is nodata: nothing to compute/,
  "nan.tif",
);
add(
  ["krige", "--samples", at("near.csv"), "--value", "v", "--grid", at("nan.tif")],
  /every cell of the template is nodata: nothing to predict/,
  "nan.tif",
);
add(
  ["susceptibility", "predict", "--model", at("model/model.json"), "--covariates", at("covariates-nan.tif")],
  /every cell has a nodata covariate: nothing to predict/,
  "covariates-nan.tif",
);

// sem
add(["sem", "--model", at("nothing.json")], /no such file/, "nothing.json");
add(["sem", "--model", at("not-json.json")], /not valid JSON/, "not-json.json");
add(["sem", "--model", at("binary.bin")], /is not a text file/, "binary.bin");
add(["sem", "--model", at("a-folder")], /is a folder, not a scenario/, "a-folder");
add(["sem", "--model", at("vs-too-fast.json")], /layers\.0\.vs: vs must be below vp\/√2/, "vs-too-fast.json");
add(["sem", "--model", at("reversed.json")], /domain\.xmax: must be greater than xmin/, "reversed.json");
add(
  ["sem", "--model", at("unstable-dt.json")],
  /time\.dt_s = 0\.5 s is above the stability limit/,
  "unstable-dt.json",
);
add(["sem", "--model", at("tiny-elements.json")], /needs about .* above the limit/, "tiny-elements.json");
add(["sem", "--model", at("long.json")], /time steps.* above the limit/, "long.json");
add(
  ["sem", "--model", at("receiver-outside.json")],
  /receiver far at x = 99999 m lies outside the domain/,
  "receiver-outside.json",
);
add(
  ["sem", "--model", at("bad-receiver-name.json")],
  /receivers\.0\.name: letters, digits, _ \. - only/,
  "bad-receiver-name.json",
);
add(["sem", "--model", HILL, "--threads", "0"], /--threads: must be >= 1, got 0/);
add(["sem", "--model", HILL, "--ac", "-1"], /--ac: must be >= 0, got -1/);
add(
  ["sem", "--model", HILL, "--out", at("existing-file")],
  /is a file, not a folder/,
  "existing-file",
  false,
);

// susceptibility
add(["susceptibility", "fit"], /unknown sub-verb "fit"/, undefined, false);
add(["susceptibility"], /missing sub-verb/, undefined, false);
add(
  ["susceptibility", "train", "--inventory", at("nothing.csv"), "--label", "lslpts", "--features", "slope"],
  /no such file/,
  "nothing.csv",
);
add(
  ["susceptibility", "train", "--inventory", at("binary.bin"), "--label", "lslpts", "--features", "slope"],
  /is not a text file/,
  "binary.bin",
);
add(
  ["susceptibility", "train", "--inventory", at("empty.csv"), "--label", "lslpts", "--features", "slope"],
  /the inventory is empty/,
  "empty.csv",
);
add(
  ["susceptibility", "train", "--inventory", LSL, "--label", "nope", "--features", "slope"],
  /unknown label column "nope"/,
  LSL,
);
add(
  ["susceptibility", "train", "--inventory", LSL, "--label", "lslpts", "--features", "slope,nope"],
  /unknown feature column "nope"/,
  LSL,
);
add(
  ["susceptibility", "train", "--inventory", at("labels.csv"), "--label", "slide", "--features", "a"],
  /must hold 1\/0 or TRUE\/FALSE/,
  "labels.csv",
);
add(["susceptibility", "train", ...ecuador, "--trees", "0"], /--trees: must be >= 1, got 0/);
add(["susceptibility", "train", ...ecuador, "--trees", "1e9"], /--trees: must be <= 10000/);
add(["susceptibility", "train", ...ecuador, "--mtry", "0"], /--mtry: must be >= 1, got 0/);
add(
  ["susceptibility", "train", ...ecuador, "--sample-fraction", "2"],
  /--sample-fraction: must be <= 1, got 2/,
);
add(
  ["susceptibility", "train", ...ecuador, "--learner", "svm"],
  /--learner: must be one of rf, glm, got "svm"/,
);
add(["susceptibility", "train", ...ecuador, "--inner-folds", "3"], /--inner-folds belongs to --tune/);
add(["susceptibility", "train", ...ecuador, "--features", ""], /--features/);
add(
  ["susceptibility", "train", "--inventory", LSL, "--label", "lslpts", "--covariates", at("text.tif")],
  /not a readable TIFF/,
  "text.tif",
);
add(["susceptibility", "cv", ...ecuador, "--folds", "1"], /--folds: must be >= 2, got 1/, undefined, false);
add(
  ["susceptibility", "cv", ...ecuador, "--partition", "checkerboard"],
  /--partition: must be one of spatial, random/,
  undefined,
  false,
);
add(
  ["susceptibility", "cv", ...ecuador, "--repeats", "-2"],
  /--repeats: must be >= 1, got -2/,
  undefined,
  false,
);
add(
  ["susceptibility", "predict", "--model", at("binary.bin"), "--covariates", TA],
  /is not a text file/,
  "binary.bin",
);
add(
  ["susceptibility", "predict", "--model", at("nothing.json"), "--covariates", TA],
  /no such file/,
  "nothing.json",
);
add(
  ["susceptibility", "predict", "--model", at("not-json.json"), "--covariates", TA],
  /not valid JSON/,
  "not-json.json",
);
add(["susceptibility", "predict", "--model", at("a-folder"), "--covariates", TA], /is a folder/, "a-folder");
add(
  ["susceptibility", "evaluate", "--model", at("not-json.json"), "--inventory", LSL, "--threshold", "2"],
  /--threshold: must be <= 1, got 2/,
  undefined,
  false,
);
add(
  ["susceptibility", "explain", "--model", at("not-json.json"), "--inventory", LSL, "--repeats", "0"],
  /--repeats: must be >= 1, got 0/,
);

// ground-motion, hazard, run (issue 11)
const GMPE = ["ground-motion", "gmpe", "--model", "bssa14", "--mw", "6", "--rjb", "10"];
add(
  [...GMPE.slice(0, 3), "gmpe2", ...GMPE.slice(4)],
  /--model: must be "bssa14", got "gmpe2"/,
  undefined,
  false,
);
add(
  ["ground-motion", "gmpe", "--model", "bssa14", "--mw", "9", "--rjb", "10"],
  /--mw: must be <= 8\.5, got 9/,
  undefined,
  false,
);
add([...GMPE.slice(0, 7), "10,x"], /--rjb: "x" is not a decimal number/, undefined, false);
add([...GMPE, "--mechanism", "XX"], /--mechanism: must be one of SS, NS, RS, U, got "XX"/, undefined, false);
add(
  ["ground-motion", "map", "--grid", DEM, "--event", at("nothing.json")],
  /event file not found/,
  "nothing.json",
);
add(
  ["ground-motion", "map", "--grid", DEM, "--shakemap", at("binary.bin")],
  /not well-formed XML/,
  "binary.bin",
);
add(["ground-motion", "map", "--grid", DEM], /give an event .* or a ShakeMap grid\.xml/);
add(
  ["ground-motion", "map", "--grid", NO_GEOREF, "--event", "examples/events/ecuador-m65-scenario/event.json"],
  /has no georeferencing/,
  NO_GEOREF,
);
add(["hazard", "--pf", at("nothing.tif"), "--susceptibility", DEM], /file not found/, "nothing.tif");
add(["hazard", "--pf", DEM, "--susceptibility", DEM], /P\(f\) .* is outside \[0, 1\]/, DEM);
add(
  ["hazard", "--pf", DEM, "--susceptibility", DEM, "--pf-breaks", "0.3,0.2,0.1"],
  /--pf-breaks: the three breaks must increase/,
);
add(["run", "--scenario", at("nothing.json")], /scenario file not found/, "nothing.json");
add(["run", "--scenario", at("binary.bin")], /not a JSON scenario/, "binary.bin");
add(["run", "--out", at("existing-file")], /is a file, not a folder/, "existing-file", false);

// demo, and the command itself
add(["demo", "--out", at("existing-file")], /is a file, not a folder/, "existing-file", false);
add(["demo", "--outdir", at("d")], /unknown option --outdir \(did you mean --out\?\)/, undefined, false);
add(["landslide"], /unknown command "landslide"/, undefined, false);

let clean = 0;

test(`the hostile-user sweep: ${cases.length} bad inputs, each exits 2 with one clear line and no output`, async () => {
  const failures: string[] = [];
  for (const [index, { args, says, names, out }] of cases.entries()) {
    const outDir = at(`out-${index}`);
    const run = await runQuakeslide(out ? [...args, "--out", outDir] : args);
    const verb = args[0];
    const problems = [
      run.code !== 2 && `exit ${run.code}`,
      run.stderr.split("\n").length !== 1 && "more than one line",
      !run.stderr.startsWith(verb === "landslide" ? "quakeslide:" : `quakeslide ${verb}`) &&
        "does not start with the verb",
      !says.test(run.stderr) && `does not say ${says}`,
      names !== undefined && !run.stderr.includes(names) && `does not name ${names}`,
      existsSync(outDir) && "left an output folder",
      readdirSync(scratch).some((name) => name.includes(".tmp-")) && "left a temporary folder",
      run.stdout !== "" && "printed on stdout",
    ].filter(Boolean);
    if (problems.length === 0) clean++;
    else failures.push(`${args.join(" ")}\n    -> ${problems.join("; ")}\n    stderr: ${run.stderr}`);
  }
  console.log(`bad-input sweep: ${cases.length} cases, ${clean} exit cleanly`);
  assert.deepEqual(failures, []);
});
