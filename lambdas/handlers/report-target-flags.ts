/**
 * Where an admin message a Lambda sends aims its commands (`--stack NAME --region REGION`), read once at cold start
 * from the environment the shipped stack sets (`STACK_NAME`, lib/personal-client-hygiene-stack.ts) and Lambda's
 * own `AWS_REGION`: one reading for the functions whose owner-unreachable reports carry restore commands (the
 * notifier's, and with `relay` the SES events function's for a bounced digest; docs/notifications.md, "The report
 * message").
 */
import { deploymentTargetFlags } from '../render/admin-report';
import { HANDLER_ENV } from './environment';

/**
 * The deployment's target flags as the owner-unreachable report's `targetFlags`, or `undefined` when the stack is
 * not known (absent or not a stack name: the construct in a stack of your own), so the report says to add it.
 */
export function reportTargetFlagsOf(env: NodeJS.ProcessEnv): string | undefined {
  return (
    deploymentTargetFlags({ stackName: env[HANDLER_ENV.stackName], region: env.AWS_REGION }) || undefined
  );
}
