import type { Command } from "../command.ts";
import { terrainCommand } from "./terrain.ts";

/** Every verb, in the order `quakeslide --help` lists them. Add one line per new command file. */
export const commands: Command[] = [terrainCommand];
