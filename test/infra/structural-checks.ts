/**
 * Structural checks over a synthesized CloudFormation template: reads the
 * template statement by statement, as a security review would, and returns the
 * problems it finds (an empty list = pass). Used by the infra tests and by
 * `npm run check:deploy` over several context combinations.
 *
 * The evaluation is deliberately small: principals, actions (with IAM
 * wildcards) and the condition keys that matter here; a statement it cannot
 * read counts against the template.
 */

/** One resource of a synthesized template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** The part of a synthesized template the checks read. */
export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
}

/** A policy statement as it appears in a template. */
export interface CfnStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: unknown;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** The result of a check: how many things it looked at, and what is wrong. */
export interface CheckResult {
  readonly checked: number;
  readonly problems: string[];
}

const CLOUDWATCH = 'cloudwatch.amazonaws.com';
const ALARM_ACTION_KEYS = ['AlarmActions', 'OKActions', 'InsufficientDataActions'] as const;
/** What SNS asks KMS for when it encrypts a message published by CloudWatch. */
const CLOUDWATCH_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'] as const;

function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The statements of a policy document (none when it has none). */
export function policyStatements(document: unknown): CfnStatement[] {
  return asList((document as { Statement?: CfnStatement | CfnStatement[] } | undefined)?.Statement);
}

