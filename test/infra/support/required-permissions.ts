/**
 * What IAM authorizes a recorded request as: the action(s) and the resource,
 * for the artifact test's role check (test/infra/deployable.test.ts). The
 * resource is written as the synthesized template writes ARNs (see
 * `test/infra/support/role-policy.ts`): a table's ARN is `{X.Arn}` (its
 * `Fn::GetAtt [X, Arn]`), one of its indexes `{X.Arn}/index/NAME`, a topic's
 * ARN `{X}` (its `Ref`), where `X` is the logical id of the template resource
 * the run's name stands for.
 *
 * The mapping: DynamoDB `X-Amz-Target: DynamoDB_20120810.Op` is `dynamodb:Op`
 * on each table it names, except PartiQL (`ExecuteStatement`,
 * `BatchExecuteStatement`, `ExecuteTransaction`): each statement is
 * `dynamodb:PartiQLSelect`, `PartiQLInsert`, `PartiQLUpdate` or
 * `PartiQLDelete` by its verb, on its table or index (Amazon DynamoDB
 * Developer Guide, "IAM security policies with PartiQL for DynamoDB",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-iam.html).
 * A request on an index (`IndexName`) is authorized against the index's ARN,
 * one that names no table (`ListTables`) against `*`.
 * SNS `PublishBatch` is `sns:Publish` (Amazon SNS Developer Guide, "Amazon SNS
 * API permissions: Actions and resources reference": `sns:Publish` grants both
 * publish and publish batch). `Unsubscribe`, `GetSubscriptionAttributes` and
 * `SetSubscriptionAttributes` act on a subscription, which has no IAM resource
 * type: SNS authorizes them against `*` only, whatever subscription (of
 * whatever topic) the request names (Service Authorization Reference,
 * "Actions, resources, and condition keys for Amazon SNS",
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html:
 * no resource type in their rows, and "if there is no value for this column,
 * you must specify all resources ("*")"). Any other action is `sns:Action`, on
 * the request's `TopicArn`, or on `*` for a request that names no topic.
 * SESv2 `SendEmail` is `ses:SendEmail` on every resource it uses (Service
 * Authorization Reference, "Actions, resources, and condition keys for Amazon
 * Simple Email Service v2",
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsimpleemailservicev2.html:
 * the identity, required, and the configuration set the request names; "if
 * the action has one or more required resources, the caller must have
 * permission to use the action with those resources"); one with `Raw`
 * content is also `ses:SendRawEmail` on each: SES refuses it naming that
 * action when the caller has only `ses:SendEmail`, and the reference does not
 * say whether `ses:SendEmail` is evaluated as well, so both are required
 * (docs/deploy.md, "Email relay (SES)"). A `SendEmail` whose content the stub
 * did not record throws. The resources: the sending identity,
 * which is the `FromEmailAddress` when the account verified that address and
 * its domain when it verified the domain (the account decides, not the
 * template: both are required here, so the role works either way), and the
 * configuration set. SES ARNs are written in the stack's own partition,
 * region and account as the template writes them
 * (`arn:{AWS::Partition}:ses:{AWS::Region}:{AWS::AccountId}:identity/NAME`),
 * the configuration set's name as its `Ref` (`configuration-set/{X}`). Any
 * other SES request throws, as an unmapped DynamoDB one does.
 * The request context: a `Subscribe`'s `Protocol` as `sns:Protocol`, a
 * `SendEmail`'s `FromEmailAddress` as `ses:FromAddress` (the condition keys
 * the role evaluator checks: `role-policy.ts`).
 * `TransactWriteItems` and `TransactGetItems` (authorized as the actions of
 * their items) are not mapped: a request of either throws, so a handler that
 * starts to send one makes the check say so instead of passing it wrongly.
 */
import type { StubRequest } from '../sns-stub';
import type { DynamoDbRequest, TableAccess } from './recording-proxy';
import type { RequestContext } from './role-policy';
import type { SesRequest } from './ses-stub';

/** One permission a request needs. */
export interface RequiredPermission {
  /** The IAM action, e.g. `dynamodb:BatchGetItem`. */
  readonly action: string;
  /** The resource, written as the template writes it (file header), e.g. `{OwnersTable.Arn}`. */
  readonly resource: string;
  /** The name the run used (a table name, a topic ARN), for messages. */
  readonly name: string;
  /**
   * The condition keys IAM would read of the request that the check evaluates (`role-policy.ts`), e.g.
   * `sns:Protocol` of a `Subscribe`; absent keys are absent from the request.
   */
  readonly context?: RequestContext;
  /**
   * Why it is needed when no recorded request asked for it directly: a structural requirement of the template
   * (`structural-requirements.ts`), named in failure messages. Absent for a recorded request's own permission.
   */
  readonly basis?: string;
}

/** The logical id of the template resource a run's table name or topic ARN stands for. */
export type LogicalIdOf = (name: string) => string | undefined;

/** PartiQL verb → the IAM action DynamoDB authorizes the statement as. */
const PARTIQL_ACTIONS: Readonly<Record<string, string>> = {
  SELECT: 'dynamodb:PartiQLSelect',
  INSERT: 'dynamodb:PartiQLInsert',
  UPDATE: 'dynamodb:PartiQLUpdate',
  DELETE: 'dynamodb:PartiQLDelete',
};

