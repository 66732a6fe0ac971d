import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { createApp } from "../../infra/app.ts";

/**
 * The app as the tests see it: bundling skipped (the handlers' bundles are checked separately),
 * cdk-nag attached as in production. Synthesizing three stacks takes seconds and ~450 MB, so
 * each test file builds it once.
 */
export function synthApp(context: Record<string, unknown> = {}) {
  const outdir = mkdtempSync(join(tmpdir(), "quakeslide-cdk-"));
  const built = createApp({ context: { "aws:cdk:bundling-stacks": [], ...context }, outdir });
  const assembly = built.app.synth();
  const template = (stack: Stack) => Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template);
  return { ...built, assembly, outdir, template };
}

export type Json = Record<string, unknown>;

/** Resources of one type in a template, by logical id. */
export function resourcesOfType(template: Template, type: string): Record<string, Json> {
  return template.findResources(type) as Record<string, Json>;
}

/**
 * A state machine's definition as Step Functions will see it: CDK writes it as Fn::Join of
 * strings and tokens; the tokens are replaced by a placeholder so the JSON parses.
 */
export function definitionOf(resource: Json): Json {
  const properties = resource.Properties as Json;
  const body = properties.DefinitionString as string | { "Fn::Join": [string, unknown[]] };
  const text =
    typeof body === "string"
      ? body
      : body["Fn::Join"][1].map((part) => (typeof part === "string" ? part : "TOKEN")).join("");
  return JSON.parse(text) as Json;
}

/** Every state of a definition, nested ones (Parallel branches, Map processors) included. */
export function allStates(definition: Json): [string, Json][] {
  const found: [string, Json][] = [];
  const visit = (states: Record<string, Json>) => {
    for (const [name, state] of Object.entries(states)) {
      found.push([name, state]);
      for (const branch of (state.Branches as Json[] | undefined) ?? [])
        visit(branch.States as Record<string, Json>);
      const processor = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
      if (processor) visit(processor.States as Record<string, Json>);
    }
  };
  visit(definition.States as Record<string, Json>);
  return found;
}
