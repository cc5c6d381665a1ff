/**
 * The CDK app: `npx cdk synth`, `npx cdk deploy -c mode=enforce`.
 * Settings come from CDK context (cdk.json defaults, `-c key=value`), validated
 * by the same schema as the Lambdas; cdk-nag runs on the whole app.
 */
import { buildApp } from '../lib/app';
import { ContextError } from '../lib/config';
import { CredentialHygienePropsError } from '../lib/credential-hygiene';

try {
  buildApp().app.synth();
} catch (error: unknown) {
  // A configuration mistake is the operator's to fix: one clear line, no stack trace.
  if (error instanceof ContextError || error instanceof CredentialHygienePropsError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
