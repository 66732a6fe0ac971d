import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { flowInputProblem } from "../functions/shared/machines.ts";
import { type AppModel, findStateMachine } from "./app-model.ts";
import type { ExecutionRecord, ExecutionStore, HistoryEvent } from "./executions.ts";
import type { Executor } from "./executor.ts";
import { LambdaFunctionError } from "./lambda-invoker.ts";
import { checkHostAndOrigin, type GuardProblem, type Refusal, signedRequestOf } from "./request-guard.ts";
import { type Credentials, verifySignature } from "./sigv4.ts";

export interface ApiServerOptions {
  model: AppModel;
  executor: Executor;
  store: ExecutionStore;
  /** The only key pair whose SigV4 signatures are accepted. */
  credentials: Credentials;
  /** TCP port; 0 (default) takes a free one. */
  port?: number;
}

/** Lambda's limit for a synchronous invocation's payload; Step Functions' inputs are smaller still. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

/** The error type (and status) of each refusal, as the AWS JSON APIs name them. */
const API_ERRORS: Record<GuardProblem, [number, string]> = {
  host: [403, "AccessDeniedException"],
  origin: [403, "AccessDeniedException"],
  missing: [403, "MissingAuthenticationTokenException"],
  malformed: [400, "IncompleteSignatureException"],
  "unknown-key": [403, "UnrecognizedClientException"],
  expired: [403, "InvalidSignatureException"],
  mismatch: [403, "InvalidSignatureException"],
  "payload-mismatch": [403, "InvalidSignatureException"],
};

/**
 * The part of the Step Functions and Lambda HTTP APIs that the client uses, so that the AWS SDK
 * (JS or boto3) talks to the embedded runtime through AWS_ENDPOINT_URL_SFN / _LAMBDA with no
 * code change: StartExecution, DescribeExecution, StopExecution, GetExecutionHistory,
 * ListStateMachines, ListExecutions, and Lambda Invoke. `GET /quakeslide/executions/<arn>`
 * returns the runtime's own record (history, failure reason with the job's exit code and log
 * tail) for `quakeslide logs`. Every request must pass request-guard.ts: Host, Origin, SigV4.
 */
