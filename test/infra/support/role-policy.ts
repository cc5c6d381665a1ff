/**
 * A small evaluator of a Lambda function's role in a synthesized template, for
 * the artifact test's role check (test/infra/deployable.test.ts): is an IAM
 * action on a resource, in a request context, allowed by the identity policies
 * of the role the function runs as? Readable on purpose, not an IAM engine.
 *
 * What it does: finds the function's role (`Role: Fn::GetAtt [R, Arn]`), its
 * statements (`roleStatements` of test/infra/structural-checks.ts, the one
 * collector: every `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` whose
 * `Roles` holds `Ref R`, every `AWS::IAM::RolePolicy` whose `RoleName` is
 * `Ref R`, every managed policy of the template the role's `ManagedPolicyArns`
 * names by `Ref`, and the role's inline `Policies`), and decides as IAM does
 * for identity policies: an explicit Deny in any of them wins, else an Allow
 * is needed, else it is not allowed. Actions
 * match case-insensitively, resources case-sensitively, both with `*` and `?`
 * wildcards. Resources are compared as the template writes them: a
 * `Fn::GetAtt [X, Arn]` is the text `{X.Arn}`, a `Ref X` is `{X}`, an
 * `Fn::Join` the concatenation of its parts (so `{X.Arn}/index/*` covers every
 * index of X); the permissions checked are written the same way
 * (`test/infra/support/required-permissions.ts`).
 *
 * Conditions on an Allow: a condition on a key the check derives from the
 * request ({@link EVALUATED_CONDITION_KEYS}: `sns:Protocol` of a `Subscribe`,
 * `ses:FromAddress` of a `SendEmail`, `kms:ViaService` of the KMS requests a
 * service makes on the function's behalf) is evaluated, with the operators
 * `StringEquals`, `StringLike` and `ForAllValues:StringEquals` (a key the
 * request lacks fails the first two and passes the third, as in IAM); any
 * other operator on such a key throws rather than guess. A condition on any
 * other key is **taken as met** (a statement allowing an action only under
 * it counts as allowing it whatever the request): {@link unevaluatedConditionKeys}
 * lists those keys, so the artifact test can say which there are (today none
 * on the shipped functions' roles). Conditions on a Deny are taken as always
 * true (a stricter answer, never a wrongly allowed one).
 *
 * What it does not model: `NotAction`, `NotResource` and `NotPrincipal` (a
 * statement with one throws); a managed policy the template does not hold (an
 * AWS managed policy's ARN string in `ManagedPolicyArns`, or one made
 * elsewhere) cannot be read: its grants are missed (a stricter answer) and so
 * are its Denies (a wrong pass), so {@link unreadableManagedPolicyArns} lists
 * them for the artifact test to refuse; permission boundaries, session
 * policies and SCPs; resource policies (the topic's,
 * the queues' and the keys' policies, which may deny what the role allows:
 * out of scope); a literal ARN in a policy is matched as text against the
 * template notation, so only `*`-style patterns written in that notation
 * match (again a stricter answer).
 */
import { statementsOfRole, unreadableManagedPolicies } from '../structural-checks';

/** A statement of an identity policy, as CloudFormation holds it. */
export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly Resource?: unknown;
  readonly Condition?: unknown;
  readonly NotAction?: unknown;
  readonly NotResource?: unknown;
  readonly NotPrincipal?: unknown;
}

/** The resources of a template this evaluator reads. */
export interface PolicyTemplate {
  readonly Resources: Readonly<Record<string, { readonly Type: string; readonly Properties?: unknown }>>;
}

/** How IAM decides an action on a resource for a role. */
export type Decision = 'allowed' | 'denied' | 'not allowed';

/**
 * The request context the check derives: condition key → value, in template notation (e.g. `kms:ViaService` →
 * `sns.{AWS::Region}.amazonaws.com`). Only {@link EVALUATED_CONDITION_KEYS} are read.
 */
export type RequestContext = Readonly<Record<string, string>>;

/** The condition keys evaluated on an Allow (file header); any other is taken as met. */
export const EVALUATED_CONDITION_KEYS: readonly string[] = [
  'sns:Protocol',
  'ses:FromAddress',
  'kms:ViaService',
];

/** A decision, and the evaluated conditions that kept an Allow covering the action and resource from applying. */
export interface Evaluation {
  readonly decision: Decision;
  /** Each as `OPERATOR key = values (the request: value)`; empty unless a condition kept the action from being allowed. */
  readonly unmet: readonly string[];
}

/**
 * A template expression as text (file header): a string as is, `Ref X` as `{X}`,
 * `Fn::GetAtt [X, Attr]` as `{X.Attr}`, `Fn::Join` as its parts joined.
 * @throws on any other intrinsic (the check would otherwise compare something unknown)
 */
export function expressionText(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return `{${v.Ref}}`;
  const getAtt = v['Fn::GetAtt'] as [string, string] | undefined;
  if (getAtt !== undefined) return `{${getAtt[0]}.${getAtt[1]}}`;
  const join = v['Fn::Join'] as [string, unknown[]] | undefined;
  if (join !== undefined) return join[1].map(expressionText).join(join[0]);
  throw new Error(`role policy: no text for the expression ${JSON.stringify(value)}`);
}

