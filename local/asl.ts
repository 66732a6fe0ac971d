// aws-local-stepfunctions 3 is written for Node 22 and calls Promise.withResolvers in every Task;
// Node 20 lacks it, so install the (standard, tiny) polyfill before the library is imported.
const promiseStatics = Promise as unknown as { withResolvers?: () => unknown };
promiseStatics.withResolvers ??= () => {
  let resolve: unknown;
  let reject: unknown;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

const library = await import("aws-local-stepfunctions");
export const StateMachine = library.StateMachine;
export type { StateMachineDefinition } from "aws-local-stepfunctions";

/** Resource of the Task that stands in for a Distributed Map state (see prepareDefinition). */
export const DISTRIBUTED_MAP_RESOURCE = "arn:aws:states:::quakeslide:distributedMap";

/**
 * Without TimeoutSeconds, AWS lets a Task run for up to a year; the library would stop it after
 * 60 s. Node timers overflow past 2^31 - 1 ms, so "no timeout" becomes that (about 24 days).
 */
const NO_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

type Json = Record<string, unknown>;

/**
 * Makes a synthesized definition runnable by the library, without changing what it means:
 * Tasks without a timeout get AWS's "none", and every Distributed Map state (which the library
 * does not implement: ItemReader, ItemBatcher, ResultWriter, tolerated failures) becomes a Task
 * handled by distributed-map.ts, keeping the Map's paths, Retry, Catch and transitions.
 */
export function prepareDefinition(definition: Json): Json {
  const states = definition.States as Record<string, Json>;
  const prepared: Record<string, Json> = {};
  for (const [name, state] of Object.entries(states)) prepared[name] = prepareState(state);
  return { ...definition, States: prepared };
}

function prepareState(original: Json): Json {
  const state = withoutRootResultPath(original);
  if (state.Type === "Task" && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
    return { ...state, TimeoutSeconds: NO_TIMEOUT_SECONDS };
  }
  if (state.Type === "Parallel") {
    return { ...state, Branches: (state.Branches as Json[]).map(prepareDefinition) };
  }
  if (state.Type !== "Map") return state;
  const processor = (state.ItemProcessor ?? state.Iterator) as Json;
  const config = processor.ProcessorConfig as { Mode?: string } | undefined;
  if (config?.Mode !== "DISTRIBUTED") {
    return { ...state, [state.ItemProcessor ? "ItemProcessor" : "Iterator"]: prepareDefinition(processor) };
  }
  return distributedMapAsTask(state);
}

/** The Task keeps what a Task may have; the Map's own settings travel in its Parameters. */
function distributedMapAsTask(state: Json): Json {
  const task: Json = { Type: "Task", Resource: DISTRIBUTED_MAP_RESOURCE, TimeoutSeconds: NO_TIMEOUT_SECONDS };
  for (const key of [
    "Comment",
    "InputPath",
    "ResultSelector",
    "ResultPath",
    "OutputPath",
    "Retry",
    "Catch",
    "Next",
    "End",
  ]) {
    if (key in state) task[key] = state[key];
  }
  const reader = state.ItemReader as Json | undefined;
  task.Parameters = {
    "Input.$": "$",
    ...(reader ? { ReaderParameters: reader.Parameters ?? {} } : { "Items.$": state.ItemsPath ?? "$" }),
    ...(state.MaxConcurrencyPath ? { "MaxConcurrency.$": state.MaxConcurrencyPath } : {}),
  };
  return task;
}

/**
 * `"ResultPath": "$"` means "the result replaces the input" (the default), but the library
 * stores the result under a key named "$" instead; dropping it gives the documented behaviour.
 */
function withoutRootResultPath(state: Json): Json {
  const copy = { ...state };
  if (copy.ResultPath === "$") delete copy.ResultPath;
  if (Array.isArray(copy.Catch)) {
    copy.Catch = (copy.Catch as Json[]).map((catcher) => {
      const { ResultPath, ...rest } = catcher;
      return ResultPath === "$" ? rest : catcher;
    });
  }
  return copy;
}
