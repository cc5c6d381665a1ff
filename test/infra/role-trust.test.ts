/**
 * Every IAM role of the stack, on both owner routes (the default and `relay`): whom it trusts — a function's role
 * only Lambda, a schedule's role only EventBridge Scheduler for this account's default schedule group, any other role
 * fails until classified (`role-checks.ts`) — and, for the sweep, notifier and reconciler, exactly which policies it
 * carries, so a stray grant (an extra policy, an inline or managed one) shows. The relay's own roles' policies are
 * pinned by `owner-email-relay.test.ts`.
 */
import type { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import type { HygieneFunction } from '../../lib/hygiene-function';
import {
  LAMBDA_TRUST,
  logicalIdAt,
  rolePolicySet,
  roleTrustCheck,
  SCHEDULER_TRUST,
  WORKER_FUNCTION_POLICIES,
} from './role-checks';
import type { CfnTemplate } from './structural-checks';
import { synthApp } from './synth';

/** The two owner routes, and how many roles each makes (its functions', then its three schedules'). */
const ROUTES = {
  default: { context: {}, roles: 3 + 3 },
  relay: { context: { ownerDelivery: 'relay', senderIdentity: 'hygiene@example.com' }, roles: 5 + 3 },
} as const;

function roleIdOf(stack: Stack, fn: HygieneFunction): string {
  return logicalIdAt(stack, fn, 'Role');
}

const synthesized = Object.fromEntries(
  Object.entries(ROUTES).map(([route, { context }]) => {
    const { stack, template } = synthApp(context);
    return [route, { stack, json: template.toJSON() as CfnTemplate }];
  }),
);

describe.each(Object.entries(ROUTES))('the roles of the %s route', (route, { roles }) => {
  const { stack, json } = synthesized[route]!;

  it('each is trusted only by the service of its kind: Lambda, or Scheduler for this account’s schedules', () => {
    expect(roleTrustCheck(json)).toEqual({ checked: roles, problems: [] });
  });

  it.each(Object.entries(WORKER_FUNCTION_POLICIES))(
    'the %s role carries exactly its policies',
    (name, paths) => {
      const fn = stack.hygiene[name as keyof typeof WORKER_FUNCTION_POLICIES];
      expect(rolePolicySet(json, roleIdOf(stack, fn))).toEqual({
        attached: paths.map((path) => logicalIdAt(stack, fn, path)).sort(),
        inline: [],
        managed: [],
      });
    },
  );
});

describe('the checks themselves', () => {
  const { stack, json } = synthesized.default!;
  const sweepRole = roleIdOf(stack, stack.hygiene.sweepFunction);
  const scheduleRole = Object.keys(json.Resources).find((id) => id.startsWith('SchedulerRoleForTarget'))!;

  type Resources = CfnTemplate['Resources'];
  /** A copy of the template with `change` applied to its resources. */
  function changed(change: (resources: Resources) => void): CfnTemplate {
    const copy = structuredClone(json);
    change(copy.Resources);
    return copy;
  }
  /** The trust policy of a role of a template copy, to change. */
  function trustOf(resources: Resources, roleId: string) {
    type Statement = Record<string, unknown> & { Condition?: { StringEquals: Record<string, unknown> } };
    return resources[roleId]!.Properties!.AssumeRolePolicyDocument as { Statement: Statement[] };
  }

  it('fails a function’s role that trusts anything more than Lambda', () => {
    const broken = changed((r) => {
      trustOf(r, sweepRole).Statement.push({
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      });
    });
    expect(roleTrustCheck(broken).problems).toEqual([
      expect.stringMatching(new RegExp(`^role ${sweepRole} \\(Lambda execution role\\): trusted by .*:root`)),
    ]);
  });

  it('fails a schedule’s role trusted without its aws:SourceArn condition', () => {
    const broken = changed((r) => {
      delete trustOf(r, scheduleRole).Statement[0]!.Condition!.StringEquals['aws:SourceArn'];
    });
    expect(roleTrustCheck(broken).problems).toEqual([
      expect.stringMatching(new RegExp(`^role ${scheduleRole} \\(Scheduler execution role\\): trusted by`)),
    ]);
  });

  it('fails a role of no known kind, whatever it trusts, until it is classified', () => {
    const broken = changed((r) => {
      r.StrayRole = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: LAMBDA_TRUST } };
    });
    expect(roleTrustCheck(broken).problems).toEqual([
      expect.stringMatching(/^role StrayRole: neither a function’s nor a schedule’s role: classify it/),
    ]);
  });

  it('fails a role used both by a function and by a schedule', () => {
    const broken = changed((r) => {
      const schedule = Object.values(r).find((x) => x.Type === 'AWS::Scheduler::Schedule')!;
      (schedule.Properties!.Target as { RoleArn: unknown }).RoleArn = { 'Fn::GetAtt': [sweepRole, 'Arn'] };
    });
    expect(roleTrustCheck(broken).problems).toContainEqual(
      `role ${sweepRole}: used as Lambda execution role and Scheduler execution role: give each its own role`,
    );
    expect(SCHEDULER_TRUST.Statement[0].Principal.Service).toBe('scheduler.amazonaws.com');
  });

  it('shows a stray policy, an inline one and a managed one on a role', () => {
    const broken = changed((r) => {
      r.StrayPolicy = {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyName: 'Stray', Roles: [{ Ref: sweepRole }], PolicyDocument: {} },
      };
      r[sweepRole]!.Properties!.Policies = [{ PolicyName: 'Inline', PolicyDocument: {} }];
      r[sweepRole]!.Properties!.ManagedPolicyArns = ['arn:aws:iam::aws:policy/AdministratorAccess'];
    });
    const policies = rolePolicySet(broken, sweepRole);
    expect(policies.attached).toContain('StrayPolicy');
    expect(policies.inline).toEqual([{ PolicyName: 'Inline', PolicyDocument: {} }]);
    expect(policies.managed).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess']);
    expect(policies).not.toEqual(rolePolicySet(json, sweepRole));
  });
});