/** IAM action matching: case-insensitive, `*` and `?` wildcards in the granted action. */
export function actionCovers(granted: string, wanted: string): boolean {
  const pattern = granted
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${pattern}$`, 'i').test(wanted);
}

/** Whether a statement's actions include `wanted`. */
export function statementCovers(statement: CfnStatement, wanted: string): boolean {
  return asList(statement.Action).some((granted) => actionCovers(granted, wanted));
}

/** Whether a statement's principal is the given AWS service. */
function isServicePrincipal(statement: CfnStatement, service: string): boolean {
  const principal = statement.Principal as { Service?: string | string[] } | undefined;
  return asList(principal?.Service).includes(service);
}

/** Whether a statement applies to every principal (`"*"` or `{"AWS": "*"}`). */
export function isEveryone(statement: CfnStatement): boolean {
  const principal = statement.Principal as string | { AWS?: string | string[] } | undefined;
  return principal === '*' || (typeof principal === 'object' && asList(principal.AWS).includes('*'));
}

/** The condition keys a statement tests, under any operator. */
function conditionKeys(statement: CfnStatement): string[] {
  return Object.values(statement.Condition ?? {}).flatMap((byKey) => Object.keys(byKey));
}

/** A Deny that only refuses plain HTTP: never in the way of a service that calls over TLS. */
export function isTlsOnlyDeny(statement: CfnStatement): boolean {
  const condition = statement.Condition ?? {};
  return (
    Object.keys(condition).length === 1 &&
    JSON.stringify(condition.Bool) === JSON.stringify({ 'aws:SecureTransport': 'false' })
  );
}

/**
 * A Deny that never applies to an AWS service principal (CloudWatch publishing an alarm): it holds
 * `Bool aws:PrincipalIsAWSService = false`, and a statement's conditions must all hold for it to apply.
 */
export function sparesServices(statement: CfnStatement): boolean {
  const values = asList(statement.Condition?.Bool?.['aws:PrincipalIsAWSService'] as unknown[] | undefined);
  return values.length > 0 && values.every((value) => String(value) === 'false');
}

/** The logical id a `{Ref}` or `{Fn::GetAtt: [id, 'Arn']}` points at, if it is one. */
export function referencedId(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const ref = (value as { Ref?: unknown }).Ref;
  if (typeof ref === 'string') return ref;
  const getAtt = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

/** The statements of every `AWS::SNS::TopicPolicy` attached to the topic. */
export function topicPolicyStatements(template: CfnTemplate, topicId: string): CfnStatement[] {
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::SNS::TopicPolicy')
    .filter((r) => asList(r.Properties?.Topics as unknown[]).some((t) => referencedId(t) === topicId))
    .flatMap((r) => policyStatements(r.Properties?.PolicyDocument));
}

/** Problems with CloudWatch publishing to one topic: the topic policy, then its key. */
function topicAcceptsAlarms(template: CfnTemplate, alarmId: string, topicId: string): string[] {
  const where = `alarm ${alarmId} → topic ${topicId}`;
  const statements = topicPolicyStatements(template, topicId);
  const problems: string[] = [];
  const allows = statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      isServicePrincipal(s, CLOUDWATCH) &&
      statementCovers(s, 'sns:Publish') &&
      ['aws:SourceAccount', 'aws:SourceArn'].every((key) => conditionKeys(s).includes(key)),
  );
  if (!allows) {
    problems.push(
      `${where}: no topic policy statement allows ${CLOUDWATCH} to sns:Publish (scoped by aws:SourceAccount and aws:SourceArn)`,
    );
  }
  for (const s of statements) {
    const blocks =
      s.Effect === 'Deny' &&
      (isEveryone(s) || isServicePrincipal(s, CLOUDWATCH)) &&
      statementCovers(s, 'sns:Publish') &&
      !isTlsOnlyDeny(s) &&
      !sparesServices(s);
    if (blocks) problems.push(`${where}: Deny statement ${s.Sid ?? '(no Sid)'} would refuse CloudWatch`);
  }
  return [...problems, ...keyAcceptsAlarms(template, where, topicId)];
}

/** An encrypted topic's key must let CloudWatch have SNS encrypt with it. */
function keyAcceptsAlarms(template: CfnTemplate, where: string, topicId: string): string[] {
  const keyRef = template.Resources[topicId]?.Properties?.KmsMasterKeyId;
  if (keyRef === undefined) return [];
  const keyId = referencedId(keyRef);
  const key = keyId === undefined ? undefined : template.Resources[keyId];
  if (keyId === undefined || key?.Type !== 'AWS::KMS::Key') {
    return [
      `${where}: encrypted with ${JSON.stringify(keyRef)}, a key whose policy the template does not show`,
    ];
  }
  const statements = policyStatements(key.Properties?.KeyPolicy);
  const missing = CLOUDWATCH_KEY_ACTIONS.filter(
    (action) =>
      !statements.some(
        (s) => s.Effect === 'Allow' && isServicePrincipal(s, CLOUDWATCH) && statementCovers(s, action),
      ),
  );
  return missing.length === 0
    ? []
    : [`${where} → key ${keyId}: the key policy does not grant ${CLOUDWATCH} ${missing.join(', ')}`];
}

/**
 * Every alarm can notify: each alarm action (alarm, OK, insufficient data) is
 * a topic of this template whose policy lets CloudWatch publish and, when the
 * topic is encrypted, whose key lets CloudWatch use it. `checked` counts the
 * alarms, so a caller can fail when there was nothing to check.
 */
export function alarmNotificationCheck(template: CfnTemplate): CheckResult {
  const alarms = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
  const problems: string[] = [];
  for (const [alarmId, alarm] of alarms) {
    const actions = ALARM_ACTION_KEYS.flatMap((key) => asList(alarm.Properties?.[key] as unknown[]));
    if (actions.length === 0) problems.push(`alarm ${alarmId} has no action: it notifies no one`);
    for (const action of actions) {
      const topicId = referencedId(action);
      if (topicId === undefined || template.Resources[topicId]?.Type !== 'AWS::SNS::Topic') {
        problems.push(
          `alarm ${alarmId} → ${JSON.stringify(action)}: not a topic of this template, cannot verify`,
        );
        continue;
      }
      problems.push(...topicAcceptsAlarms(template, alarmId, topicId));
    }
  }
  return { checked: alarms.length, problems };
}

/** The topics of this template the alarms' actions (alarm, OK, insufficient data) notify. */
function alarmTopicIds(template: CfnTemplate): string[] {
  const ids = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
    .flatMap((alarm) => ALARM_ACTION_KEYS.flatMap((key) => asList(alarm.Properties?.[key] as unknown[])))
    .map(referencedId)
    .filter((id): id is string => id !== undefined && template.Resources[id]?.Type === 'AWS::SNS::Topic');
  return [...new Set(ids)];
}

/** A Deny of `sns:Publish` on the topic to every principal that is not an AWS service, and to nothing less. */
function deniesEveryNonService(statement: CfnStatement, topicId: string): boolean {
  const condition = statement.Condition ?? {};
  return (
    statement.Effect === 'Deny' &&
    isEveryone(statement) &&
    statementCovers(statement, 'sns:Publish') &&
    resourceIsTopic(statement, topicId) &&
    same(Object.keys(condition), ['Bool']) &&
    same(Object.keys(condition.Bool ?? {}), ['aws:PrincipalIsAWSService']) &&
    sparesServices(statement)
  );
}

/**
 * No forged alarm: every alarm topic the construct creates denies `sns:Publish` to every principal that is not an AWS
 * service, with no exception (an operator's IAM grant does not let them post a fake alarm to the security team);
 * CloudWatch, a service, is spared (`alarmNotificationCheck` checks it may publish). A brought alarm topic keeps its
 * own publishers and has no such Deny: give `topicIds`, the logical ids of the alarm topics the construct created,
 * when the template may hold one. `checked` counts the topics.
 * @param topicIds the topics to check (default: every topic of the template an alarm notifies)
 */
export function alarmTopicPublishersCheck(
  template: CfnTemplate,
  topicIds: readonly string[] = alarmTopicIds(template),
): CheckResult {
  const problems = topicIds
    .filter((id) => !topicPolicyStatements(template, id).some((s) => deniesEveryNonService(s, id)))
    .map(
      (id) =>
        `topic ${id}: no Deny of sns:Publish to every principal that is not an AWS service (Bool aws:PrincipalIsAWSService = false): anyone in the account with an IAM sns:Publish grant can post a forged alarm`,
    );
  return { checked: topicIds.length, problems };
}

/** Who may subscribe to the alarm topic: the deployment role (as a predicate), the operators and the alarm subscribers. */
export interface AlarmTopicSubscribers {
  /** The stack's `operatorPrincipalArns`. */
  readonly operators: readonly string[];
  /** The stack's `alarmSubscriberPrincipalArns` (they may subscribe to the alarm topic, and nothing else). */
  readonly alarmSubscribers?: readonly string[];
  /**
   * Recognizes the deployment role among the exempted values (default: the CDK bootstrap CloudFormation execution
   * role, {@link isCdkCfnExecRole}); `null`: the stack has none to name (a synthesizer naming no role and no
   * `deploymentRoleArn`), so the construct adds no Subscribe Deny there.
   */
  readonly isDeploymentRole?: ((value: unknown) => boolean) | null;
}

/**
 * No one reads the alarms unasked: every alarm topic the construct creates denies `sns:Subscribe` to every principal
 * whose `aws:PrincipalArn` is not listed, and the list is exactly the deployment role (it creates the `adminEmails`
 * subscriptions: the deploy fails without it), the operators and the alarm subscribers: nobody else, and no wildcard
 * for everyone. Only a stack with no deployment role to name (`isDeploymentRole: null`) has no such Deny (IAM alone
 * decides, as on the SES events topic), and that is accepted only when the template indeed names none
 * ({@link noDeploymentRoleProblems}). A brought alarm topic keeps its own subscribers (`topicIds`, as for
 * {@link alarmTopicPublishersCheck}). `checked` counts the topics.
 */
export function alarmTopicSubscribersCheck(
  template: CfnTemplate,
  { operators, alarmSubscribers = [], isDeploymentRole = isCdkCfnExecRole }: AlarmTopicSubscribers,
  topicIds: readonly string[] = alarmTopicIds(template),
): CheckResult {
  const allowed = [...operators, ...alarmSubscribers];
  const problems = topicIds.flatMap((id) =>
    isDeploymentRole === null
      ? noDeploymentRoleProblems(template, id)
      : alarmSubscriberProblems(template, id, allowed, isDeploymentRole),
  );
  return { checked: topicIds.length, problems };
}

/**
 * One alarm topic of a stack with no deployment role: no Subscribe allow-list Deny (one sparing no deployer would
 * refuse the subscriptions CloudFormation creates), and a template that names no deployment role: none of its values
 * is the CDK bootstrap CloudFormation execution role (a stack on the default synthesizer has one to name, and its
 * topic must have the Deny).
 */
function noDeploymentRoleProblems(template: CfnTemplate, topicId: string): string[] {
  const problems: string[] = [];
  if (isCdkCfnExecRole(template)) {
    problems.push(
      `topic ${topicId}: the template names the deployment role (the CDK bootstrap CloudFormation execution role): its Subscribe allow-list must be checked with it`,
    );
  }
  if (allowListOf(topicPolicyStatements(template, topicId), 'sns:Subscribe') !== undefined) {
    problems.push(
      `topic ${topicId}: a Deny of sns:Subscribe with no deployment role to spare: the stack's own subscriptions would be refused`,
    );
  }
  return problems;
}

