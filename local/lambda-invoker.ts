import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { FunctionModel } from "./app-model.ts";
import { enableTypeScriptImports, handlerFile } from "./code.ts";

/** A Lambda function error as Step Functions reports it: Error = errorType, Cause = JSON. */
export class LambdaFunctionError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
    readonly trace: string[],
  ) {
    super(JSON.stringify({ errorMessage, errorType, trace }));
    this.name = errorType;
  }
}

type Handler = (event: unknown, context: Record<string, unknown>) => Promise<unknown>;

/**
 * Invokes the handler of a function in this process: functions/<folder>/handler.ts (or its
 * bundle, see code.ts), export `handler`, with the function's environment variables set (the embedded runtime runs one
 * app, whose functions share their bucket variables) and a Lambda-like context.
 */
export async function invokeLocalFunction(
  projectRoot: string,
  fn: FunctionModel,
  payload: unknown,
): Promise<unknown> {
  const file = handlerFile(projectRoot, fn.folder);
  if (!existsSync(file)) {
    throw new LambdaFunctionError("Runtime.ImportModuleError", `${file} does not exist`, []);
  }
  if (file.endsWith(".ts")) await enableTypeScriptImports();
  const module = (await import(pathToFileURL(file).href)) as { handler?: Handler };
  if (typeof module.handler !== "function") {
    throw new LambdaFunctionError("Runtime.HandlerNotFound", `${file} does not export "handler"`, []);
  }
  Object.assign(process.env, withoutEndpoints(fn.environment));
  const deadline = Date.now() + fn.timeoutSeconds * 1000;
  const context = {
    functionName: fn.name,
    invokedFunctionArn: fn.arn,
    awsRequestId: randomUUID(),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await module.handler(structuredClone(payload), context);
    // What crosses the Lambda boundary is JSON: drop undefined, class instances, typed arrays.
    return result === undefined ? null : JSON.parse(JSON.stringify(result));
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    throw new LambdaFunctionError(e.name, e.message, (e.stack ?? "").split("\n").slice(1, 6));
  }
}

/** The runtime, not the app's emulator settings, decides where the SDK sends requests. */
export function withoutEndpoints(environment: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).filter(([name]) => !name.startsWith("AWS_ENDPOINT_URL")),
  );
}
