import type { Command } from "../command.ts";
import { krigeCommand } from "./krige.ts";
import { newmarkCommand } from "./newmark.ts";
import { newmarkMapCommand } from "./newmark-map.ts";
import { stabilityCommand } from "./stability.ts";
import { susceptibilityCommand } from "./susceptibility.ts";
import { terrainCommand } from "./terrain.ts";

/** Every verb, in the order `quakeslide --help` lists them. Add one line per new command file. */
export const commands: Command[] = [terrainCommand, krigeCommand, stabilityCommand, newmarkCommand, newmarkMapCommand, susceptibilityCommand];