/** One alarm topic: its `sns:Subscribe` allow-list Deny, holding the deployment role and `allowed`, no one else. */
function alarmSubscriberProblems(
  template: CfnTemplate,
  topicId: string,
  allowed: readonly string[],
  isDeploymentRole: (value: unknown) => boolean,
): string[] {
  const problems = allowListProblems(template, topicId, 'subscriptions', 'sns:Subscribe', isDeploymentRole);
  const exempt = allowListOf(topicPolicyStatements(template, topicId), 'sns:Subscribe');
  if (exempt === undefined) return problems;
  const strangers = exempt.filter((v) => !isDeploymentRole(v) && !allowed.includes(v as string));
  const missing = [
    ...(exempt.some(isDeploymentRole) ? [] : ['the deployment role']),
    ...allowed.filter((principal) => !exempt.includes(principal)),
  ];
  return [
    ...problems,
    ...strangers.map((v) => `topic ${topicId}: ${JSON.stringify(v)} may sns:Subscribe: it reads every alarm`),
    ...(missing.length === 0
      ? []
      : [`topic ${topicId}: the sns:Subscribe allow-list leaves out ${missing.join(', ')}`]),
  ];
}

/** The action groups the notification topic's allow-lists guard. */
const TOPIC_ACTION_GROUPS = {
  publish: ['sns:Publish'],
  // Only Subscribe: SNS authorizes Unsubscribe and (Set|Get)SubscriptionAttributes against "*", out of a topic policy's reach.
  subscriptions: ['sns:Subscribe'],
} as const;

