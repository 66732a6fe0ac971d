import { Duration } from "aws-cdk-lib";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import * as tasks from "aws-cdk-lib/aws-stepfunctions-tasks";
import { Construct } from "constructs";
import type { LightStepName, PublisherName } from "./light-steps.ts";
import {
  acknowledgeInvokeQualifiers,
  createStateMachine,
  failOnInputError,
  invokeStep,
} from "./state-machine.ts";
import type { StepLambda } from "./step-lambda.ts";

export type PipelineFunctions = Record<LightStepName | PublisherName, StepLambda>;

/**
 * `hazard-pipeline`: the whole chain on one area, published as one product.
 *
 *   Defaults → Inputs ‖ [ Terrain | Krige | GroundMotion (when given) | Train → Predict, or Predict ]
 *            → Stability (slope, kriged target and its variance) → Newmark (regression on the
 *              ground motion, or the given record/rasters) → Hazard → Publish (COGs, PNGs,
 *              report.html, manifest.json last)
 *
 * Input: functions/shared/machines.ts, hazardPipelineInputSchema. Output: what Publish returns
 * (product prefix, manifest, report, every step's run prefix).
 */
export function createHazardPipeline(
  scope: Construct,
  stage: string,
  fns: PipelineFunctions,
): sfn.StateMachine {
  return createHazardMachine(scope, "hazard-pipeline", stage, fns);
}

/**
 * The hazard chain as a state machine named `name`; event-update is the same chain on an event's
 * ground motion, published under `events/<id>/v<version>/` (product.prefix and product.latest).
 */
export function createHazardMachine(
  scope: Construct,
  name: "hazard-pipeline" | "event-update",
  stage: string,
  fns: PipelineFunctions,
): sfn.StateMachine {
  // Each machine's states live in their own scope, so both can use the same state names.
  const states = new Construct(scope, `${name === "hazard-pipeline" ? "Hazard" : "EventUpdate"}States`);
  const failed = new sfn.Fail(states, "BadInput", { errorPath: "$.error.Error", causePath: "$.error.Cause" });
  // Optional parts of the input get their empty defaults; what the input gives wins. (Static
  // objects, not JSON in intrinsic string literals, whose escaping interpreters read differently.)
  const defaults = new sfn.Pass(states, "Defaults", {
    parameters: {
      defaults: {
        newmark: { inputs: {}, params: {} },
        hazard: { inputs: {}, params: {} },
        product: { sources: [] },
        regressionDefaults: { model: "saygili-rathje2008" },
      },
      "given.$": "$",
    },
  });
  const merged = new sfn.Pass(states, "ApplyDefaults", {
    parameters: { "input.$": "States.JsonMerge($.defaults, $.given, false)" },
    outputPath: "$.input",
  });

  const inputs = new sfn.Parallel(states, "Inputs", {
    resultSelector: {
      "terrain.$": "$[0]",
      "krige.$": "$[1]",
      "groundMotion.$": "$[2]",
      "susceptibility.$": "$[3]",
    },
    resultPath: "$.results",
  })
    .branch(invokeStep(states, "Terrain", fns.terrain, { inputs: { "dem.$": "$.dem" } }, "$"))
    .branch(
      invokeStep(
        states,
        "Krige",
        fns.krige,
        { inputs: { "samples.$": "$.krige.samples", "grid.$": "$.dem" }, params: "$.krige.params" },
        "$",
      ),
    )
    .branch(groundMotionBranch(states, fns))
    .branch(susceptibilityBranch(states, fns));
  failOnInputError(inputs, failed);

  // The kriged raster becomes the stability option the input names (`krige.target`), its variance
  // the uncertainty of that parameter.
  const stability = invokeStep(
    states,
    "Stability",
    fns.stability,
    {
      inputs: mergeInto(
        "$.stability.inputs",
        '\\{"slope":"{}","{}":"{}","variance":"{}"\\}',
        "$.results.terrain.outputs.slope_tif, $.krige.target, $.results.krige.outputs.prediction_tif, $.results.krige.outputs.variance_tif",
      ),
      params: `States.JsonMerge(States.StringToJson(States.Format('\\{"uncertainty":\\{"parameter":"{}"\\}\\}', $.krige.target)), $.stability.params, false)`,
    },
    "$.results.stability",
  );
  const newmarkFromGroundMotion = invokeStep(
    states,
    "NewmarkFromGroundMotion",
    fns["newmark-map"],
    {
      inputs: mergeInto(
        "$.newmark.inputs",
        '\\{"ac":"{}","pga":"{}","pgv":"{}"\\}',
        "$.results.stability.outputs.ac_tif, $.results.groundMotion.outputs.pga_tif, $.results.groundMotion.outputs.pgv_tif",
      ),
      params: "States.JsonMerge($.regressionDefaults, $.newmark.params, false)",
    },
    "$.results.newmark",
  );
  const newmarkFromInputs = invokeStep(
    states,
    "NewmarkMap",
    fns["newmark-map"],
    {
      inputs: mergeInto("$.newmark.inputs", '\\{"ac":"{}"\\}', "$.results.stability.outputs.ac_tif"),
      params: "$.newmark.params",
    },
    "$.results.newmark",
  );
  const hazard = invokeStep(
    states,
    "Hazard",
    fns.hazard,
    {
      inputs: mergeInto(
        "$.hazard.inputs",
        '\\{"pf":"{}","susceptibility":"{}"\\}',
        "$.results.newmark.outputs.pf_tif, $.results.susceptibility.map.outputs.susceptibility_tif",
      ),
      params: "$.hazard.params",
    },
    "$.results.hazard",
  );
  const publish = new tasks.LambdaInvoke(states, "Publish", {
    lambdaFunction: fns.publish.fn,
    payload: sfn.TaskInput.fromObject({
      flow: name,
      "execution.$": "$$.Execution.Name",
      "input.$": "$",
    }),
    payloadResponseOnly: true,
    resultPath: "$",
    taskTimeout: sfn.Timeout.duration(fns.publish.fn.timeout ?? Duration.minutes(10)),
    retryOnServiceExceptions: true,
  });
  for (const task of [stability, newmarkFromGroundMotion, newmarkFromInputs, hazard, publish])
    failOnInputError(task, failed);

  const newmark = new sfn.Choice(states, "NewmarkSource")
    .when(sfn.Condition.isPresent("$.groundMotion"), newmarkFromGroundMotion)
    .otherwise(newmarkFromInputs);
  newmarkFromGroundMotion.next(hazard);
  newmarkFromInputs.next(hazard);
  hazard.next(publish);
  const definition = defaults.next(merged).next(inputs).next(stability).next(newmark);
  const machine = createStateMachine(scope, name, stage, definition, Duration.hours(2));
  acknowledgeInvokeQualifiers(machine, [
    fns.terrain,
    fns.krige,
    fns["ground-motion"],
    fns["susceptibility-train"],
    fns["susceptibility-predict"],
    fns.stability,
    fns["newmark-map"],
    fns.hazard,
    fns.publish,
  ]);
  return machine;
}

