/**
 * The stack's dead-letter queues, built one way: SQS-managed encryption
 * (encrypted at rest without a key policy for the scheduler role or an event
 * source to need), or a customer-managed key for a queue a service sends to as
 * itself (SNS keeping a subscription's undelivered messages: only a key whose
 * policy lets the service use it, which an SQS-managed one cannot have), HTTPS
 * only, messages kept `DEAD_LETTER_RETENTION_DAYS`
 * (14; the relay ledger's TTL is computed from it), and a redrive allow policy
 * naming the only queues that may make it their dead-letter queue (none but
 * the one it is built for: SQS's move of a message into a dead-letter queue is
 * no `SendMessage`, so the queue policy's Denies never see it); cdk-nag's "a
 * queue without a dead-letter queue of its own" is acknowledged with what the
 * queue is the dead-letter queue of. The worker's dead-letter queue (its
 * schedules' and functions' failures) is also locked to the roles that send to
 * it and to the operators who read it, and refuses any other sender at synth
 * ({@link guardDeadLetterQueue}).
 */
import { CfnElement, Duration, Stack, Tokenization, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import { DEAD_LETTER_RETENTION_DAYS } from '../lambdas/aws/relay-ledger-table-definition';
import { denyUnlessPrincipal, operatorsAndRoot } from './deny-unless-principal';
import type { HygieneFunction } from './hygiene-function';
import { mayShareEnvironment } from './metric-identity';

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
 * No queue may name this one as its dead-letter queue (SQS's default, `allowAll`, lets every queue of the account and
 * region do so). SQS moves a message into a dead-letter queue without a `SendMessage`, so without this any principal
 * who controls a queue of its own could plant messages past the queue policy's send Denies (docs/deploy.md,
 * "Security choices").
 */
export const NO_REDRIVE_SOURCES: sqs.RedriveAllowPolicy = {
  redrivePermission: sqs.RedrivePermission.DENY_ALL,
};

/**
 * Adds a dead-letter queue to `scope` under `id`.
 * @param deadLetterOf what it keeps the failures of, e.g. `the relay queue`
 * @param sourceQueues the SQS queues whose redrive policy names it (at most 10): the only ones SQS lets do so, and
 *   redrive to; none (the default) for a queue only services send to (EventBridge Scheduler, Lambda destinations,
 *   an SNS subscription)
 * @param encryptionKey the customer-managed key to encrypt it with, whose policy lets the service that sends there as
 *   itself use it (an SNS subscription's dead-letter queue); default SQS-managed encryption
 */
