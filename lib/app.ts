/**
 * Builds the CDK app exactly as `bin/personal-client-hygiene.ts` runs it, so
 * tests synthesize what `cdk synth` does.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readDeploymentSettings } from './config';
import { PersonalClientHygieneStack } from './personal-client-hygiene-stack';

/** The stack id (and CloudFormation stack name). */
const STACK_ID = 'PersonalClientHygiene';

/**
 * Adds the stack, configured from the app's CDK context, and cdk-nag's
 * AwsSolutions checks as a policy-validation plugin (findings fail the synth).
 * Every context key is read (`-c`, `cdk.json`, `cdk.context.json`): one that is
 * neither the app's nor the CDK's fails the synth (lib/config.ts).
 * @throws {ContextError} when a context key is unknown or a value is invalid
 */
export function buildApp(app: App = new App()): { app: App; stack: PersonalClientHygieneStack } {
  const settings = readDeploymentSettings(app.node.getAllContext());
  const stack = new PersonalClientHygieneStack(app, STACK_ID, {
    settings,
    // Environment-agnostic unless the operator's CLI profile gives one: synth needs no AWS credentials.
    ...(process.env.CDK_DEFAULT_ACCOUNT !== undefined && {
      env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    }),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
