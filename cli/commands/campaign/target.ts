import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Target } from "../../client/config.ts";
import type { Quakeslide } from "../../client/index.ts";

/** The package's own folder (infra/, functions/, containers/): what an in-process runtime runs. */
const packageRoot = fileURLToPath(new URL("../../../", import.meta.url));

export interface CampaignTarget {
  client: Quakeslide;
  /** How the run reaches its runtime, for the user: a line to print. */
  description: string;
  close(): Promise<void>;
}

/** True when `<stateDir>/runtime.json` names a process that is alive (a `quakeslide up`). */
function runtimeIsRunning(stateDir: string): boolean {
  const file = join(resolve(stateDir), "runtime.json");
  if (!existsSync(file)) return false;
  try {
    process.kill((JSON.parse(readFileSync(file, "utf8")) as { pid: number }).pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A client for the target. Embedded: the `quakeslide up` running on the state folder if there is
 * one, else an embedded runtime started in this process for the campaign's duration (stopped,
 * with the jobs it runs, when the campaign ends). LocalStack and AWS: the standard configuration.
 */
export async function openTarget(options: {
  target: Target;
  stateDir: string;
  region?: string;
  profile?: string;
}): Promise<CampaignTarget> {
  // Loaded here, not at the top: the AWS SDK costs the dry run's start-up otherwise.
  const { Quakeslide } = await import("../../client/index.ts");
  const clientOptions = {
    target: options.target,
    stateDir: options.stateDir,
    region: options.region,
    profile: options.profile,
  };
  if (options.target !== "embedded" || runtimeIsRunning(options.stateDir)) {
    const client = new Quakeslide(clientOptions);
    const where =
      options.target === "embedded"
        ? `the embedded runtime running on ${options.stateDir}`
        : `target ${options.target}`;
    return { client, description: where, close: async () => client.destroy() };
  }
  const { EmbeddedRuntime } = await import("../../../local/runtime.ts");
  // The Lambdas run in this process and log to stdout, which belongs to the verb's own output
  // (--json): send their lines to stderr while the runtime lives.
  const stdoutWrite = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  const restore = () => {
    process.stdout.write = stdoutWrite;
  };
  try {
    const runtime = await EmbeddedRuntime.start({ projectRoot: packageRoot, stateDir: options.stateDir });
    const client = new Quakeslide(clientOptions);
    return {
      client,
      description: `an embedded runtime started in this process on ${options.stateDir}`,
      close: async () => {
        client.destroy();
        await runtime.stop().finally(restore);
      },
    };
  } catch (error) {
    restore();
    throw error;
  }
}
