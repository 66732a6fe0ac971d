import type { Command } from "../command.ts";

/**
 * Every verb, in the order `quakeslide --help` lists them. A verb's module (and the science it
 * imports) is loaded only when that verb runs, so `quakeslide terrain` does not pay for loading
 * the SEM solver or the AWS SDK. Add one entry per new command file.
 */
export interface CommandEntry {
  name: string;
  /** One line for `quakeslide --help`. */
  summary: string;
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  {
    name: "run",
    summary: "the hazard pipeline end to end on the embedded runtime (default: the bundled Ecuador case)",
    load: async () => (await import("./run.ts")).runCommand,
  },
  {
    name: "demo",
    summary: "the same as run (kept for scripts written before run existed)",
    load: async () => ({ ...(await import("./run.ts")).runCommand, name: "demo" }),
  },
  {
    name: "terrain",
    summary: "slope, aspect and curvature of a DEM (COGs + PNG previews)",
    load: async () => (await import("./terrain.ts")).terrainCommand,
  },
  {
    name: "krige",
    summary: "fit a variogram and krige soil samples onto a grid or points, with kriging variance",
    load: async () => (await import("./krige.ts")).krigeCommand,
  },
  {
    name: "stability",
    summary: "infinite-slope factor of safety and critical acceleration (COGs + PNGs, or one slope)",
    load: async () => (await import("./stability.ts")).stabilityCommand,
  },
  {
    name: "newmark",
    summary: "rigid-block Newmark displacement of one record for a list of critical accelerations",
    load: async () => (await import("./newmark.ts")).newmarkCommand,
  },
  {
    name: "newmark-map",
    summary: "Newmark displacement and probability-of-failure maps (one record, or a regression on PGA)",
    load: async () => (await import("./newmark-map.ts")).newmarkMapCommand,
  },
  {
    name: "ground-motion",
    summary: "PGA and PGV from an earthquake (BSSA14) or a USGS ShakeMap: at distances, or as maps",
    load: async () => (await import("./ground-motion.ts")).groundMotionCommand,
  },
  {
    name: "sem",
    summary: "2D spectral-element ground motion along a profile (seismograms, PGA, Arias, Newmark)",
    load: async () => (await import("./sem.ts")).semCommand,
  },
  {
    name: "campaign",
    summary: "scenario campaign: SEM along profiles → Newmark → exceedance maps and the duration study",
    load: async () => (await import("./campaign.ts")).campaignCommand,
  },
  {
    name: "susceptibility",
    summary: "random-forest / GLM landslide susceptibility: spatial CV, train, predict, explain, evaluate",
    load: async () => (await import("./susceptibility.ts")).susceptibilityCommand,
  },
  {
    name: "hazard",
    summary: "hazard classes from P(f) and susceptibility (class matrix), area and exposure per class",
    load: async () => (await import("./hazard.ts")).hazardCommand,
  },
  {
    name: "peml",
    summary: "physics-embedded soil-parameter model: spatial CV, train, predict, evaluate, Shapley study",
    load: async () => (await import("./peml.ts")).pemlCommand,
  },
  {
    name: "up",
    summary: "start the embedded local runtime (S3, state machines, Batch, events) and keep it running",
    load: async () => (await import("./up.ts")).upCommand,
  },
  {
    name: "start",
    summary: "start a run of a flow (state machine) on the embedded runtime, LocalStack or AWS",
    load: async () => (await import("./start.ts")).startCommand,
  },
  {
    name: "status",
    summary: "status of a run, with the failure reason when it failed",
    load: async () => (await import("./status.ts")).statusCommand,
  },
  {
    name: "logs",
    summary: "history of a run: states, retries, caught errors, failures",
    load: async () => (await import("./logs.ts")).logsCommand,
  },
  {
    name: "dashboard",
    summary:
      "interactive hazard map of a run's or campaign's outputs in a web browser (layers, values, PNG export)",
    load: async () => (await import("./dashboard.ts")).dashboardCommand,
  },
];