export async function startApiServer(options: ApiServerOptions) {
  const server = createServer((request, response) => {
    handle(request, response, options).catch((error: Error) =>
      sendError(response, 500, "InternalFailure", error.message),
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export function closeServer(server: Server): Promise<void> {
  const closing = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closing;
}

async function handle(request: IncomingMessage, response: ServerResponse, options: ApiServerOptions) {
  const early =
    checkHostAndOrigin(request.headers, request.socket.localPort ?? 0) ?? unsignedRefusal(request);
  if (early) return refuse(response, early);
  const body = await readBody(request);
  if (body === undefined) {
    response.setHeader("Connection", "close");
    return sendError(
      response,
      413,
      "RequestEntityTooLargeException",
      `the body exceeds ${MAX_BODY_BYTES} bytes`,
    );
  }
  const bodySha256 = createHash("sha256").update(body).digest("hex");
  const verdict = verifySignature(signedRequestOf(request, bodySha256), {
    credentials: options.credentials,
    service: "other",
    now: new Date(),
  });
  if (!verdict.ok) return refuse(response, verdict);
  const url = new URL(request.url ?? "/", "http://local");
  const invoke = url.pathname.match(/^\/2015-03-31\/functions\/([^/]+)\/invocations$/);
  if (invoke && request.method === "POST")
    return invokeFunction(response, options, invoke[1], body.toString("utf8"));
  const record = url.pathname.match(/^\/quakeslide\/executions\/([^/]+)$/);
  if (record && request.method === "GET") {
    const found = decodedOrUndefined(record[1], (reference) => options.store.get(reference));
    return found
      ? send(response, 200, found)
      : sendError(response, 404, "ExecutionDoesNotExist", "no such execution");
  }
  const target = String(request.headers["x-amz-target"] ?? "");
  if (url.pathname !== "/" || request.method !== "POST" || !target.startsWith("AWSStepFunctions.")) {
    return sendError(
      response,
      404,
      "UnknownOperationException",
      `${request.method} ${url.pathname} is not served`,
    );
  }
  let input: Record<string, string>;
  try {
    input = body.length > 0 ? JSON.parse(body.toString("utf8")) : {};
  } catch {
    return sendError(response, 400, "SerializationException", "the request body is not JSON");
  }
  return stepFunctions(response, options, target.slice("AWSStepFunctions.".length), input);
}

/** A request with no signature at all is refused before its body is read. */
function unsignedRefusal(request: IncomingMessage): Refusal | undefined {
  if (request.headers.authorization !== undefined) return undefined;
  if (new URL(request.url ?? "/", "http://local").searchParams.has("X-Amz-Algorithm")) return undefined;
  return { problem: "missing", message: "Missing Authentication Token: requests must be signed (SigV4)" };
}

function refuse(response: ServerResponse, refusal: Refusal) {
  const [status, type] = API_ERRORS[refusal.problem];
  sendError(response, status, type, refusal.message);
}

function decodedOrUndefined<T>(encoded: string, use: (decoded: string) => T | undefined): T | undefined {
  try {
    return use(decodeURIComponent(encoded));
  } catch (error) {
    if (error instanceof URIError) return undefined;
    throw error;
  }
}

async function invokeFunction(
  response: ServerResponse,
  options: ApiServerOptions,
  name: string,
  body: string,
) {
  let payload: unknown;
  try {
    payload = body ? JSON.parse(body) : null;
  } catch {
    return sendError(response, 400, "InvalidRequestContentException", "the payload is not JSON");
  }
  try {
    const output = await options.executor.invoke(decodeURIComponent(name), payload);
    send(response, 200, output);
  } catch (error) {
    if (!(error instanceof LambdaFunctionError)) {
      return sendError(response, 404, "ResourceNotFoundException", (error as Error).message);
    }
    response.setHeader("X-Amz-Function-Error", "Unhandled");
    send(response, 200, { errorType: error.errorType, errorMessage: error.errorMessage, trace: error.trace });
  }
}

function stepFunctions(
  response: ServerResponse,
  { model, executor, store }: ApiServerOptions,
  operation: string,
  input: Record<string, string>,
) {
  const notFound = (what: string) =>
    sendError(response, 400, `${what}DoesNotExist`, `${what} does not exist`);
  const execution = () =>
    typeof input.executionArn === "string" ? store.get(input.executionArn) : undefined;
  switch (operation) {
    case "ListStateMachines":
      return send(response, 200, {
        stateMachines: model.stateMachines.map((m) => ({
          stateMachineArn: m.arn,
          name: m.name,
          type: "STANDARD",
          creationDate: 0,
        })),
      });
    case "StartExecution":
      return startExecution(response, model, executor, input);
    case "StopExecution": {
      const found = execution();
      if (!found) return notFound("Execution");
      executor.stop(found.executionId);
      return send(response, 200, { stopDate: Date.now() / 1000 });
    }
    case "GetExecutionHistory": {
      const found = execution();
      return found
        ? send(response, 200, { events: found.history.map(toStepFunctionsEvent) })
        : notFound("Execution");
    }
    case "DescribeExecution": {
      const found = execution();
      return found ? send(response, 200, describe(found)) : notFound("Execution");
    }
    case "ListExecutions":
      return send(response, 200, {
        executions: store
          .list()
          .filter((r) => !input.stateMachineArn || r.stateMachineArn === input.stateMachineArn)
          .map((r) => ({ ...describe(r), input: undefined, output: undefined })),
      });
    default:
      return sendError(response, 400, "UnknownOperationException", `${operation} is not implemented locally`);
  }
}

/**
 * StartExecution: the state machine must exist, the name follow Step Functions' rules, the input
 * be JSON and, for a flow with an entry in FLOW_INPUT_SCHEMAS, match its schema.
 */
function startExecution(
  response: ServerResponse,
  model: AppModel,
  executor: Executor,
  input: Record<string, string>,
) {
  const machine =
    typeof input.stateMachineArn === "string" ? findStateMachine(model, input.stateMachineArn) : undefined;
  if (!machine) return sendError(response, 400, "StateMachineDoesNotExist", "StateMachine does not exist");
  let executionInput: unknown;
  try {
    executionInput = JSON.parse(input.input ?? "{}");
  } catch (error) {
    return sendError(
      response,
      400,
      "InvalidExecutionInput",
      `the input is not JSON: ${(error as Error).message}`,
    );
  }
  const problem = flowInputProblem(machine.name, executionInput);
  if (problem) return sendError(response, 400, "InvalidExecutionInput", problem);
  let started: ExecutionRecord;
  try {
    started = executor.start(machine, executionInput, input.name);
  } catch (error) {
    const { name, message } = error as Error;
    return sendError(response, 400, name, message);
  }
  return send(response, 200, {
    executionArn: started.executionArn,
    startDate: Date.parse(started.startDate) / 1000,
  });
}

function describe(r: ExecutionRecord) {
  return {
    executionArn: r.executionArn,
    stateMachineArn: r.stateMachineArn,
    name: r.name,
    status: r.status,
    startDate: Date.parse(r.startDate) / 1000,
    stopDate: r.stopDate ? Date.parse(r.stopDate) / 1000 : undefined,
    input: JSON.stringify(r.input),
    output: r.output === undefined ? undefined : JSON.stringify(r.output),
    error: r.failure?.error,
    cause: r.failure?.cause,
  };
}

/**
 * A history event in the shape of Step Functions' GetExecutionHistory: `<Type>StateEntered` /
 * `<Type>StateExited` with the state's name and JSON input/output, `TaskFailed`, `Execution*`,
 * `MapIteration*`. Retries and catches, which AWS shows only as a failure followed by a new
 * attempt or the next state, keep the interpreter's names `StateRetried` and `StateCaught`.
 */
function toStepFunctionsEvent(event: HistoryEvent) {
  const detail = event.detail ?? {};
  const state = detail.state as
    | { name?: string; type?: string; input?: unknown; output?: unknown }
    | undefined;
  const base = { id: event.id, previousEventId: event.id - 1, timestamp: Date.parse(event.timestamp) / 1000 };
  const json = (value: unknown) => JSON.stringify(value ?? null);
  switch (event.type) {
    case "ExecutionStarted":
      return { ...base, type: event.type, executionStartedEventDetails: { input: json(detail.input) } };
    case "ExecutionSucceeded":
      return { ...base, type: event.type, executionSucceededEventDetails: { output: json(detail.output) } };
    case "ExecutionFailed":
      return { ...base, type: event.type, executionFailedEventDetails: errorDetails(detail) };
    case "StateEntered":
      return {
        ...base,
        type: `${state?.type}StateEntered`,
        stateEnteredEventDetails: { name: state?.name, input: json(state?.input) },
      };
    case "StateExited":
      return {
        ...base,
        type: `${state?.type}StateExited`,
        stateExitedEventDetails: { name: state?.name, output: json(state?.output) },
      };
    case "StateFailed":
      return {
        ...base,
        type: "TaskFailed",
        taskFailedEventDetails: { ...errorDetails(detail), resource: state?.name },
      };
    case "MapIterationStarted":
    case "MapIterationSucceeded":
    case "MapIterationFailed": {
      const key = `mapIteration${event.type.slice("MapIteration".length)}EventDetails`;
      return {
        ...base,
        type: event.type,
        [key]: { name: (detail.parentState as { name?: string })?.name, index: detail.index },
      };
    }
    default:
      return { ...base, type: event.type };
  }
}

function errorDetails(detail: Record<string, unknown>) {
  const cause = detail.Cause;
  return {
    error: String(detail.Error ?? ""),
    cause: typeof cause === "string" ? cause : JSON.stringify(cause ?? ""),
  };
}

/** The whole body, or undefined once it passes MAX_BODY_BYTES (the rest is not read). */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_BODY_BYTES) chunks.push(chunk);
      else {
        request.pause();
        resolve(undefined);
      }
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "Content-Type": "application/x-amz-json-1.0" });
  response.end(JSON.stringify(body ?? null));
}

/** An error as the AWS JSON protocol carries it: the type in a header and in `__type`. */
function sendError(response: ServerResponse, status: number, type: string, message: string): void {
  response.writeHead(status, { "Content-Type": "application/x-amz-json-1.0", "x-amzn-ErrorType": type });
  response.end(JSON.stringify({ __type: type, message }));
}