/** Ground motion when the input has some; otherwise the branch records that it has none. */
function groundMotionBranch(scope: Construct, fns: PipelineFunctions): sfn.IChainable {
  const groundMotion = invokeStep(
    scope,
    "GroundMotion",
    fns["ground-motion"],
    {
      inputs: mergeInto("$.groundMotion.inputs", '\\{"grid":"{}"\\}', "$.dem"),
      params: "$.groundMotion.params",
    },
    "$",
  );
  const none = new sfn.Pass(scope, "NoGroundMotion", { result: sfn.Result.fromObject({ skipped: true }) });
  return new sfn.Choice(scope, "GroundMotionGiven")
    .when(sfn.Condition.isPresent("$.groundMotion"), groundMotion)
    .otherwise(none);
}

/** Train on the input's inventory then predict, or predict with the given model; both give { model?, map }. */
function susceptibilityBranch(scope: Construct, fns: PipelineFunctions): sfn.IChainable {
  const train = invokeStep(
    scope,
    "TrainSusceptibility",
    fns["susceptibility-train"],
    {
      inputs: {
        "inventory.$": "$.susceptibility.inputs.inventory",
        "covariates.$": "$.susceptibility.inputs.covariates",
      },
      params: "$.susceptibility.params",
    },
    "$.trained",
  );
  const predictTrained = invokeStep(
    scope,
    "PredictTrained",
    fns["susceptibility-predict"],
    {
      inputs: {
        "model.$": "$.trained.outputs.model_json",
        "covariates.$": "$.susceptibility.inputs.covariates",
      },
    },
    "$.predicted",
  );
  const predictWithModel = invokeStep(
    scope,
    "PredictWithModel",
    fns["susceptibility-predict"],
    {
      inputs: {
        "model.$": "$.susceptibility.inputs.model",
        "covariates.$": "$.susceptibility.inputs.covariates",
      },
    },
    "$.predicted",
  );
  train.next(predictTrained).next(
    new sfn.Pass(scope, "TrainedSusceptibility", {
      parameters: { "model.$": "$.trained", "map.$": "$.predicted" },
    }),
  );
  predictWithModel.next(
    new sfn.Pass(scope, "GivenSusceptibility", { parameters: { "map.$": "$.predicted" } }),
  );
  return new sfn.Choice(scope, "TrainOrPredict")
    .when(sfn.Condition.isPresent("$.susceptibility.inputs.inventory"), train)
    .otherwise(predictWithModel);
}

/** `States.JsonMerge(<base>, <object formatted from template and paths>, false)`. */
function mergeInto(base: string, template: string, paths: string): string {
  return `States.JsonMerge(${base}, States.StringToJson(States.Format('${template}', ${paths})), false)`;
}