export function addDeadLetterQueue(
  scope: Construct,
  id: string,
  deadLetterOf: string,
  sourceQueues: readonly sqs.IQueue[] = [],
  encryptionKey?: kms.IKey,
): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    ...(encryptionKey === undefined
      ? { encryption: sqs.QueueEncryption.SQS_MANAGED }
      : { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: encryptionKey }),
    enforceSSL: true,
    retentionPeriod: Duration.days(DEAD_LETTER_RETENTION_DAYS),
    redriveAllowPolicy:
      sourceQueues.length === 0
        ? NO_REDRIVE_SOURCES
        : { redrivePermission: sqs.RedrivePermission.BY_QUEUE, sourceQueues: [...sourceQueues] },
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself the dead-letter queue of ${deadLetterOf}.`,
  });
  return queue;
}

/** What sends to the worker's dead-letter queue: the worker's own schedules and functions, nothing else. */
export interface DeadLetterQueueSenders {
  /** Its schedules with the queue as their dead-letter queue: EventBridge Scheduler sends with each one's execution role. */
  readonly schedules: readonly scheduler.Schedule[];
  /** Its functions with an on-failure destination there: Lambda sends with each one's role. */
  readonly functions: readonly HygieneFunction[];
}

/**
 * Locks the worker's dead-letter queue as the relay's DLQ is locked (docs/deploy.md, "Security choices"). It keeps
 * the schedules' undelivered invocations and the functions' failed ones, the SES events function's with owners'
 * addresses in them; the `DeadLetterMessages` and `DeadLetterArrivals` alarms send operators to it. So no principal of
 * the account with a broad `sqs:*` grant may read it, purge it (dropping the evidence) or plant messages in it:
 *
 * - `sqs:SendMessage` denied to every principal but the roles of `senders` (EventBridge Scheduler and Lambda send
 *   as those roles, never as a service principal, so no service is excepted), the operators and the account's root
 *   user: a list fixed here, from what the construct built, so nothing resolved earlier or added later changes it;
 * - receiving, deleting, hiding, purging and moving its messages ({@link DEAD_LETTER_READ_ACTIONS}) denied to
 *   every principal but the operators and the root user (break-glass).
 *
 * The queue is the worker's own: synth fails ({@link foreignSenders}) for anything else found to send there, whose
 * sends the policy would deny. Administering the queue (`SetQueueAttributes`, `DeleteQueue`, ...) is never denied:
 * CloudFormation deploys and removes it with it, and it is the way back in for an account whose listed principals
 * are all gone (a changed policy is in CloudTrail; the next deploy puts it back).
 * @param operators `aws:PrincipalArn` values (the stack's `operatorPrincipalArns`); each still needs an IAM grant
 */
export function guardDeadLetterQueue(
  queue: sqs.Queue,
  operators: readonly string[],
  senders: DeadLetterQueueSenders,
): void {
  const keepers = operatorsAndRoot(queue, operators);
  const senderRoles = [
    ...senders.schedules.map(executionRoleArn),
    ...senders.functions.map((fn) => fn.role.roleArn),
  ];
  queue.addToResourcePolicy(
    denyUnlessPrincipal(
      'SendOnlyByTheWorkerAndOperators',
      queue.queueArn,
      ['sqs:SendMessage'],
      [...senderRoles, ...keepers],
    ),
  );
  queue.addToResourcePolicy(
    denyUnlessPrincipal('ReceiveOrRedriveOnlyByOperators', queue.queueArn, DEAD_LETTER_READ_ACTIONS, keepers),
  );
  const own = [...senders.schedules, ...senders.functions];
  queue.node.addValidation({
    validate: () =>
      foreignSenders(queue, own).map(
        (sender) =>
          `${sender} sends to ${queue.node.path}, the credential hygiene worker's own dead-letter queue, whose ` +
          "policy denies every sender but the worker's schedules and functions and which no queue may name as its " +
          'dead-letter queue: give ' +
          `${sender} its own dead-letter queue (docs/deploy.md, "Security choices")`,
      ),
  });
}

/** The role EventBridge Scheduler invokes a schedule's target, and sends to its dead-letter queue, with. */
function executionRoleArn(schedule: scheduler.Schedule): string {
  const target = (schedule.node.defaultChild as scheduler.CfnSchedule).target;
  if (Tokenization.isResolvable(target)) {
    throw new Error(`${schedule.node.path}: its target is a token, its execution role cannot be read`);
  }
  return target.roleArn;
}

/**
 * What sends to the queue besides `own` (and what is under it in the construct tree), as construct paths, read at
 * validation (after every aspect): each Allow of the queue's policy (the construct adds none; an EventBridge rule's
 * or an SNS subscription's dead-letter queue adds one for its service), and each function, event source mapping,
 * asynchronous invocation config, schedule or SQS queue of the app whose dead-letter queue or on-failure destination
 * it is (a queue's redrive would fail at deploy: the queue allows no redrive source, {@link NO_REDRIVE_SOURCES}).
 * Only to refuse them: the send list is never read from here.
 */
function foreignSenders(queue: sqs.Queue, own: readonly IConstruct[]): string[] {
  const isOwn = (c: IConstruct) => c.node.scopes.some((scope) => own.includes(scope));
  const home = Stack.of(queue);
  const senders = queue.node.root.node.findAll().filter(
    (c) =>
      !isOwn(c) &&
      isSender(c) &&
      // a dead-letter queue must be in its sender's account and region (`CannotUseCrossEnvironment` otherwise)
      mayShareEnvironment(Stack.of(c), home) &&
      failureQueues(c).some((arn) => sameArn(c, arn, queue)),
  );
  return [...senders.map(ownerPath), ...foreignAllows(queue)];
}

