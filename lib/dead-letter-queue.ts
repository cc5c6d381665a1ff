/**
 * The stack's dead-letter queues, built one way: SQS-managed encryption
 * (encrypted at rest without a key policy for the scheduler role or an event
 * source to need), HTTPS only, messages kept 14 days; cdk-nag's "a queue
 * without a dead-letter queue of its own" is acknowledged with what the queue
 * is the dead-letter queue of. The shared dead-letter queue (the schedules'
 * and the functions' failures) is also locked to the roles that send to it and
 * to the operators who read it ({@link guardDeadLetterQueue}).
 */
import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { denyUnlessPrincipal } from './deny-unless-principal';

/**
 * What reads a dead-letter queue's messages, hides or drops them, or moves them elsewhere (SQS's `*Batch` calls are
 * authorized as these).
 */
export const DEAD_LETTER_READ_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:PurgeQueue',
  'sqs:StartMessageMoveTask',
] as const;

/**
 * Adds a dead-letter queue to `scope` under `id`.
 * @param deadLetterOf what it keeps the failures of, e.g. `the relay queue`
 */
export function addDeadLetterQueue(scope: Construct, id: string, deadLetterOf: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself the dead-letter queue of ${deadLetterOf}.`,
  });
  return queue;
}

/**
 * Locks the shared dead-letter queue as the relay's DLQ is locked (docs/deploy.md, "Security choices"). It keeps
 * the schedules' undelivered invocations and the functions' failed ones, the SES events function's with owners'
 * addresses in them; the `DeadLetterMessages` and `DeadLetterArrivals` alarms send operators to it. So no principal of
 * the account with a broad `sqs:*` grant may read it, purge it (dropping the evidence) or plant messages in it:
 *
 * - `sqs:SendMessage` denied to every principal but the roles that send there, found in the stack at synth
 *   ({@link deadLetterSenders}: each schedule's execution role, each function's role with a destination or
 *   dead-letter queue there; EventBridge Scheduler and Lambda send as those roles, never as a service principal,
 *   so no service is excepted), the operators and the account's root user;
 * - receiving, deleting, hiding, purging and moving its messages ({@link DEAD_LETTER_READ_ACTIONS}) denied to
 *   every principal but the operators and the root user (break-glass).
 *
 * Administering the queue (`SetQueueAttributes`, `DeleteQueue`, ...) is never denied: CloudFormation deploys and
 * removes it with it, and it is the way back in for an account whose listed principals are all gone (a changed
 * policy is in CloudTrail; the next deploy puts it back). A sender whose role the stack does not know (an imported
 * function) fails synth: its sends would be denied.
 * @param operators `aws:PrincipalArn` values (the stack's `operatorPrincipalArns`); each still needs an IAM grant
 */
export function guardDeadLetterQueue(queue: sqs.Queue, operators: readonly string[]): void {
  const keepers = [...operators, Stack.of(queue).formatArn({ service: 'iam', region: '', resource: 'root' })];
  const senderRoles = () =>
    deadLetterSenders(queue).flatMap((s) => (s.roleArn === undefined ? [] : [s.roleArn]));
  queue.addToResourcePolicy(
    denyUnlessPrincipal('SendOnlyByTheWorkerAndOperators', queue.queueArn, ['sqs:SendMessage'], () => [
      ...senderRoles(),
      ...keepers,
    ]),
  );
  queue.addToResourcePolicy(
    denyUnlessPrincipal('ReceiveOrRedriveOnlyByOperators', queue.queueArn, DEAD_LETTER_READ_ACTIONS, keepers),
  );
  queue.node.addValidation({
    validate: () =>
      deadLetterSenders(queue)
        .filter((s) => s.roleArn === undefined)
        .map(
          (s) =>
            `${s.path} sends to the dead-letter queue ${queue.node.path} with a role this stack does not know: ` +
            'the queue policy would deny it (give the function a role of this stack, or another queue)',
        ),
  });
}

/** A principal that sends to a dead-letter queue. */
export interface DeadLetterSender {
  /** The construct that makes it send (a schedule, an asynchronous invocation config, a function). */
  readonly path: string;
  /** The role it sends with; undefined when the stack does not know it (an imported function). */
  readonly roleArn: string | undefined;
}

/**
 * Whatever in the queue's stack sends to it, each role once: every EventBridge Scheduler schedule whose target's
 * dead-letter config is the queue (its execution role), every asynchronous invocation config with a destination
 * there and every function with it as its dead-letter queue (the function's role). Read from the finished
 * construct tree, so a schedule or function added later is found.
 */
export function deadLetterSenders(queue: sqs.IQueue): DeadLetterSender[] {
  const stack = Stack.of(queue);
  const key = (value: unknown) => JSON.stringify(stack.resolve(value));
  const queueArn = key(queue.queueArn);
  const isQueue = (arn: unknown) => arn !== undefined && key(arn) === queueArn;
  const constructs = stack.node.findAll();
  const functions = constructs.filter((c): c is lambda.Function => c instanceof lambda.Function);
  const roleOf = (functionName: unknown) =>
    functions.find((fn) => key(fn.functionName) === key(functionName))?.role?.roleArn;
  const senders = new Map<string, DeadLetterSender>();
  const add = (path: string, roleArn: string | undefined) => {
    const id = roleArn === undefined ? path : key(roleArn);
    if (!senders.has(id)) senders.set(id, { path, roleArn });
  };
  for (const c of constructs) {
    if (c instanceof scheduler.CfnSchedule) {
      const target = stack.resolve(c.target) as { roleArn?: unknown; deadLetterConfig?: { arn?: unknown } };
      if (isQueue(target.deadLetterConfig?.arn)) add(c.node.path, Token.asString(target.roleArn));
    } else if (c instanceof lambda.CfnEventInvokeConfig) {
      const destinations = stack.resolve(c.destinationConfig) as
        | { onFailure?: { destination?: unknown }; onSuccess?: { destination?: unknown } }
        | undefined;
      const sent = [destinations?.onFailure, destinations?.onSuccess].some((d) => isQueue(d?.destination));
      if (sent) add(c.node.path, roleOf(c.functionName));
    } else if (c instanceof lambda.Function && isQueue(c.deadLetterQueue?.queueArn)) {
      add(c.node.path, c.role?.roleArn);
    }
  }
  return [...senders.values()];
}
