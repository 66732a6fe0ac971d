import type { Command } from "../command.ts";
import { demoCommand } from "./demo.ts";
import { krigeCommand } from "./krige.ts";
import { logsCommand } from "./logs.ts";
import { newmarkCommand } from "./newmark.ts";
import { newmarkMapCommand } from "./newmark-map.ts";
import { semCommand } from "./sem.ts";
import { stabilityCommand } from "./stability.ts";
import { startCommand } from "./start.ts";
import { statusCommand } from "./status.ts";
import { susceptibilityCommand } from "./susceptibility.ts";
import { terrainCommand } from "./terrain.ts";
import { upCommand } from "./up.ts";

/** Every verb, in the order `quakeslide --help` lists them. Add one line per new command file. */
export const commands: Command[] = [
  demoCommand,
  terrainCommand, krigeCommand, stabilityCommand, newmarkCommand, newmarkMapCommand, semCommand, susceptibilityCommand, upCommand, startCommand, statusCommand, logsCommand];
