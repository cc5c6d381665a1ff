/**
 * The relay queue and its DLQ, and the worker's dead-letter queue, are not
 * open mailboxes (docs/deploy.md, "Security choices"): structural checks over a
 * synthesized template, read statement by statement as a security review
 * would, beside the topic checks of `structural-checks.ts`, and each queue's
 * redrive allow policy (SQS's move into a dead-letter queue is no
 * `SendMessage`, out of the Denies' reach). The relay queue is
 * the SQS endpoint of an SNS subscription of the template; its DLQ is its
 * redrive target; the worker's dead-letter queue is the queue its schedules
 * dead-letter to, and who may send there is whom the template's IAM policies
 * let send there (no second discovery of the senders).
 */
import type { Stack } from 'aws-cdk-lib';
import {
  type CfnStatement,
  type CfnTemplate,
  type CheckResult,
  isEveryone,
  isTlsOnlyDeny,
  policyStatements,
  referencedId,
  roleStatements,
  statementCovers,
} from './structural-checks';

/** What takes a message off a queue or hides it from its reader. */
export const RECEIVE_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:PurgeQueue',
] as const;
/** Administration no Deny may take from the account (CloudFormation, and the way back in). */
export const ADMIN_ACTIONS = ['sqs:SetQueueAttributes', 'sqs:DeleteQueue', 'sqs:GetQueueAttributes'] as const;
const NOT_A_SERVICE = { 'aws:PrincipalIsAWSService': 'false' };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The statements of every `AWS::SQS::QueuePolicy` attached to the queue. */
export function queuePolicyStatements(template: CfnTemplate, queueId: string): CfnStatement[] {
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::SQS::QueuePolicy')
    .filter((r) => asList(r.Properties?.Queues as unknown[]).some((q) => referencedId(q) === queueId))
    .flatMap((r) => policyStatements(r.Properties?.PolicyDocument));
}

/**
 * Whether a queue's Denies leave AWS services to the queue's Allows (`exempt`: a service sends there, e.g. SNS to
 * the relay queue) or deny them too (`denied`: only IAM roles send there, as to the shared dead-letter queue).
 */
export type ServicesInDeny = 'exempt' | 'denied';

/**
 * The principals a Deny exempts: `ArnNotLike aws:PrincipalArn` and, when services are exempt,
 * `Bool aws:PrincipalIsAWSService = false`, nothing else; undefined when the statement is not exactly that.
 */
function exemptedPrincipals(statement: CfnStatement, services: ServicesInDeny): unknown[] | undefined {
  if (statement.Effect !== 'Deny' || !isEveryone(statement)) return undefined;
  const { Bool, ArnNotLike, ...others } = statement.Condition ?? {};
  if (Object.keys(others).length > 0) return undefined;
  if (services === 'exempt' ? !same(Bool, NOT_A_SERVICE) : Bool !== undefined) return undefined;
  if (ArnNotLike === undefined || Object.keys(ArnNotLike).length !== 1) return undefined;
  const arns = ArnNotLike['aws:PrincipalArn'];
  return arns === undefined ? undefined : asList(arns as unknown[]);
}

/** The role ARN (`{Fn::GetAtt: [role, Arn]}`) of every function an event source mapping feeds from the queue. */
function readerRoles(template: CfnTemplate, queueId: string): unknown[] {
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping')
    .filter((r) => referencedId(r.Properties?.EventSourceArn) === queueId)
    .map((r) => template.Resources[referencedId(r.Properties?.FunctionName) ?? '']?.Properties?.Role);
}

