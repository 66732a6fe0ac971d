import { type App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";

/**
 * cdk-nag's AWS Solutions rules on the whole app: synthesis fails on any finding that is not
 * acknowledged, each acknowledgement sits next to the construct it concerns, with its reason.
 */
export function applyNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
