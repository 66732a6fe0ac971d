import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { z } from "zod";
import { verbOptions } from "../../../cli/options.ts";
import { InputError } from "../../../core/errors.ts";
import { susceptibilityTrainOptionsSchema } from "../../../core/ml/schema.ts";
import { parseDecimal, parseOptionsWith } from "../../../core/options.ts";
import { stabilityOptionsSchema } from "../../../core/stability/schema.ts";
import { runQuakeslide } from "../../helpers/run-cli.ts";

const scratch = mkdtempSync(join(tmpdir(), "quakeslide-options-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Asserts an InputError whose message matches `pattern`. */
function refused(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof InputError, `an InputError, got ${error}`);
    assert.match(error.message, pattern);
    return true;
  });
}

test("decimal numbers only: hexadecimal, a dangling exponent, blanks and infinities are not numbers", () => {
  for (const [text, value] of [
    ["30", 30],
    ["-0.5", -0.5],
    [".5", 0.5],
    ["1e-3", 0.001],
    ["+2E2", 200],
    ["5.", 5],
  ] as const)
    assert.equal(parseDecimal(text), value, text);
  // Number() reads the first three as 30, 0 and 0, the others as infinities or NaN.
  for (const text of [
    "0x1E",
    "",
    " ",
    "1e",
    "Infinity",
    "-Infinity",
    "1e999",
    "NaN",
    "1_000",
    "0b11",
    " 5",
    "5 ",
  ])
    assert.equal(parseDecimal(text), undefined, JSON.stringify(text));
});

const schema = z.object({
  dem: z.string().min(1),
  outDir: z.string().min(1),
  frictionAngle: z.union([z.number().min(0), z.string().min(1)]),
  waterUnitWeight: z.number().positive().default(9.81),
  method: z.enum(["horn", "zevenbergen-thorne"]).default("horn"),
  computeEdges: z.boolean().default(false),
  ac: z.array(z.number().min(0)).optional(),
  covariates: z.array(z.string()).default([]),
});
const options = verbOptions(schema, {
  fields: { covariates: { option: "covariate", repeat: true } },
  extra: { json: { type: "boolean" } },
});
const base = ["--dem", "d.tif", "--out", "o", "--friction-angle", "32"];

test("each schema field is its --kebab-case option, outDir is --out, defaults come from the schema", () => {
  assert.deepEqual(options.names, [
    "dem",
    "out",
    "friction-angle",
    "water-unit-weight",
    "method",
    "compute-edges",
    "ac",
    "covariate",
    "json",
  ]);
  const { options: parsed, flags } = options.parse([
    ...base,
    "--compute-edges",
    "--ac",
    "0.02, 0.05",
    "--covariate",
    "a.tif",
    "--covariate",
    "b.tif",
    "--json",
  ]);
  assert.deepEqual(parsed, {
    dem: "d.tif",
    outDir: "o",
    frictionAngle: 32,
    waterUnitWeight: 9.81,
    method: "horn",
    computeEdges: true,
    ac: [0.02, 0.05],
    covariates: ["a.tif", "b.tif"],
  });
  assert.equal(flags.json, true);
  assert.equal(options.defaultOf("water-unit-weight"), 9.81);
  assert.equal(options.defaultOf("method"), "horn");
  // A number-or-path field: a decimal is a number, anything else a path.
  assert.equal(
    options.parse([...base.slice(0, 4), "--friction-angle", "phi.tif"]).options.frictionAngle,
    "phi.tif",
  );
  // A negative number after an option is its value (parseArgs alone calls it ambiguous).
  refused(
    () => options.parse([...base, "--water-unit-weight", "-1"]),
    /^--water-unit-weight: must be > 0, got -1$/,
  );
});

