/**
 * Structural checks of a synthesized template's IAM roles, read as a security review would: whom each role trusts
 * (its `AssumeRolePolicyDocument`, pinned exactly for each kind of role the stack makes: a Lambda execution role, an
 * EventBridge Scheduler execution role; a role of no known kind fails until it is classified here), and which
 * policies it carries (the attached policies, inline ones, managed ones), so a test can pin a role's policy set and
 * a stray grant shows (docs/deploy.md, "Security choices"); the worker functions' sets are pinned here
 * ({@link WORKER_FUNCTION_POLICIES}) for the deploy check to hold on every context combination.
 */
import { isDeepStrictEqual } from 'node:util';
import type { CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { CredentialHygiene } from '../../lib/credential-hygiene';
import type { CfnTemplate, CheckResult } from './structural-checks';
import { referencedId } from './structural-checks';

/** Lambda alone may assume a function's execution role: one statement, no condition. */
export const LAMBDA_TRUST = {
  Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
  Version: '2012-10-17',
} as const;

/**
 * EventBridge Scheduler alone may assume a schedule's execution role, and only for this account's schedules of the
 * default schedule group (`aws:SourceAccount`, `aws:SourceArn`: confused-deputy protection), as
 * `aws-scheduler-targets` writes it.
 */
export const SCHEDULER_TRUST = {
  Statement: [
    {
      Action: 'sts:AssumeRole',
      Condition: {
        StringEquals: {
          'aws:SourceAccount': { Ref: 'AWS::AccountId' },
          'aws:SourceArn': {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':scheduler:',
                { Ref: 'AWS::Region' },
                ':',
                { Ref: 'AWS::AccountId' },
                ':schedule-group/default',
              ],
            ],
          },
        },
      },
      Effect: 'Allow',
      Principal: { Service: 'scheduler.amazonaws.com' },
    },
  ],
  Version: '2012-10-17',
} as const;

/** The kinds of role the stack makes, each with the one trust policy it may have. */
const TRUST_BY_KIND = {
  'Lambda execution role': LAMBDA_TRUST,
  'Scheduler execution role': SCHEDULER_TRUST,
} as const;
type RoleKind = keyof typeof TRUST_BY_KIND;

function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The kinds a role is used as: the role of a function, the execution role of a schedule's target. */
function kindsOf(template: CfnTemplate, roleId: string): RoleKind[] {
  const resources = Object.values(template.Resources);
  const kinds: RoleKind[] = [];
  const usedBy = (type: string, roleOf: (properties: Record<string, unknown>) => unknown) =>
    resources.some((r) => r.Type === type && referencedId(roleOf(r.Properties ?? {})) === roleId);
  if (usedBy('AWS::Lambda::Function', (p) => p.Role)) kinds.push('Lambda execution role');
  if (usedBy('AWS::Scheduler::Schedule', (p) => (p.Target as { RoleArn?: unknown } | undefined)?.RoleArn)) {
    kinds.push('Scheduler execution role');
  }
  return kinds;
}

/**
 * Every role of the template is trusted by exactly whom its kind allows ({@link LAMBDA_TRUST},
 * {@link SCHEDULER_TRUST}), and is of exactly one known kind. `checked` counts the roles.
 */
export function roleTrustCheck(template: CfnTemplate): CheckResult {
  const roles = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');
  const problems: string[] = [];
  for (const [roleId, role] of roles) {
    const kinds = kindsOf(template, roleId);
    if (kinds.length !== 1) {
      problems.push(
        kinds.length === 0
          ? `role ${roleId}: neither a function’s nor a schedule’s role: classify it (test/infra/role-checks.ts) and pin its trust policy`
          : `role ${roleId}: used as ${kinds.join(' and ')}: give each its own role`,
      );
      continue;
    }
    const trust = role.Properties?.AssumeRolePolicyDocument;
    if (!isDeepStrictEqual(trust, TRUST_BY_KIND[kinds[0]!])) {
      problems.push(`role ${roleId} (${kinds[0]}): trusted by ${JSON.stringify(trust)}`);
    }
  }
  return { checked: roles.length, problems };
}

/** What a role of the template carries. */
export interface RolePolicySet {
  /** Logical ids of the policies attached to it (`AWS::IAM::Policy`, `ManagedPolicy`, `RolePolicy`), sorted. */
  readonly attached: string[];
  /** The role's own inline policies (`Policies`). */
  readonly inline: unknown[];
  /** The managed policies the role names (`ManagedPolicyArns`). */
  readonly managed: unknown[];
}

/** The resources that attach a policy to a role: by `Roles` (the first two) or `RoleName`. */
const POLICY_TYPES: readonly string[] = [
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::RolePolicy',
];

/** The policy set of one role of the template ({@link RolePolicySet}). */
export function rolePolicySet(template: CfnTemplate, roleId: string): RolePolicySet {
  const attached = Object.entries(template.Resources)
    .filter(([, r]) => POLICY_TYPES.includes(r.Type))
    .filter(([, r]) =>
      [...asList(r.Properties?.Roles as unknown[] | undefined), r.Properties?.RoleName].some(
        (ref) => referencedId(ref) === roleId,
      ),
    )
    .map(([id]) => id)
    .sort();
  const properties = template.Resources[roleId]?.Properties ?? {};
  return {
    attached,
    inline: asList(properties.Policies as unknown[] | undefined),
    managed: asList(properties.ManagedPolicyArns as unknown[] | undefined),
  };
}

/**
 * Each worker function's policies, by construct path under the function: nothing more. The relay's own functions'
 * sets are pinned by `owner-email-relay.test.ts`.
 */
export const WORKER_FUNCTION_POLICIES = {
  sweepFunction: ['Role/DefaultPolicy', 'XRayPolicy'],
  notifierFunction: ['Role/DefaultPolicy', 'XRayPolicy'],
  reconcilerFunction: ['Role/DefaultPolicy', 'XRayPolicy', 'SubscriptionAttributesPolicy'],
} as const;

/** The logical id of the CloudFormation resource of the construct at `path` (`/`-separated ids) under `scope`. */
export function logicalIdAt(stack: Stack, scope: IConstruct, path: string): string {
  const construct = path.split('/').reduce((c: IConstruct, id) => c.node.findChild(id), scope);
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

/**
 * The sweep, notifier and reconciler roles of `hygiene` (in `stack`, synthesized as `template`) carry exactly their
 * {@link WORKER_FUNCTION_POLICIES}: no other attached policy, no inline or managed one. `checked` counts the roles.
 */
export function workerPolicySetCheck(
  stack: Stack,
  hygiene: CredentialHygiene,
  template: CfnTemplate,
): CheckResult {
  const problems = Object.entries(WORKER_FUNCTION_POLICIES).flatMap(([name, paths]) => {
    const fn = hygiene[name as keyof typeof WORKER_FUNCTION_POLICIES];
    const roleId = logicalIdAt(stack, fn, 'Role');
    const expected: RolePolicySet = {
      attached: paths.map((path) => logicalIdAt(stack, fn, path)).sort(),
      inline: [],
      managed: [],
    };
    const actual = rolePolicySet(template, roleId);
    return isDeepStrictEqual(actual, expected)
      ? []
      : [`role ${roleId} (${name}): carries ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}`];
  });
  return { checked: Object.keys(WORKER_FUNCTION_POLICIES).length, problems };
}