/** The topics the template's functions publish to (their `TOPIC_ARN`). */
export function notificationTopicIds(template: CfnTemplate): string[] {
  const ids = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .map((r) => (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables)
    .map((variables) => referencedId(variables?.TOPIC_ARN))
    .filter((id): id is string => id !== undefined && template.Resources[id]?.Type === 'AWS::SNS::Topic');
  return [...new Set(ids)];
}

/** The `aws:PrincipalArn` values a Deny exempts (ArnNotLike / StringNotLike), or undefined when it is not such a Deny. */
function exemptedPrincipals(statement: CfnStatement): unknown[] | undefined {
  if (statement.Effect !== 'Deny' || !isEveryone(statement)) return undefined;
  const condition = statement.Condition ?? {};
  const operators = Object.keys(condition);
  const operator = operators[0];
  if (operators.length !== 1 || (operator !== 'ArnNotLike' && operator !== 'StringNotLike')) return undefined;
  const byKey = condition[operator]!;
  if (Object.keys(byKey).length !== 1 || byKey['aws:PrincipalArn'] === undefined) return undefined;
  return asList(byKey['aws:PrincipalArn'] as unknown[]);
}

/** Any template, its resources' properties unread until their type says what they hold (a {@link CfnTemplate} is one). */
export interface AnyTemplate {
  readonly Resources: Readonly<Record<string, { readonly Type: string; readonly Properties?: unknown }>>;
}

/**
 * Every identity policy statement of the template's roles, with the role's logical id, from every kind of policy a
 * template can give a role: an `AWS::IAM::Policy` (each statement once per role its `Roles` names), an
 * `AWS::IAM::RolePolicy` (its `RoleName`'s role), an `AWS::IAM::ManagedPolicy` (once per role it is attached to, by
 * its own `Roles` or by a role's `ManagedPolicyArns` naming it with a `Ref`, however many times), and a role's
 * inline `Policies`. A role is named by `Ref` (its name) or by its literal `RoleName`. An entry of
 * `ManagedPolicyArns` that is not a `Ref` of a managed policy of the template (an AWS managed policy's ARN) cannot be
 * read here: {@link unreadableManagedPolicies} lists them. The one collector of role statements:
 * {@link statementsOfRole}, the role check's evaluator (`support/role-policy.ts`) and the construct tests build on it.
 */
export function roleStatements(template: AnyTemplate): { roleId: string; statement: CfnStatement }[] {
  const found: { roleId: string; statement: CfnStatement }[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const properties = (resource.Properties ?? {}) as Record<string, unknown>;
    const roleIds = attachedRoles(template, id, resource);
    for (const statement of policyStatements(properties.PolicyDocument)) {
      for (const roleId of roleIds) found.push({ roleId, statement });
    }
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of asList(properties.Policies as { PolicyDocument: unknown }[])) {
        for (const statement of policyStatements(policy.PolicyDocument))
          found.push({ roleId: id, statement });
      }
    }
  }
  return found;
}

