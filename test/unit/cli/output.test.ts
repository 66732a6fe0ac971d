import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
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
import { after, test } from "node:test";
import { writeOutputsAtomically } from "../../../cli/output.ts";
import { InputError } from "../../../core/errors.ts";
import { runQuakeslide } from "../../helpers/run-cli.ts";

const scratch = mkdtempSync(join(tmpdir(), "quakeslide-output-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const leftovers = (dir: string) => readdirSync(dir).filter((name) => name.includes(".tmp-"));
const DEM = "data/ecuador/dem.tif";
const RECORD = "data/records/RSN763_LOMAP_GIL067.AT2";

test("--out naming an existing file: exit 2, one line, the file untouched (every verb that writes)", async () => {
  const file = join(scratch, "notes.txt");
  writeFileSync(file, "mine");
  const verbs = [
    ["terrain", "--dem", DEM],
    ["newmark-map", "--ac", "ac.tif", "--record", RECORD],
    ["krige", "--samples", "s.csv", "--value", "v", "--grid", "g.tif"],
    ["susceptibility", "train", "--inventory", "i.csv", "--label", "l", "--features", "a"],
    ["stability", "--slope", "slope.tif", "--cohesion", "1", "--friction-angle", "30"],
  ];
  for (const args of verbs) {
    const extra =
      args[0] === "stability" ? ["--unit-weight", "18", "--thickness", "2", "--saturation", "0"] : [];
    const run = await runQuakeslide([...args, ...extra, "--out", file]);
    assert.equal(run.code, 2, `${args[0]}: ${run.stderr}`);
    assert.match(run.stderr, /--out .*notes\.txt is a file, not a folder/, args[0]);
    assert.equal(run.stderr.split("\n").length, 1);
    assert.equal(readFileSync(file, "utf8"), "mine");
  }
  assert.deepEqual(leftovers(scratch), []);
});

test("--out holding a folder named like an output: refused before any work, nothing moved", async () => {
  const out = join(scratch, "occupied");
  mkdirSync(join(out, "slope.tif"), { recursive: true });
  writeFileSync(join(out, "slope.tif", "keep.txt"), "mine");
  const run = await runQuakeslide(["terrain", "--dem", DEM, "--out", out]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /holds slope\.tif as a folder, where this command writes a file/);
  assert.deepEqual(readdirSync(out), ["slope.tif"]);
  assert.equal(readFileSync(join(out, "slope.tif", "keep.txt"), "utf8"), "mine");
  assert.deepEqual(leftovers(scratch), []);
});

test("--out under a file or in a read-only place: exit 2 naming the folder", async () => {
  const run = await runQuakeslide(["terrain", "--dem", DEM, "--out", join(DEM, "out")]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(
    run.stderr,
    /cannot use data\/ecuador\/dem\.tif\/out \(ENOTDIR: a part of the path is a file\)/,
  );
});

test("a re-run replaces its own files and folders (a folder output is swapped whole, not merged)", async () => {
  const out = join(scratch, "rerun");
  const names = ["step/", "summary.json"];
  await writeOutputsAtomically(out, names, async (tmp) => {
    mkdirSync(join(tmp, "step"));
    writeFileSync(join(tmp, "step", "old.tif"), "1");
    writeFileSync(join(tmp, "summary.json"), "1");
  });
  await writeOutputsAtomically(out, names, async (tmp) => {
    mkdirSync(join(tmp, "step"));
    writeFileSync(join(tmp, "step", "new.tif"), "2");
    writeFileSync(join(tmp, "summary.json"), "2");
  });
  assert.deepEqual(readdirSync(join(out, "step")), ["new.tif"]);
  assert.equal(readFileSync(join(out, "summary.json"), "utf8"), "2");
  assert.deepEqual(leftovers(scratch), []);
  // A file where the command writes a folder is not the command's: refused.
  rmSync(join(out, "step"), { recursive: true });
  writeFileSync(join(out, "step"), "mine");
  await assert.rejects(
    writeOutputsAtomically(out, names, async () => undefined),
    (error: unknown) => error instanceof InputError && /holds step as a file/.test(error.message),
  );
});

test("a failing step leaves the output folder as it was and no temporary folder", async () => {
  const out = join(scratch, "failing");
  mkdirSync(out);
  writeFileSync(join(out, "summary.json"), "previous");
  await assert.rejects(
    writeOutputsAtomically(out, ["summary.json"], async (tmp) => {
      writeFileSync(join(tmp, "summary.json"), "half");
      throw new InputError("bad cell");
    }),
    /bad cell/,
  );
  assert.equal(readFileSync(join(out, "summary.json"), "utf8"), "previous");
  assert.deepEqual(leftovers(scratch), []);
});

test("a temporary folder left by a process that died (SIGKILL, out of memory) is removed by the next run", async () => {
  const dead = spawnSync(process.execPath, ["-e", "0"]).pid as number;
  const parent = join(scratch, "abandoned");
  mkdirSync(parent);
  const stale = join(parent, `.out.tmp-${dead}-abc123`);
  const live = join(parent, `.out.tmp-${process.pid}-def456`);
  const other = join(parent, `.other.tmp-${dead}-ghi789`);
  for (const dir of [stale, live, other]) mkdirSync(dir);
  await writeOutputsAtomically(join(parent, "out"), ["a.txt"], async (tmp) => {
    writeFileSync(join(tmp, "a.txt"), "x");
  });
  assert.ok(!existsSync(stale), "the dead process's folder is gone");
  assert.ok(existsSync(live), "a running process's folder stays");
  assert.ok(existsSync(other), "another output's folder stays");
});

/** Starts a process, waits until a `.<out>.tmp-*` folder appears in `parent`, then sends `signal`. */
async function interrupt(child: ChildProcess, parent: string, signal: NodeJS.Signals) {
  const exited = new Promise<{ code: number | null; signal: string | null }>((done) =>
    child.on("exit", (code, sig) => done({ code, signal: sig })),
  );
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const deadline = Date.now() + 60_000;
  while (leftovers(parent).length === 0) {
    assert.ok(Date.now() < deadline, `no temporary folder appeared: ${stderr}`);
    await new Promise((wait) => setTimeout(wait, 50));
  }
  child.kill(signal);
  return { ...(await exited), stderr };
}

test("SIGTERM (a timeout) while writing removes the temporary folder; the process still dies of the signal", async () => {
  const parent = join(scratch, "term");
  mkdirSync(parent);
  const script = `
    const { writeOutputsAtomically } = await import(${JSON.stringify(new URL("../../../cli/output.ts", import.meta.url).pathname)});
    await writeOutputsAtomically(${JSON.stringify(join(parent, "out"))}, ["a.txt"], () => new Promise(() => setInterval(() => {}, 1000)));`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const result = await interrupt(child, parent, "SIGTERM");
  assert.equal(result.signal, "SIGTERM", result.stderr);
  assert.deepEqual(readdirSync(parent), []);
});

test("Ctrl-C (SIGINT) during `quakeslide sem` leaves neither output nor temporary folder", async () => {
  const parent = join(scratch, "sigint");
  mkdirSync(parent);
  const scenario = join(parent, "long.json");
  writeFileSync(
    scenario,
    JSON.stringify({
      name: "long",
      domain: { xmin: 0, xmax: 2000, zmin: -1000 },
      layers: [{ vp: 2000, vs: 1000, rho: 2000 }],
      mesh: { element_size_m: 50 },
      source: { type: "force", x: 1000, z: -500, amplitude: 1, stf: { type: "ricker", f0_hz: 2, t0_s: 0.6 } },
      receivers: [{ name: "r", x: 500, z: "surface" }],
      time: { duration_s: 600 },
    }),
  );
  const child = spawn(
    process.execPath,
    ["bin/quakeslide.mjs", "sem", "--model", scenario, "--out", join(parent, "out"), "--threads", "1"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  const result = await interrupt(child, parent, "SIGINT");
  assert.equal(result.signal, "SIGINT", result.stderr);
  assert.deepEqual(readdirSync(parent), ["long.json"]);
});
