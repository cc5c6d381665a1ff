/**
 * What a function's role needs that its own code never asks for, derived from
 * the synthesized template, for the artifact test's role check
 * (test/infra/deployable.test.ts): the "structural requirements". The local
 * stand-ins see only the requests the handlers send; these are made with the
 * function's role by AWS services on its behalf, so no run records them:
 *
 * - **A publish to an encrypted topic.** SNS calls KMS with the publisher's
 *   credentials: an `sns:Publish`/`PublishBatch` to a topic whose template
 *   resource has `KmsMasterKeyId` needs `kms:GenerateDataKey` and `kms:Decrypt`
 *   on that key (Amazon SNS Developer Guide, "Key management", "Configuring
 *   AWS KMS permissions": a publisher to a topic with SSE needs
 *   `kms:GenerateDataKey*` and `kms:Decrypt` on the topic's key,
 *   https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html), the
 *   request made through SNS (`kms:ViaService` = `sns.{AWS::Region}.amazonaws.com`).
 *   An AWS-managed key (`alias/aws/…`) needs nothing of the role.
 * - **An SQS event source.** Lambda's poller reads the queue with the
 *   function's execution role: an `AWS::Lambda::EventSourceMapping` of the
 *   function on a queue needs `sqs:ReceiveMessage`, `sqs:DeleteMessage` and
 *   `sqs:GetQueueAttributes` on it (Amazon SQS Developer Guide, "Configuring an
 *   Amazon SQS queue to trigger an AWS Lambda function": "The Lambda execution
 *   role must include" these three,
 *   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-lambda-function-trigger.html;
 *   AWS Lambda Developer Guide, "Using Lambda with Amazon SQS",
 *   https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html), and, for a
 *   queue encrypted with a KMS key (`KmsMasterKeyId`), `kms:Decrypt` on that
 *   key (same page, "Permissions for encrypted queues"), through SQS. The
 *   shipped relay queue is SQS-managed SSE (`SqsManagedSseEnabled`): no key.
 * - **An on-failure destination or dead-letter queue.** Lambda sends the
 *   record of a failed asynchronous invocation with the function's execution
 *   role: an `AWS::Lambda::EventInvokeConfig` destination (`OnFailure`,
 *   `OnSuccess`) or the function's `DeadLetterConfig` that is an SQS queue
 *   needs `sqs:SendMessage` on it (AWS Lambda Developer Guide, "Capturing
 *   records of Lambda asynchronous invocations",
 *   https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html),
 *   and, for a KMS-encrypted queue, `kms:GenerateDataKey` and `kms:Decrypt` on
 *   its key through SQS (Amazon SQS Developer Guide, "Amazon SQS key
 *   management": a producer needs both). Any other destination type throws
 *   (not mapped), so a new one makes the check say so.
 *
 * Resources are written in the template's notation (`{Queue.Arn}`, see
 * `role-policy.ts`); each permission carries its `basis`, which failure
 * messages name. Not derived here: CloudWatch Logs and X-Ray, which the
 * template tests pin (see the artifact test's header).
 */
import type { StubRequest } from '../sns-stub';
import type { LogicalIdOf, RequiredPermission } from './required-permissions';
import { expressionText, type PolicyTemplate } from './role-policy';

/** What a publisher to an encrypted topic needs on the topic's key (file header). */
export const TOPIC_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;
/** What Lambda's poller of an SQS event source needs on the queue (file header). */
export const SQS_POLLER_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
] as const;
/** What a sender to a KMS-encrypted queue needs on its key (file header). */
const QUEUE_SENDER_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;

/** The template resource `id`'s type and properties. */
function resourceOf(
  template: PolicyTemplate,
  id: string,
): { type?: string; properties: Record<string, unknown> } {
  const resource = template.Resources[id];
  return { type: resource?.Type, properties: (resource?.Properties ?? {}) as Record<string, unknown> };
}

