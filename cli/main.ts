import { isUserError } from "../core/errors.ts";
import { commands } from "./commands/index.ts";

const VERSION = "0.1.0";

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "quakeslide — earthquake-induced landslide hazard maps",
    "",
    "Usage: quakeslide <command> [options]     quakeslide <command> --help",
    "",
    "Commands:",
    ...lines,
    "",
    "Global: --help, --version",
  ].join("\n");
}

/** Runs one CLI invocation and returns the exit code: 0 ok, 1 internal failure, 2 bad input. */
export async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === "--help" || verb === "-h" || verb === "help") {
    console.log(overview());
    return 0;
  }
  if (verb === "--version") {
    console.log(VERSION);
    return 0;
  }
  const entry = commands.find((c) => c.name === verb);
  if (!entry) {
    console.error(`quakeslide: unknown command "${verb}" (see quakeslide --help)`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(command.helpFor?.(rest) ?? command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (isUserError(error)) {
      console.error(`quakeslide ${verb}: error: ${error.message}`);
      return 2;
    }
    console.error(`quakeslide ${verb}: internal error: ${(error as Error).stack ?? error}`);
    return 1;
  }
}