/** Operations whose IAM actions are those of their items: not mapped here (file header). */
const UNMAPPED_OPERATIONS = new Set(['TransactWriteItems', 'TransactGetItems']);

/** The IAM action of one table access of a DynamoDB request. */
function dynamoDbAction(operation: string, access: TableAccess): string {
  if (access.partiqlVerb === undefined) return `dynamodb:${operation}`;
  const action = PARTIQL_ACTIONS[access.partiqlVerb];
  if (action === undefined) throw new Error(`no IAM action known for the PartiQL verb ${access.partiqlVerb}`);
  return action;
}

/** The permissions a DynamoDB request needs: one per table (or index) it acts on. */
export function dynamoDbPermissions(
  request: DynamoDbRequest,
  logicalIdOf: LogicalIdOf,
): RequiredPermission[] {
  if (UNMAPPED_OPERATIONS.has(request.operation)) {
    throw new Error(`${request.operation}: its IAM actions are its items' (not mapped: add them here)`);
  }
  // An operation that names no table (`ListTables`) is authorized against `*`.
  if (request.accesses.length === 0)
    return [{ action: `dynamodb:${request.operation}`, resource: '*', name: '(no table)' }];
  return request.accesses.map((access) => {
    const table = logicalIdOf(access.table);
    const arn = table === undefined ? `(no template table named ${access.table})` : `{${table}.Arn}`;
    const name = access.index === undefined ? access.table : `${access.table}/index/${access.index}`;
    return {
      action: dynamoDbAction(request.operation, access),
      resource: access.index === undefined ? arn : `${arn}/index/${access.index}`,
      name,
    };
  });
}

/** SNS actions on a subscription: authorized against `*` only (file header). */
const SUBSCRIPTION_ACTIONS: ReadonlySet<string> = new Set([
  'Unsubscribe',
  'GetSubscriptionAttributes',
  'SetSubscriptionAttributes',
]);

/** The permission an SNS request needs. */
export function snsPermission(request: StubRequest, logicalIdOf: LogicalIdOf): RequiredPermission {
  const action = request.action === 'PublishBatch' ? 'sns:Publish' : `sns:${request.action}`;
  if (SUBSCRIPTION_ACTIONS.has(request.action)) {
    return { action, resource: '*', name: request.subscriptionArn ?? '(no subscription)' };
  }
  if (request.topicArn === undefined) return { action, resource: '*', name: '(no topic)' };
  const topic = logicalIdOf(request.topicArn);
  const resource = topic === undefined ? `(no template topic ${request.topicArn})` : `{${topic}}`;
  // A Subscribe's `Protocol` is the `sns:Protocol` condition key (Service Authorization Reference, SNS).
  const context = request.action === 'Subscribe' &&
    request.protocol !== undefined && { 'sns:Protocol': request.protocol };
  return { action, resource, name: request.topicArn, ...(context && { context }) };
}

/** An ARN of the stack's own partition, region and account, as the template writes it (file header). */
function inThisStack(service: string, resource: string): string {
  return `arn:{AWS::Partition}:${service}:{AWS::Region}:{AWS::AccountId}:${resource}`;
}

/** The IAM actions SES authorizes a `SendEmail` as, by its kind of content (file header). */
function sendEmailActions(request: SesRequest): readonly string[] {
  switch (request.content) {
    case 'Raw':
      return ['ses:SendEmail', 'ses:SendRawEmail'];
    case 'Simple':
    case 'Template':
      return ['ses:SendEmail'];
    default:
      throw new Error(
        'SES SendEmail with no recorded Content: its IAM actions depend on the kind (Raw or not)',
      );
  }
}

/**
 * The permissions an SESv2 request needs: for `SendEmail`, each of its actions (`ses:SendEmail`, and
 * `ses:SendRawEmail` for raw content) on the address identity, on its domain's identity, and on the configuration
 * set it names (file header).
 * @throws for any other request (not mapped), and for a `SendEmail` with no recorded content
 */
export function sesPermissions(request: SesRequest, logicalIdOf: LogicalIdOf): RequiredPermission[] {
  if (request.action !== 'SendEmail') {
    throw new Error(`SES ${request.action}: no IAM mapping for this request (add it here)`);
  }
  const address = request.fromEmailAddress ?? '';
  const domain = address.slice(address.lastIndexOf('@') + 1);
  const resources = [
    { resource: inThisStack('ses', `identity/${address}`), name: `${address} (address identity)` },
    { resource: inThisStack('ses', `identity/${domain}`), name: `${domain} (domain identity)` },
  ];
  const setName = request.configurationSetName;
  if (setName !== undefined) {
    const set = logicalIdOf(setName);
    const resource =
      set === undefined
        ? `(no template configuration set ${setName})`
        : inThisStack('ses', `configuration-set/{${set}}`);
    resources.push({ resource, name: setName });
  }
  // `FromEmailAddress` is the `ses:FromAddress` condition key, on every resource the request uses.
  const context = { 'ses:FromAddress': address };
  return sendEmailActions(request).flatMap((action) =>
    resources.map(({ resource, name }) => ({ action, resource, name, context })),
  );
}
