import type { z } from "zod";
import type { StepResult } from "./event.ts";
import { runStep, type StepSpec } from "./run-step.ts";

/**
 * The Lambda handler of one core step. Errors keep their name, so Step Functions sees
 * `InputError` (bad event or input: not retried, caught) apart from service errors (retried).
 */
export function createStepHandler<Schema extends z.ZodType>(
  spec: StepSpec<Schema>,
): (event: unknown) => Promise<StepResult> {
  return (event: unknown) => runStep(spec, event);
}
