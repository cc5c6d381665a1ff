/**
 * A small evaluator of a Lambda function's role in a synthesized template, for
 * the artifact test's role check (test/infra/deployable.test.ts): is an IAM
 * action on a resource allowed by the identity policies of the role the
 * function runs as? Readable on purpose, not an IAM engine.
 *
 * What it does: finds the function's role (`Role: Fn::GetAtt [R, Arn]`), its
 * statements (every `AWS::IAM::Policy` whose `Roles` holds `Ref R`, and the
 * role's inline `Policies`), and decides as IAM does for one policy type: an
 * explicit Deny wins, else an Allow is needed, else it is not allowed. Actions
 * match case-insensitively, resources case-sensitively, both with `*` and `?`
 * wildcards. Resources are compared as the template writes them: a
 * `Fn::GetAtt [X, Arn]` is the text `{X.Arn}`, a `Ref X` is `{X}`, an
 * `Fn::Join` the concatenation of its parts (so `{X.Arn}/index/*` covers every
 * index of X); the permissions checked are written the same way
 * (`test/infra/support/required-permissions.ts`).
 *
 * What it does not model: **conditions are ignored on an Allow** (a statement
 * that allows an action only under `StringEquals sns:Protocol email` counts as
 * allowing it whatever the request), and taken as always true on a Deny (a stricter
 * answer, never a wrongly allowed one); `NotAction`, `NotResource` and
 * `NotPrincipal` (a statement with one throws); managed policies
 * (`ManagedPolicyArns` are not read: only a missing grant can follow, never a
 * wrong pass); permission boundaries, session policies and SCPs; resource
 * policies (the topic's and the keys' policies, which may deny what the role
 * allows: out of scope); a literal ARN in a policy is matched as text against
 * the template notation, so only `*`-style patterns written in that notation
 * match (again a stricter answer).
 */

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
export function roleStatements(template: PolicyTemplate, functionId: string): PolicyStatement[] {
  const role = roleOf(template, functionId);
  const documents: unknown[] = [];
  for (const resource of Object.values(template.Resources)) {
    const p = (resource.Properties ?? {}) as { Roles?: { Ref?: string }[]; PolicyDocument?: unknown };
    if (resource.Type === 'AWS::IAM::Policy' && (p.Roles ?? []).some((r) => r.Ref === role)) {
      documents.push(p.PolicyDocument);
    }
  }
  const roleProperties = (template.Resources[role]?.Properties ?? {}) as {
    Policies?: { PolicyDocument: unknown }[];
  };
  for (const policy of roleProperties.Policies ?? []) documents.push(policy.PolicyDocument);
  return documents.flatMap((d) => (d as { Statement: PolicyStatement[] }).Statement);
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

/** How the role's `statements` decide `action` on `resource`: an explicit Deny wins, then any Allow. */
export function decide(statements: readonly PolicyStatement[], action: string, resource: string): Decision {
  if (statements.some((s) => s.Effect === 'Deny' && covers(s, action, resource))) return 'denied';
  if (statements.some((s) => s.Effect === 'Allow' && covers(s, action, resource))) return 'allowed';
  return 'not allowed';
}