/** The policy resources whose `PolicyDocument` holds identity statements of the roles they are attached to. */
const ATTACHED_POLICY_TYPES: readonly string[] = [
  'AWS::IAM::Policy',
  'AWS::IAM::RolePolicy',
  'AWS::IAM::ManagedPolicy',
];

/** The roles of the template policy `policyId` is attached to, each once; none for a resource that is no policy. */
function attachedRoles(template: AnyTemplate, policyId: string, policy: AnyTemplate['Resources'][string]) {
  if (!ATTACHED_POLICY_TYPES.includes(policy.Type)) return [];
  const properties = (policy.Properties ?? {}) as Record<string, unknown>;
  const named = [...asList(properties.Roles as unknown[]), ...asList(properties.RoleName as unknown)];
  const ids = named.map((role) => roleIdOf(template, role));
  if (policy.Type === 'AWS::IAM::ManagedPolicy') {
    for (const [roleId, role] of Object.entries(template.Resources)) {
      if (role.Type !== 'AWS::IAM::Role') continue;
      const arns = asList(
        (role.Properties as { ManagedPolicyArns?: unknown[] } | undefined)?.ManagedPolicyArns,
      );
      if (arns.some((arn) => isRefTo(arn, policyId))) ids.push(roleId);
    }
  }
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/** Whether `value` is `{ Ref: id }`. */
const isRefTo = (value: unknown, id: string): boolean => (value as { Ref?: unknown } | null)?.Ref === id;

/** The logical id of the template role `value` names: a `Ref` of it, or its literal `RoleName`. */
function roleIdOf(template: AnyTemplate, value: unknown): string | undefined {
  const isRole = ([id, r]: [string, AnyTemplate['Resources'][string]]) =>
    r.Type === 'AWS::IAM::Role' &&
    (isRefTo(value, id) ||
      (typeof value === 'string' &&
        (r.Properties as { RoleName?: unknown } | undefined)?.RoleName === value));
  return Object.entries(template.Resources).find(isRole)?.[0];
}

/**
 * The entries of a role's `ManagedPolicyArns` {@link roleStatements} cannot read: any but a `Ref` of an
 * `AWS::IAM::ManagedPolicy` of the template (an AWS managed policy's ARN, a customer managed one made elsewhere),
 * as JSON text. Their statements, Denies included, are not in the role's: a check over them must say so.
 */
export function unreadableManagedPolicies(template: AnyTemplate, roleId: string): string[] {
  const arns = asList(
    (template.Resources[roleId]?.Properties as { ManagedPolicyArns?: unknown[] } | undefined)
      ?.ManagedPolicyArns,
  );
  return arns
    .filter((arn) => {
      const ref = (arn as { Ref?: unknown } | null)?.Ref;
      return typeof ref !== 'string' || template.Resources[ref]?.Type !== 'AWS::IAM::ManagedPolicy';
    })
    .map((arn) => JSON.stringify(arn));
}

/** The identity policy statements of one role of the template ({@link roleStatements}), in template order. */
export function statementsOfRole(template: AnyTemplate, roleId: string): CfnStatement[] {
  return roleStatements(template)
    .filter((found) => found.roleId === roleId)
    .map(({ statement }) => statement);
}

function resourceIsTopic(statement: CfnStatement, topicId: string): boolean {
  return asList(statement.Resource as unknown[]).some((r) => r === '*' || referencedId(r) === topicId);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** One topic: both Deny statements exist, and everyone the stack itself relies on is exempt. */
function topicAccessProblems(
  template: CfnTemplate,
  topicId: string,
  isDeploymentRole: (value: unknown) => boolean,
): string[] {
  return Object.entries(TOPIC_ACTION_GROUPS).flatMap(([group, actions]) =>
    actions.flatMap((action) => allowListProblems(template, topicId, group, action, isDeploymentRole)),
  );
}

/** The principals the topic policy's allow-list Deny of `action` exempts, or undefined when it has none. */
function allowListOf(statements: CfnStatement[], action: string): unknown[] | undefined {
  const deny = statements.find((s) => statementCovers(s, action) && exemptedPrincipals(s) !== undefined);
  return deny === undefined ? undefined : exemptedPrincipals(deny);
}

/**
 * One allow-list Deny of a topic: it exists, exempts no wildcard for everyone, and exempts every role of the template
 * granted `action` on the topic; for subscriptions, the deployment role when the template subscribes to the topic, and
 * no subscription of the template over a protocol the policy refuses.
 */
function allowListProblems(
  template: CfnTemplate,
  topicId: string,
  group: string,
  action: string,
  isDeploymentRole: (value: unknown) => boolean,
): string[] {
  const statements = topicPolicyStatements(template, topicId);
  const exempt = allowListOf(statements, action);
  if (exempt === undefined) {
    return [
      `topic ${topicId}: no Deny of ${action} unless aws:PrincipalArn is allow-listed (${group} is open to any IAM grant)`,
    ];
  }
  const problems: string[] = [];
  if (exempt.some((v) => typeof v === 'string' && /^\*?$|^arn:[^:]*:iam::\*/.test(v))) {
    problems.push(`topic ${topicId}: the ${action} allow-list holds a wildcard that allows everyone`);
  }
  for (const { roleId, statement } of roleStatements(template)) {
    const granted = statement.Effect === 'Allow' && statementCovers(statement, action);
    if (!granted || !resourceIsTopic(statement, topicId)) continue;
    if (!exempt.some((v) => same(v, { 'Fn::GetAtt': [roleId, 'Arn'] }))) {
      problems.push(`topic ${topicId}: role ${roleId} is granted ${action} but the topic policy denies it`);
    }
  }
  if (group !== 'subscriptions') return problems;
  const subscriptions = Object.entries(template.Resources).filter(
    ([, r]) => r.Type === 'AWS::SNS::Subscription' && referencedId(r.Properties?.TopicArn) === topicId,
  );
  problems.push(...refusedProtocols(topicId, statements, subscriptions));
  if (subscriptions.length > 0 && !exempt.some(isDeploymentRole)) {
    problems.push(
      `topic ${topicId}: the template subscribes to it, but the deployment role may not ${action}: the next deploy fails`,
    );
  }
  return problems;
}

/** The template's own subscriptions whose protocol a `sns:Protocol` Deny would refuse (the deploy would fail). */
function refusedProtocols(
  topicId: string,
  statements: CfnStatement[],
  subscriptions: [string, CfnResource][],
): string[] {
  const allowedLists = statements
    .filter((s) => s.Effect === 'Deny' && statementCovers(s, 'sns:Subscribe'))
    .map((s) => s.Condition?.StringNotEquals?.['sns:Protocol'])
    .filter((list) => list !== undefined)
    .map((list) => asList(list as string[]));
  return subscriptions
    .filter(([, r]) => allowedLists.some((allowed) => !allowed.includes(String(r.Properties?.Protocol))))
    .map(
      ([id, r]) =>
        `topic ${topicId}: subscription ${id} over ${String(r.Properties?.Protocol)} is refused by the topic policy`,
    );
}

/**
 * The notification topic is not an open mailbox: for each topic the functions
 * publish to, explicit Deny statements allow-list who may publish and who may
 * change subscriptions (by `aws:PrincipalArn`), and every role of the template
 * granted one of those actions on it — and the deployment role, when the
 * template subscribes to it — is on the matching list.
 */
export function topicAccessCheck(
  template: CfnTemplate,
  isDeploymentRole: (value: unknown) => boolean = isCdkCfnExecRole,
): CheckResult {
  const topics = notificationTopicIds(template);
  return {
    checked: topics.length,
    problems: topics.flatMap((id) => topicAccessProblems(template, id, isDeploymentRole)),
  };
}

/** The CDK bootstrap CloudFormation execution role, as the default synthesizer names it. */
export function isCdkCfnExecRole(value: unknown): boolean {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /:role\/cdk-[a-z0-9]+-cfn-exec-role-/.test(text);
}

/**
 * No owner's address in the template: owner subscriptions are made by the
 * subscription reconciler from the owner directory, never CloudFormation
 * resources. An email subscription whose filter policy names a `userId` or the
 * `owner` audience is an owner's.
 */
export function ownerSubscriptionCheck(template: CfnTemplate): CheckResult {
  const subscriptions = Object.entries(template.Resources).filter(
    ([, r]) => r.Type === 'AWS::SNS::Subscription',
  );
  const problems = subscriptions
    .filter(([, r]) => /^email(-json)?$/.test(String(r.Properties?.Protocol)))
    .filter(([, r]) => {
      const filter = (r.Properties?.FilterPolicy ?? {}) as Record<string, unknown>;
      return filter.userId !== undefined || JSON.stringify(filter.audience ?? []).includes('"owner"');
    })
    .map(
      ([id, r]) =>
        `subscription ${id}: an owner's email (${String(r.Properties?.Endpoint)}) is in the template`,
    );
  return { checked: subscriptions.length, problems };
}

/** The handler's variable with the sweep's allowed skew (lambdas/handlers/environment.ts). */
const SKEW_VARIABLE = 'MAX_SCHEDULE_SKEW_SECONDS';
/** What the sweep's delivery must leave of the skew for the function to start (lib/sweep-delivery.ts). */
const START_MARGIN_SECONDS = 60;

/**
 * A late scheduled sweep is never refused as forged: for each function that
 * checks a schedule skew, every schedule invoking it retries for no longer,
 * and Lambda keeps its queued event for no longer, than the skew less a
 * minute for the start. A window left to its service default (24 hours for
 * Scheduler, 6 hours for Lambda) counts as that default. `checked` counts the
 * schedules.
 */
export function sweepDeliveryCheck(template: CfnTemplate): CheckResult {
  const problems: string[] = [];
  let checked = 0;
  for (const [fnId, fn] of Object.entries(template.Resources)) {
    const skew = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables?.[SKEW_VARIABLE];
    if (fn.Type !== 'AWS::Lambda::Function' || skew === undefined) continue;
    const queued = eventInvokeAge(template, fnId);
    for (const [scheduleId, schedule] of schedulesInvoking(template, fnId)) {
      checked += 1;
      const target = schedule.Properties?.Target as { RetryPolicy?: { MaximumEventAgeInSeconds?: number } };
      const retried = target.RetryPolicy?.MaximumEventAgeInSeconds ?? 86_400;
      const late = retried + queued + START_MARGIN_SECONDS;
      if (late > Number(skew)) {
        problems.push(
          `${scheduleId} → ${fnId}: retried ${retried} s + queued ${queued} s + start ${START_MARGIN_SECONDS} s = ${late} s, more than the ${skew} s skew the function accepts`,
        );
      }
    }
  }
  return { checked, problems };
}

/** Lambda's asynchronous event age for the function: its `EventInvokeConfig`, else the 6-hour default. */
function eventInvokeAge(template: CfnTemplate, fnId: string): number {
  const config = Object.values(template.Resources).find(
    (r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && referencedId(r.Properties?.FunctionName) === fnId,
  );
  return (config?.Properties?.MaximumEventAgeInSeconds as number | undefined) ?? 6 * 3600;
}

/** The schedules whose target is the function. */
function schedulesInvoking(template: CfnTemplate, fnId: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(
    ([, r]) =>
      r.Type === 'AWS::Scheduler::Schedule' &&
      referencedId((r.Properties?.Target as { Arn?: unknown } | undefined)?.Arn) === fnId,
  );
}