test("every bad value names the option the user typed, on one line", () => {
  const cases: [string[], RegExp][] = [
    [["--dem", "d.tif", "--friction-angle", "32"], /^missing required option --out \(see --help\)$/],
    [[...base, "--water-unit-weight", "0x1E"], /^--water-unit-weight: "0x1E" is not a decimal number$/],
    [[...base, "--water-unit-weight", "1e"], /^--water-unit-weight: "1e" is not a decimal number$/],
    [[...base, "--water-unit-weight", " "], /^--water-unit-weight: " " is not a decimal number$/],
    [[...base, "--water-unit-weight", "Infinity"], /^--water-unit-weight: "Infinity" is not a decimal/],
    [
      [...base.slice(0, 4), "--friction-angle", "0x1E"],
      /^--friction-angle: "0x1E" is neither a decimal number/,
    ],
    [[...base.slice(0, 4), "--friction-angle", "-3"], /^--friction-angle: must be >= 0, got -3$/],
    [
      [...base, "--method", "steepest"],
      /^--method: must be one of horn, zevenbergen-thorne, got "steepest"$/,
    ],
    [[...base, "--ac", "0.1,-0.2"], /^--ac: must be >= 0, got -0\.2$/],
    [[...base, "--ac", "0.1,x"], /^--ac: "x" is not a decimal number$/],
    [[...base, "--dem="], /^--dem: must not be empty$/],
    [
      [...base, "--frction-angle", "3"],
      /^unknown option --frction-angle \(did you mean --friction-angle\?\)/,
    ],
    [[...base, "--dem"], /^option --dem needs a value/],
    [[...base, "--json=yes"], /^--json is a flag and takes no value/],
    [[...base, "stray"], /^unexpected argument stray/],
  ];
  for (const [args, pattern] of cases) {
    refused(() => options.parse(args), pattern);
  }
});

test("nested settings are options of their own; an optional group is switched on by its flag", () => {
  const train = verbOptions(susceptibilityTrainOptionsSchema, {
    fields: {
      "forest.replace": { option: "without-replacement", flagSets: false },
      "tune.evaluations": { option: "tune-evals" },
    },
  });
  const required = ["--inventory", "i.csv", "--label", "l", "--out", "o"];
  const plain = train.parse([...required, "--features", "a, b"]).options;
  assert.deepEqual(plain.features, ["a", "b"]);
  assert.equal(plain.forest.trees, 100, "the schema's default forest");
  assert.equal(plain.tune, undefined);
  const tuned = train.parse([
    ...required,
    "--trees",
    "7",
    "--without-replacement",
    "--tune",
    "--tune-evals",
    "3",
  ]);
  assert.equal(tuned.options.forest.trees, 7);
  assert.equal(tuned.options.forest.replace, false);
  assert.equal(tuned.options.forest.minNodeSize, 1, "defaults fill the rest of the group");
  assert.deepEqual(tuned.options.tune, { evaluations: 3, innerFolds: 5 });
  refused(() => train.parse([...required, "--tune-evals", "3"]), /^--tune-evals belongs to --tune/);
  refused(() => train.parse([...required, "--min-node-size", "0"]), /^--min-node-size: must be >= 1, got 0$/);
});

test("core and the handlers name the same fields as the CLI (without the dashes)", () => {
  refused(
    () =>
      parseOptionsWith(
        stabilityOptionsSchema,
        {
          slope: "s.tif",
          cohesion: -1,
          frictionAngle: 32,
          unitWeight: 18,
          thickness: 2,
          saturation: 0,
          outDir: "o",
        },
        "stability options",
      ),
    /^stability options: cohesion: must be in the physical range \[0, 100000\] kPa, got -1$/,
  );
});

test("stability: the same bad value gives the same message in scalar and raster mode", async () => {
  const soil = ["--friction-angle", "32", "--unit-weight", "18", "--thickness", "2.5", "--saturation", "0.3"];
  const slope = join(scratch, "slope.tif");
  writeFileSync(slope, "not read: the options are checked first");
  const expected = "--cohesion: must be in the physical range [0, 100000] kPa, got -1";
  for (const mode of [
    ["--slope", "30"],
    ["--slope", slope, "--out", join(scratch, "out")],
  ]) {
    const run = await runQuakeslide(["stability", ...mode, "--cohesion", "-1", ...soil]);
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stderr, `quakeslide stability: error: ${expected}`);
  }
  const hex = await runQuakeslide(["stability", "--slope", "0x1E", "--cohesion", "15", ...soil]);
  assert.equal(hex.code, 2);
  assert.match(hex.stderr, /--slope: "0x1E" is neither a decimal number nor an existing file/);
});
