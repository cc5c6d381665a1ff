/**
 * The names the stack-aware CLI looks a deployment up by: the default stack
 * name and the stack outputs it reads. Plain data with no SDK import, so the
 * flag definitions can name them without loading the CloudFormation and
 * Lambda clients (loaded only when a stack is looked up).
 */

/** The stack name `cdk deploy` gives the worker (`lib/app.ts`), the CLI's default `--stack`. */
export const DEFAULT_STACK_NAME = 'PersonalClientHygiene';

/**
 * The stack outputs the CLI reads (`lib/personal-client-hygiene-stack.ts`
 * declares them; keep the names stable). The owner directory output is
 * optional: without it the sweep function's `DIRECTORY_TABLE_NAME` is used.
 * So is the filter-policy quota, declared only when the deployment sets
 * `filterPolicyQuota`: without it the reconciler plans against SNS's default.
 */
export const STACK_OUTPUT = {
  tableName: 'TableName',
  topicArn: 'TopicArn',
  sweepFunctionName: 'SweepFunctionName',
  directoryTableName: 'DirectoryTableName',
  filterPolicyQuota: 'FilterPolicyQuota',
} as const;