/** The resources that can name a queue for failed events (each inside a stack). */
function isSender(c: IConstruct): boolean {
  return (
    c instanceof scheduler.CfnSchedule ||
    c instanceof lambda.CfnEventInvokeConfig ||
    c instanceof lambda.CfnEventSourceMapping ||
    c instanceof lambda.CfnFunction ||
    c instanceof sqs.CfnQueue
  );
}

/** The queues a resource sends failed events to, resolved in its stack; none for any other construct. */
function failureQueues(c: IConstruct): unknown[] {
  const resolved = (value: unknown) => (value === undefined ? undefined : Stack.of(c).resolve(value));
  type Destinations =
    | { onFailure?: { destination?: unknown }; onSuccess?: { destination?: unknown } }
    | undefined;
  if (c instanceof scheduler.CfnSchedule) {
    return [(resolved(c.target) as { deadLetterConfig?: { arn?: unknown } }).deadLetterConfig?.arn];
  }
  if (c instanceof lambda.CfnEventInvokeConfig) {
    const config = resolved(c.destinationConfig) as Destinations;
    return [config?.onFailure?.destination, config?.onSuccess?.destination];
  }
  if (c instanceof lambda.CfnEventSourceMapping) {
    return [(resolved(c.destinationConfig) as Destinations)?.onFailure?.destination];
  }
  if (c instanceof lambda.CfnFunction) {
    return [(resolved(c.deadLetterConfig) as { targetArn?: unknown } | undefined)?.targetArn];
  }
  if (c instanceof sqs.CfnQueue) {
    return [
      (resolved(c.redrivePolicy) as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn,
    ];
  }
  return [];
}

/**
 * Whether a resolved ARN is the queue's, as the stack of `where` refers to it
 * (an import or a parameter in another stack). A stack that never referred
 * to the queue resolves it to the same local `Fn::GetAtt` as the queue's own
 * stack does, which there names a resource of its own with that logical id
 * (another worker built with the same id): not a reference.
 */
function sameArn(where: IConstruct, resolvedArn: unknown, queue: sqs.Queue): boolean {
  if (resolvedArn === undefined) return false;
  const there = Stack.of(where);
  const referred = JSON.stringify(there.resolve(queue.queueArn));
  if (there !== Stack.of(queue) && referred === JSON.stringify(Stack.of(queue).resolve(queue.queueArn)))
    return false;
  return JSON.stringify(resolvedArn) === referred;
}

/** Each Allow of the queue's policy: the resource its `aws:SourceArn` names, else the principal it allows. */
function foreignAllows(queue: sqs.Queue): string[] {
  const policy = queue.node.tryFindChild('Policy');
  if (!(policy instanceof sqs.QueuePolicy)) return [];
  const stack = Stack.of(queue);
  const { Statement = [] } = stack.resolve(policy.document) as { Statement?: PolicyStatementJson[] };
  const elements = stack.node.findAll().filter(CfnElement.isCfnElement);
  return Statement.filter((s) => s.Effect === 'Allow').map((s) => {
    const named = [...JSON.stringify(s.Condition ?? {}).matchAll(/"(?:Ref|Fn::GetAtt)":\[?"([^"]+)"/g)].map(
      (m) => m[1],
    );
    const source = elements.find((e) => named.includes(stack.resolve(e.logicalId)));
    return source !== undefined
      ? ownerPath(source)
      : `the sender its policy allows (${JSON.stringify(s.Principal)}${s.Sid === undefined ? '' : `, ${s.Sid}`})`;
  });
}

interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

/** The construct a resource belongs to: the L2 of an L1 named `Resource`, else the resource itself. */
function ownerPath(c: IConstruct): string {
  const owner = c.node.id === 'Resource' && c.node.scope !== undefined ? c.node.scope : c;
  return owner.node.path;
}