/** The account's root user, as a literal ARN or the `Fn::Join` a token-account stack writes. */
function isRoot(value: unknown): boolean {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.includes(':iam::') && /:root("\]|$)/.test(text);
}

/**
 * Each action: one Deny of principals not listed (services exempt or not, `services`); on the list every
 * `required` principal, every role of the template granted the action on the queue, and the account's root user
 * (break-glass); no wildcard for everyone. Returns the lists found, by action.
 */
function denyProblems(
  template: CfnTemplate,
  queueId: string,
  actions: readonly string[],
  required: unknown[],
  services: ServicesInDeny = 'exempt',
): { problems: string[]; lists: Map<string, unknown[]> } {
  const where = `queue ${queueId}`;
  const statements = queuePolicyStatements(template, queueId);
  const problems: string[] = [];
  const lists = new Map<string, unknown[]>();
  for (const action of actions) {
    const deny = statements.find(
      (s) => statementCovers(s, action) && exemptedPrincipals(s, services) !== undefined,
    );
    if (deny === undefined) {
      const which = services === 'exempt' ? 'IAM principals' : 'principals (AWS services included)';
      problems.push(`${where}: no Deny of ${action} to ${which} not allow-listed (open to any IAM grant)`);
      continue;
    }
    const exempt = exemptedPrincipals(deny, services)!;
    lists.set(action, exempt);
    if (exempt.some((v) => typeof v === 'string' && /^\*?$|^arn:[^:]*:iam::\*/.test(v))) {
      problems.push(`${where}: the ${action} allow-list holds a wildcard that allows everyone`);
    }
    if (!exempt.some(isRoot))
      problems.push(`${where}: the account root user may not ${action} (no break-glass)`);
    for (const principal of [...required, ...rolesGranted(template, queueId, action)]) {
      if (!exempt.some((v) => same(v, principal))) {
        problems.push(
          `${where}: ${JSON.stringify(principal)} needs ${action} but the queue policy denies it`,
        );
      }
    }
  }
  return { problems, lists };
}

/**
 * The ARN (`{Fn::GetAtt: [role, Arn]}`) of every role of the template an IAM policy allows `action` on the queue
 * (or on `*`), each once: who the template says may do it, whatever made the grant.
 */
export function rolesGranted(template: CfnTemplate, queueId: string, action: string): unknown[] {
  const roleIds = roleStatements(template)
    .filter(({ statement }) => statement.Effect === 'Allow' && statementCovers(statement, action))
    .filter(({ statement }) =>
      asList(statement.Resource as unknown[]).some((r) => r === '*' || referencedId(r) === queueId),
    )
    .map(({ roleId }) => roleId);
  return [...new Set(roleIds)].map((roleId) => ({ 'Fn::GetAtt': [roleId, 'Arn'] }));
}

/** No Deny but the TLS one refuses administration; nothing but SNS from the topic is allowed to the queue. */
function allowAndAdminProblems(
  where: string,
  statements: CfnStatement[],
  topicId: string | undefined,
): string[] {
  const problems = ADMIN_ACTIONS.flatMap((action) =>
    statements
      .filter((s) => s.Effect === 'Deny' && statementCovers(s, action) && !isTlsOnlyDeny(s))
      .map((s) => `${where}: Deny ${s.Sid ?? '(no Sid)'} takes ${action} from the account (lock-out)`),
  );
  const allows = statements.filter((s) => s.Effect === 'Allow');
  const snsFromTopic = (s: CfnStatement) =>
    same(s.Principal, { Service: 'sns.amazonaws.com' }) &&
    same(asList(s.Action), ['sqs:SendMessage']) &&
    same(s.Condition, { ArnEquals: { 'aws:SourceArn': { Ref: topicId } } });
  for (const allow of allows.filter((s) => topicId === undefined || !snsFromTopic(s))) {
    problems.push(`${where}: Allow ${JSON.stringify(allow)} lets in more than SNS delivering from the topic`);
  }
  if (topicId !== undefined && !allows.some(snsFromTopic)) {
    problems.push(`${where}: no Allow for SNS delivering from topic ${topicId} (scoped by aws:SourceArn)`);
  }
  return problems;
}

/**
 * Where a stack's ARNs point, as its template writes them: the pseudo-parameters' `Ref`s (an environment-agnostic
 * stack) or literals (a stack with an env; CDK keeps the partition a `Ref`).
 */
export interface StackEnv {
  readonly partition: unknown;
  readonly region: unknown;
  readonly account: unknown;
}

/** An environment-agnostic stack's: the pseudo-parameters, resolved at deploy. */
export const PSEUDO_PARAMETER_ENV: StackEnv = {
  partition: { Ref: 'AWS::Partition' },
  region: { Ref: 'AWS::Region' },
  account: { Ref: 'AWS::AccountId' },
};

/** `stack`'s env as its template writes it. */
export function stackEnv(stack: Stack): StackEnv {
  return {
    partition: stack.resolve(stack.partition),
    region: stack.resolve(stack.region),
    account: stack.resolve(stack.account),
  };
}

/** A literal as it is, a `Ref` as `{name}` without its colons (`{AWSRegion}`, so an ARN's fields stay apart). */
function partText(part: unknown): string | undefined {
  if (typeof part === 'string') return part;
  const ref = (part as { Ref?: unknown } | undefined)?.Ref;
  return typeof ref === 'string' ? `{${ref.replaceAll(':', '')}}` : undefined;
}

/** The ARN as text ({@link partText}): a literal or a `Ref`, or an `Fn::Join` of them; else undefined. */
function arnText(value: unknown): string | undefined {
  const join = (value as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (join === undefined) return partText(value);
  const parts = join[1].map(partText);
  return parts.every((part) => part !== undefined) ? parts.join(join[0]) : undefined;
}

/**
 * What is wrong with `arn` as the ARN of the SQS queue `name` of the stack (`env`): each of partition, region,
 * account and name that differs, as `field found, not expected`; all of them when it is no SQS ARN.
 */
function queueArnMismatches(arn: unknown, name: unknown, env: StackEnv): string[] {
  const found = /^arn:([^:]+):sqs:([^:]+):([^:]+):(.+)$/.exec(arnText(arn) ?? '')?.slice(1) ?? [];
  const wanted = [env.partition, env.region, env.account, name];
  return ['partition', 'region', 'account', 'name'].flatMap((field, i) => {
    const expected = partText(wanted[i]);
    return found[i] !== undefined && found[i] === expected
      ? []
      : [`${field} ${found[i] ?? '(none)'}, not ${expected ?? JSON.stringify(wanted[i])}`];
  });
}

/**
 * Who may make the queue its dead-letter queue. SQS moves a message into a dead-letter queue without a `SendMessage`
 * (no Deny sees it) and by default (`allowAll`) lets every queue of the account and region name any queue so: a
 * principal with a queue of its own could plant messages. `source` undefined: no queue may (`denyAll`); else only
 * that queue (`byQueue`), named by the ARN of its fixed `QueueName` (a reference to it would be a dependency cycle:
 * its redrive policy refers to this queue) in the stack's partition, region and account (`env`): the same name in
 * another account or region is another queue.
 */
function redriveSourceProblems(
  template: CfnTemplate,
  queueId: string,
  source?: string,
  env: StackEnv = PSEUDO_PARAMETER_ENV,
): string[] {
  const where = `queue ${queueId}`;
  const policy = template.Resources[queueId]?.Properties?.RedriveAllowPolicy as
    | { redrivePermission?: unknown; sourceQueueArns?: unknown[] }
    | undefined;
  if (source === undefined) {
    return same(policy, { redrivePermission: 'denyAll' })
      ? []
      : [
          `${where}: any queue may name it as its dead-letter queue (RedriveAllowPolicy ${JSON.stringify(policy)}, not denyAll)`,
        ];
  }
  const name = template.Resources[source]?.Properties?.QueueName;
  const arns = policy?.sourceQueueArns ?? [];
  if (policy?.redrivePermission !== 'byQueue' || arns.length !== 1) {
    return [
      `${where}: not only queue ${source} may name it as its dead-letter queue (RedriveAllowPolicy ${JSON.stringify(policy)})`,
    ];
  }
  if (referencedId(arns[0]) === source) {
    return [
      `${where}: its RedriveAllowPolicy refers to queue ${source}, whose redrive policy refers to it: a dependency cycle`,
    ];
  }
  const mismatches = queueArnMismatches(arns[0], name, env);
  if (typeof name !== 'string' || mismatches.length > 0) {
    return [
      `${where}: its RedriveAllowPolicy names ${JSON.stringify(arns[0])}, not queue ${source} (QueueName ${JSON.stringify(name)}): ${mismatches.join('; ')}`,
    ];
  }
  return [];
}

/**
 * For each relay queue (the SQS endpoint of an SNS subscription) and its DLQ:
 * sending is denied to every IAM principal not listed, and only SNS from the
 * topic is allowed; receiving (and, on the DLQ, moving messages) is denied to
 * all but the listed, and the relay's role (its event source mapping) is listed
 * on the queue; the root user is listed everywhere; whoever may take messages
 * out of the DLQ may send them back to the queue (a redrive); no Deny takes
 * administration from the account; and no queue may make the queue its
 * dead-letter queue, none but the queue the DLQ (by its ARN in the stack's `env`:
 * {@link stackEnv} for a stack with an env). `checked` counts the relay queues.
 */
export function relayQueueAccessCheck(
  template: CfnTemplate,
  env: StackEnv = PSEUDO_PARAMETER_ENV,
): CheckResult {
  const subscriptions = Object.values(template.Resources).filter(
    (r) => r.Type === 'AWS::SNS::Subscription' && r.Properties?.Protocol === 'sqs',
  );
  const problems: string[] = [];
  for (const subscription of subscriptions) {
    const queueId = referencedId(subscription.Properties?.Endpoint)!;
    const topicId = referencedId(subscription.Properties?.TopicArn);
    const queue = `queue ${queueId}`;
    const send = denyProblems(template, queueId, ['sqs:SendMessage'], []);
    const receive = denyProblems(template, queueId, RECEIVE_ACTIONS, readerRoles(template, queueId));
    problems.push(...send.problems, ...receive.problems);
    problems.push(...allowAndAdminProblems(queue, queuePolicyStatements(template, queueId), topicId));
    problems.push(...redriveSourceProblems(template, queueId));

    const redrive = template.Resources[queueId]?.Properties?.RedrivePolicy as {
      deadLetterTargetArn?: unknown;
    };
    const dlqId = referencedId(redrive?.deadLetterTargetArn);
    if (dlqId === undefined) {
      problems.push(`${queue}: no dead-letter queue`);
      continue;
    }
    const dlq = `queue ${dlqId}`;
    const dlqSend = denyProblems(template, dlqId, ['sqs:SendMessage'], []);
    const dlqReceive = denyProblems(template, dlqId, [...RECEIVE_ACTIONS, 'sqs:StartMessageMoveTask'], []);
    problems.push(...dlqSend.problems, ...dlqReceive.problems);
    problems.push(...allowAndAdminProblems(dlq, queuePolicyStatements(template, dlqId), undefined));
    problems.push(...redriveSourceProblems(template, dlqId, queueId, env));
    const senders = send.lists.get('sqs:SendMessage') ?? [];
    for (const redriver of dlqReceive.lists.get('sqs:StartMessageMoveTask') ?? []) {
      if (!senders.some((v) => same(v, redriver))) {
        problems.push(
          `${dlq}: ${JSON.stringify(redriver)} may redrive but not send to ${queue}: its redrive fails`,
        );
      }
    }
  }
  return { checked: subscriptions.length, problems };
}

/** What reads, hides, drops or moves a dead-letter queue's messages. */
export const DEAD_LETTER_READ_ACTIONS = [...RECEIVE_ACTIONS, 'sqs:StartMessageMoveTask'] as const;

/**
 * The exact policy statements of an SNS subscription's dead-letter queue (`addSubscriptionDeadLetterQueue`,
 * lib/owner-email-relay.ts), in the template's order: TLS only, only an AWS service sends, only `readers` read, and
 * the subscription's Allow (CDK's) — SNS delivering from `topicArn` — as the only sender. The relay queue's
 * subscription and the SES events subscription each have one (their tests compare with this).
 */
export function subscriptionDeadLetterQueueStatements(
  queueArn: unknown,
  topicArn: unknown,
  readers: readonly unknown[],
): CfnStatement[] {
  return [
    {
      Action: 'sqs:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Resource: queueArn,
    },
    {
      Sid: 'SendOnlyBySns',
      Action: 'sqs:SendMessage',
      Condition: { Bool: { 'aws:PrincipalIsAWSService': 'false' } },
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Resource: queueArn,
    },
    {
      Sid: 'ReceiveOnlyByOperators',
      Action: [...DEAD_LETTER_READ_ACTIONS],
      Condition: { ArnNotLike: { 'aws:PrincipalArn': [...readers] } },
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Resource: queueArn,
    },
    {
      Action: 'sqs:SendMessage',
      Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      Effect: 'Allow',
      Principal: { Service: 'sns.amazonaws.com' },
      Resource: queueArn,
    },
  ];
}

/** The worker's dead-letter queue: every queue of the template an EventBridge Scheduler schedule dead-letters to. */
export function scheduleDeadLetterQueues(template: CfnTemplate): string[] {
  const ids = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Scheduler::Schedule')
    .map((r) =>
      referencedId((r.Properties?.Target as { DeadLetterConfig?: { Arn?: unknown } })?.DeadLetterConfig?.Arn),
    )
    .filter((id): id is string => id !== undefined && template.Resources[id]?.Type === 'AWS::SQS::Queue');
  return [...new Set(ids)];
}

/** Principals on an allow-list that are neither the root user nor `expected`. */
function strangers(where: string, lists: Map<string, unknown[]>, expected: unknown[], why: string): string[] {
  return [...lists].flatMap(([action, listed]) =>
    listed
      .filter((v) => !isRoot(v) && !expected.some((e) => same(e, v)))
      .map((v) => `${where}: ${JSON.stringify(v)} may ${action} but ${why}`),
  );
}

/**
 * For the worker's dead-letter queue ({@link scheduleDeadLetterQueues}), the template as ground truth:
 * `sqs:SendMessage` is denied to every principal (AWS services included) but exactly the roles an IAM policy of the
 * template lets send there ({@link rolesGranted}: a schedule's execution role, a function's role with a destination
 * there, whatever made the grant), the `operators` and the root user, so a role granted and left off, or one listed
 * and never granted, is reported; reading, deleting, hiding, purging and moving its messages
 * ({@link DEAD_LETTER_READ_ACTIONS}) are denied to all but exactly the operators and the root user; the queue policy
 * allows nothing (no service: an EventBridge rule's or SNS subscription's dead-letter Allow is reported); no Deny
 * takes administration from the account; and no queue may make it its dead-letter queue. `checked` counts the queues.
 */
export function deadLetterQueueAccessCheck(
  template: CfnTemplate,
  operators: readonly string[] = [],
): CheckResult {
  const queues = scheduleDeadLetterQueues(template);
  const problems: string[] = [];
  for (const queueId of queues) {
    const where = `queue ${queueId}`;
    const send = denyProblems(template, queueId, ['sqs:SendMessage'], [...operators], 'denied');
    const read = denyProblems(template, queueId, DEAD_LETTER_READ_ACTIONS, [...operators], 'denied');
    problems.push(...send.problems, ...read.problems);
    const senders = rolesGranted(template, queueId, 'sqs:SendMessage');
    problems.push(
      ...strangers(
        where,
        send.lists,
        [...senders, ...operators],
        'is granted no send there and is no operator',
      ),
    );
    problems.push(...strangers(where, read.lists, [...operators], 'is no operator'));
    problems.push(...allowAndAdminProblems(where, queuePolicyStatements(template, queueId), undefined));
    problems.push(...redriveSourceProblems(template, queueId));
  }
  return { checked: queues.length, problems };
}
