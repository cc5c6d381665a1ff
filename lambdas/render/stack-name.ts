/**
 * The one CloudFormation stack-name rule: what the CLI's `--stack` accepts
 * (`cli/options/deployment-target.ts`) and what the admins' report will name
 * in its commands (`admin-report.ts`). Here, in `lambdas/`, so both share it:
 * the CLI may import `lambdas/`, never the reverse.
 */

/** A CloudFormation stack name (not an ARN): a letter, then letters, digits and hyphens, up to 128 characters. */
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/** Whether `name` is a CloudFormation stack name (a name, not an ARN). */
export function isStackName(name: string): boolean {
  return STACK_NAME.test(name);
}
