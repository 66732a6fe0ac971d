import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type AppModel, findStateMachine } from "./app-model.ts";
import type { ExecutionRecord, ExecutionStore, HistoryEvent } from "./executions.ts";
import type { Executor } from "./executor.ts";
import { LambdaFunctionError } from "./lambda-invoker.ts";

/**
 * The part of the Step Functions and Lambda HTTP APIs that the client uses, so that the AWS SDK
 * (JS or boto3) talks to the embedded runtime through AWS_ENDPOINT_URL_SFN / _LAMBDA with no
 * code change: StartExecution, DescribeExecution, StopExecution, GetExecutionHistory,
 * ListStateMachines, ListExecutions, and Lambda Invoke. `GET /quakeslide/executions/<id>` returns the runtime's own
 * record (history, failure reason with the job's exit code and log tail) for `quakeslide logs`.
 */
export async function startApiServer(model: AppModel, executor: Executor, store: ExecutionStore, port = 0) {
  const server = createServer((request, response) => {
    handle(request, response, model, executor, store).catch((error: Error) =>
      send(response, 500, { __type: "InternalFailure", message: error.message }),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export function closeServer(server: Server): Promise<void> {
  const closing = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closing;
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  model: AppModel,
  executor: Executor,
  store: ExecutionStore,
): Promise<void> {
  const body = await readBody(request);
  const url = new URL(request.url ?? "/", "http://local");
  const invoke = url.pathname.match(/^\/2015-03-31\/functions\/([^/]+)\/invocations$/);
  if (invoke) {
    try {
      const output = await executor.invoke(decodeURIComponent(invoke[1]), body ? JSON.parse(body) : null);
      send(response, 200, output);
    } catch (error) {
      if (!(error instanceof LambdaFunctionError)) {
        return send(response, 404, { Type: "User", message: (error as Error).message });
      }
      response.setHeader("X-Amz-Function-Error", "Unhandled");
      send(response, 200, {
        errorType: error.errorType,
        errorMessage: error.errorMessage,
        trace: error.trace,
      });
    }
    return;
  }
  const record = url.pathname.match(/^\/quakeslide\/executions\/(.+)$/);
  if (record) {
    const found = store.get(decodeURIComponent(record[1]));
    return found ? send(response, 200, found) : send(response, 404, { message: "no such execution" });
  }
  const target = String(request.headers["x-amz-target"] ?? "");
  const input = body ? (JSON.parse(body) as Record<string, string>) : {};
  const notFound = (what: string) =>
    send(response, 400, { __type: `${what}DoesNotExist`, message: `${what} does not exist` });
  switch (target.replace("AWSStepFunctions.", "")) {
    case "ListStateMachines":
      return send(response, 200, {
        stateMachines: model.stateMachines.map((m) => ({
          stateMachineArn: m.arn,
          name: m.name,
          type: "STANDARD",
          creationDate: 0,
        })),
      });
    case "StartExecution": {
      const machine = findStateMachine(model, input.stateMachineArn);
      if (!machine) return notFound("StateMachine");
      let started: ExecutionRecord;
      try {
        started = executor.start(machine, JSON.parse(input.input ?? "{}"), input.name);
      } catch (error) {
        const e = error as Error;
        const type = e instanceof SyntaxError ? "InvalidExecutionInput" : e.name;
        return send(response, 400, { __type: type, message: e.message });
      }
      return send(response, 200, {
        executionArn: started.executionArn,
        startDate: Date.parse(started.startDate) / 1000,
      });
    }
    case "StopExecution": {
      const found = store.get(input.executionArn);
      if (!found) return notFound("Execution");
      executor.stop(found.executionId);
      return send(response, 200, { stopDate: Date.now() / 1000 });
    }
    case "GetExecutionHistory": {
      const found = store.get(input.executionArn);
      return found
        ? send(response, 200, { events: found.history.map(toStepFunctionsEvent) })
        : notFound("Execution");
    }
    case "DescribeExecution": {
      const found = store.get(input.executionArn);
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
      return send(response, 400, {
        __type: "UnknownOperationException",
        message: `${target} is not implemented locally`,
      });
  }
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

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "Content-Type": "application/x-amz-json-1.0" });
  response.end(JSON.stringify(body ?? null));
}