/** The logical id a `Ref X` or `Fn::GetAtt [X, …]` names, or `undefined` for anything else. */
function referencedId(value: unknown): string | undefined {
  const v = (value ?? {}) as { Ref?: unknown; 'Fn::GetAtt'?: unknown };
  if (typeof v.Ref === 'string') return v.Ref;
  const getAtt = v['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

/**
 * `actions` on the key `keyId` (a template expression) through `service`, for `basis`; none for an AWS-managed
 * key (`alias/aws/…`), whose key policy already lets the account's principals use it through the service.
 */
function keyPermissions(
  actions: readonly string[],
  keyId: unknown,
  service: 'sns' | 'sqs',
  name: string,
  basis: string,
): RequiredPermission[] {
  if (typeof keyId === 'string' && keyId.startsWith('alias/aws/')) return [];
  const resource = expressionText(keyId);
  const context = { 'kms:ViaService': `${service}.{AWS::Region}.amazonaws.com` };
  return actions.map((action) => ({ action, resource, name, context, basis }));
}

/** The KMS permissions a recorded publish needs on its topic's key (file header); none for any other request. */
export function topicKeyPermissions(
  request: StubRequest,
  template: PolicyTemplate,
  logicalIdOf: LogicalIdOf,
): RequiredPermission[] {
  if (request.action !== 'Publish' && request.action !== 'PublishBatch') return [];
  // A topic the template does not hold: the publish's own permission already names it as missing.
  const topic = request.topicArn === undefined ? undefined : logicalIdOf(request.topicArn);
  if (topic === undefined) return [];
  const { type, properties } = resourceOf(template, topic);
  if (type !== 'AWS::SNS::Topic' || properties.KmsMasterKeyId === undefined) return [];
  const basis = `structural: SNS encrypts its publish to ${topic} with the topic's key`;
  return keyPermissions(TOPIC_KEY_ACTIONS, properties.KmsMasterKeyId, 'sns', `${topic}'s key`, basis);
}

/** The logical ids of the resources of `type` whose `FunctionName` is `functionId`. */
function ofFunction(template: PolicyTemplate, type: string, functionId: string): Record<string, unknown>[] {
  return Object.keys(template.Resources)
    .map((id) => resourceOf(template, id))
    .filter((r) => r.type === type && referencedId(r.properties.FunctionName) === functionId)
    .map((r) => r.properties);
}

/** The SQS queue of the template `target` (a template expression) names, or a throw naming `what`. */
function queueOf(template: PolicyTemplate, target: unknown, what: string): string {
  const id = referencedId(target);
  if (id === undefined || resourceOf(template, id).type !== 'AWS::SQS::Queue') {
    throw new Error(
      `${what} ${JSON.stringify(target)} is not an SQS queue of the template (not mapped: add it here)`,
    );
  }
  return id;
}

/** What Lambda's poller of each SQS event source of `functionId` needs (file header). */
export function eventSourcePermissions(template: PolicyTemplate, functionId: string): RequiredPermission[] {
  return ofFunction(template, 'AWS::Lambda::EventSourceMapping', functionId).flatMap((mapping) => {
    const queue = queueOf(template, mapping.EventSourceArn, `${functionId}'s event source`);
    const basis = `structural: Lambda polls its SQS event source ${queue}`;
    const resource = `{${queue}.Arn}`;
    const keyId = resourceOf(template, queue).properties.KmsMasterKeyId;
    return [
      ...SQS_POLLER_ACTIONS.map((action) => ({ action, resource, name: queue, basis })),
      ...(keyId === undefined ? [] : keyPermissions(['kms:Decrypt'], keyId, 'sqs', `${queue}'s key`, basis)),
    ];
  });
}

/** What Lambda needs to send `functionId`'s failed (or succeeded) asynchronous invocations on (file header). */
export function failureDestinationPermissions(
  template: PolicyTemplate,
  functionId: string,
): RequiredPermission[] {
  const configs = ofFunction(template, 'AWS::Lambda::EventInvokeConfig', functionId);
  const destinations = configs.flatMap((config) => {
    const d = (config.DestinationConfig ?? {}) as Record<string, { Destination?: unknown } | undefined>;
    return Object.entries(d).map(([kind, target]) => ({ kind, target: target?.Destination }));
  });
  const dlq = (
    resourceOf(template, functionId).properties.DeadLetterConfig as { TargetArn?: unknown } | undefined
  )?.TargetArn;
  if (dlq !== undefined) destinations.push({ kind: 'DeadLetterConfig', target: dlq });
  return destinations.flatMap(({ kind, target }) => {
    const queue = queueOf(template, target, `${functionId}'s ${kind} destination`);
    const basis = `structural: Lambda sends its asynchronous invocations' ${kind} records to ${queue}`;
    const keyId = resourceOf(template, queue).properties.KmsMasterKeyId;
    return [
      { action: 'sqs:SendMessage', resource: `{${queue}.Arn}`, name: queue, basis },
      ...(keyId === undefined
        ? []
        : keyPermissions(QUEUE_SENDER_KEY_ACTIONS, keyId, 'sqs', `${queue}'s key`, basis)),
    ];
  });
}

/** Every structural requirement of `functionId` that the template alone decides: its event sources and destinations. */
export function structuralRequirements(template: PolicyTemplate, functionId: string): RequiredPermission[] {
  return [
    ...eventSourcePermissions(template, functionId),
    ...failureDestinationPermissions(template, functionId),
  ];
}