/** The role's logical id from a function's `Role` (`Fn::GetAtt [R, Arn]`). */
function roleOf(template: PolicyTemplate, functionId: string): string {
  const fn = template.Resources[functionId];
  if (fn?.Type !== 'AWS::Lambda::Function')
    throw new Error(`${functionId} is not a function of the template`);
  const role = (fn.Properties as { Role?: { 'Fn::GetAtt'?: [string, string] } }).Role?.['Fn::GetAtt']?.[0];
  if (role === undefined)
    throw new Error(`${functionId}: its Role is not a Fn::GetAtt of a role of the template`);
  return role;
}

/** Every identity policy statement of the role `functionId` runs as (file header). */
export function functionRoleStatements(template: PolicyTemplate, functionId: string): PolicyStatement[] {
  return statementsOfRole(template, roleOf(template, functionId));
}

/** The `ManagedPolicyArns` entries of the role `functionId` runs as that cannot be read (file header), as JSON text. */
export function unreadableManagedPolicyArns(template: PolicyTemplate, functionId: string): string[] {
  return unreadableManagedPolicies(template, roleOf(template, functionId));
}

/** An IAM pattern (`*` any run of characters, `?` one character) as an anchored regular expression. */
function patternOf(pattern: string, flags = ''): RegExp {
  const body = [...pattern]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, flags);
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** Whether `statement` names `action` on `resource` (its condition aside: file header). */
function covers(statement: PolicyStatement, action: string, resource: string): boolean {
  if (
    statement.NotAction !== undefined ||
    statement.NotResource !== undefined ||
    statement.NotPrincipal !== undefined
  ) {
    throw new Error(
      `role policy: NotAction/NotResource/NotPrincipal are not modelled (${JSON.stringify(statement)})`,
    );
  }
  const actions = asList(statement.Action ?? []) as string[];
  const resources = asList(statement.Resource ?? []).map(expressionText);
  return (
    actions.some((a) => patternOf(a, 'i').test(action)) && resources.some((r) => patternOf(r).test(resource))
  );
}

/** Whether `key` is one the check evaluates (condition keys are case-insensitive). */
const isEvaluated = (key: string): boolean =>
  EVALUATED_CONDITION_KEYS.some((k) => k.toLowerCase() === key.toLowerCase());

/** The request's value of `key`, matched case-insensitively. */
function contextValue(context: RequestContext, key: string): string | undefined {
  return Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
}

/** Whether one operator's test of an evaluated key holds for `actual` (file header). */
function holds(operator: string, values: readonly string[], actual: string | undefined): boolean {
  switch (operator) {
    case 'StringEquals':
      return actual !== undefined && values.includes(actual);
    case 'StringLike':
      return actual !== undefined && values.some((v) => patternOf(v).test(actual));
    case 'ForAllValues:StringEquals':
      return actual === undefined || values.includes(actual);
    default:
      throw new Error(`role policy: the condition operator ${operator} is not modelled on an evaluated key`);
  }
}

/** The evaluated conditions of `statement` that `context` does not meet, each as a line (file header). */
function unmetConditions(statement: PolicyStatement, context: RequestContext): string[] {
  const unmet: string[] = [];
  const operators = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
  for (const [operator, tests] of Object.entries(operators)) {
    for (const [key, value] of Object.entries(tests)) {
      if (!isEvaluated(key)) continue;
      const values = asList(value).map(expressionText);
      const actual = contextValue(context, key);
      if (holds(operator, values, actual)) continue;
      const request =
        actual === undefined ? `the request has no ${key}` : `the request: ${JSON.stringify(actual)}`;
      unmet.push(`${operator} ${key} = ${values.map((v) => JSON.stringify(v)).join(' or ')} (${request})`);
    }
  }
  return unmet;
}

/**
 * How the role's `statements` decide `action` on `resource` in `context`: an explicit Deny wins, then any Allow
 * whose evaluated conditions hold (file header); when none does, the conditions that kept the covering Allows out.
 */
export function evaluate(
  statements: readonly PolicyStatement[],
  action: string,
  resource: string,
  context: RequestContext = {},
): Evaluation {
  if (statements.some((s) => s.Effect === 'Deny' && covers(s, action, resource)))
    return { decision: 'denied', unmet: [] };
  const unmet: string[] = [];
  for (const statement of statements.filter((s) => s.Effect === 'Allow' && covers(s, action, resource))) {
    const failed = unmetConditions(statement, context);
    if (failed.length === 0) return { decision: 'allowed', unmet: [] };
    unmet.push(...failed);
  }
  return { decision: 'not allowed', unmet };
}

/** {@link evaluate}'s decision alone. */
export function decide(
  statements: readonly PolicyStatement[],
  action: string,
  resource: string,
  context: RequestContext = {},
): Decision {
  return evaluate(statements, action, resource, context).decision;
}

/** The condition keys on the Allow statements of `statements` that are not evaluated: taken as met (file header). */
export function unevaluatedConditionKeys(statements: readonly PolicyStatement[]): string[] {
  const keys = statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => Object.values((s.Condition ?? {}) as Record<string, Record<string, unknown>>))
    .flatMap((tests) => Object.keys(tests))
    .filter((key) => !isEvaluated(key));
  return [...new Set(keys)].sort();
}
