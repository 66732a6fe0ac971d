import { Duration } from "aws-cdk-lib";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import type { LightStepName } from "./light-steps.ts";
import {
  acknowledgeInvokeQualifiers,
  createStateMachine,
  failOnInputError,
  invokeStep,
} from "./state-machine.ts";
import type { StepLambda } from "./step-lambda.ts";

/**
 * `hazard-pipeline`: terrain ‖ krige (on the DEM grid) → stability (slope + kriged soil raster) →
 * newmark-map (a_c + the given ground-motion record or rasters) → susceptibility-predict.
 * Input (see functions/shared/machines.ts, hazardPipelineInputSchema):
 * { dem, krige: { samples, target, params }, stability: { inputs, params },
 *   newmark: { inputs, params }, susceptibility: { inputs, params } }
 */
export function createHazardPipeline(
  scope: Construct,
  stage: string,
  steps: Record<LightStepName, StepLambda>,
): sfn.StateMachine {
  const failed = new sfn.Fail(scope, "HazardBadInput", {
    errorPath: "$.error.Error",
    causePath: "$.error.Cause",
  });
  const terrain = invokeStep(scope, "Terrain", steps.terrain, { inputs: { "dem.$": "$.dem" } }, "$");
  const krige = invokeStep(
    scope,
    "Krige",
    steps.krige,
    { inputs: { "samples.$": "$.krige.samples", "grid.$": "$.dem" }, params: "$.krige.params" },
    "$",
  );
  const surfaces = new sfn.Parallel(scope, "TerrainAndSoil", {
    resultSelector: { "terrain.$": "$[0]", "krige.$": "$[1]" },
    resultPath: "$.results",
  })
    .branch(terrain)
    .branch(krige);
  failOnInputError(surfaces, failed);

  // The kriged raster becomes the stability option the input names (`krige.target`).
  const stability = invokeStep(
    scope,
    "Stability",
    steps.stability,
    {
      inputs:
        'States.JsonMerge($.stability.inputs, States.StringToJson(States.Format(\'\\{"slope":"{}","{}":"{}"\\}\', ' +
        "$.results.terrain.outputs.slope_tif, $.krige.target, $.results.krige.outputs.prediction_tif)), false)",
      params: "$.stability.params",
    },
    "$.results.stability",
  );
  const newmark = invokeStep(
    scope,
    "NewmarkMap",
    steps["newmark-map"],
    {
      inputs:
        'States.JsonMerge($.newmark.inputs, States.StringToJson(States.Format(\'\\{"ac":"{}"\\}\', ' +
        "$.results.stability.outputs.ac_tif)), false)",
      params: "$.newmark.params",
    },
    "$.results.newmark",
  );
  const susceptibility = invokeStep(
    scope,
    "SusceptibilityPredict",
    steps["susceptibility-predict"],
    { inputs: "$.susceptibility.inputs", params: "$.susceptibility.params" },
    "$.results.susceptibility",
  );
  for (const task of [stability, newmark, susceptibility]) failOnInputError(task, failed);
  const summary = new sfn.Pass(scope, "HazardSummary", {
    parameters: {
      "terrain.$": "$.results.terrain.runPrefix",
      "krige.$": "$.results.krige.runPrefix",
      "stability.$": "$.results.stability.runPrefix",
      "newmark.$": "$.results.newmark.runPrefix",
      "susceptibility.$": "$.results.susceptibility.runPrefix",
    },
  });
  const definition = surfaces.next(stability).next(newmark).next(susceptibility).next(summary);
  const machine = createStateMachine(scope, "hazard-pipeline", stage, definition, Duration.hours(2));
  acknowledgeInvokeQualifiers(machine, [
    steps.terrain,
    steps.krige,
    steps.stability,
    steps["newmark-map"],
    steps["susceptibility-predict"],
  ]);
  return machine;
}
