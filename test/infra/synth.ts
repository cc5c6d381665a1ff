/**
 * Test helpers: build the app as `bin/` does, with or without Lambda bundling.
 */
import { App, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import type { HygieneFunction } from '../../lib/hygiene-function';
import type { PersonalClientHygieneStack } from '../../lib/personal-client-hygiene-stack';

/** Context that makes CDK skip asset bundling (placeholder code): for template-only tests. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

/** The app of `bin/personal-client-hygiene.ts` with the given CDK context. */
export function synthApp(
  context: Record<string, unknown> = {},
  options: { bundle?: boolean; outdir?: string } = {},
): { app: App; stack: PersonalClientHygieneStack; template: Template } {
  const app = new App({
    context: { ...(options.bundle ? {} : SKIP_BUNDLING), ...context },
    ...(options.outdir !== undefined && { outdir: options.outdir }),
  });
  const { stack } = buildApp(app);
  return { app, stack, template: Template.fromStack(stack) };
}

/** The environment variables `fn` (in `stack`) gets in its synthesized `template`. */
export function environmentOf(
  template: Template,
  stack: Stack,
  fn: HygieneFunction,
): Record<string, unknown> {
  const id = stack.getLogicalId(fn.function.node.defaultChild as never);
  const resource = template.toJSON().Resources[id] as {
    Properties: { Environment: { Variables: Record<string, unknown> } };
  };
  return resource.Properties.Environment.Variables;
}

/** The logical id of the only resource of a type matching the properties. */
export function logicalIdOf(template: Template, type: string, props: Record<string, unknown> = {}): string {
  const found = Object.keys(template.findResources(type, { Properties: props }));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}: ${found.join(', ')}`);
  return found[0]!;
}

/** Asserts that a KMS key of the template has a policy statement with (at least) `statement`'s properties. */
export function expectKeyStatement(template: Template, statement: Record<string, unknown>): void {
  template.hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: { Statement: Match.arrayWith([Match.objectLike(statement)]) },
  });
}
