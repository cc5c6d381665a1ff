/**
 * A role's identity policy statements in a construct test's template: the
 * role is the resource its `roleName` resolves to (`Ref R`), and its
 * statements are collected as the structural checks and the role check
 * collect them (`roleStatements`, test/infra/structural-checks.ts): the
 * statements of its `AWS::IAM::Policy`, `AWS::IAM::RolePolicy` and
 * `AWS::IAM::ManagedPolicy` resources (a managed one also when its
 * `ManagedPolicyArns` names it by `Ref`), and of its inline `Policies`.
 */
import type { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { type AnyTemplate, type CfnStatement, referencedId, statementsOfRole } from '../structural-checks';

/**
 * The statements of `role` (of `stack`) in `template`, in template order.
 * @throws when the role's name does not resolve to a role of the template (an imported role)
 */
export function constructRoleStatements(
  template: Template,
  stack: Stack,
  role: Pick<iam.IRole, 'roleName'>,
): CfnStatement[] {
  const json = template.toJSON() as AnyTemplate;
  const name = stack.resolve(role.roleName);
  const roleId = referencedId(name);
  if (roleId === undefined || json.Resources[roleId]?.Type !== 'AWS::IAM::Role') {
    throw new Error(`${JSON.stringify(name)} is not a role of the template`);
  }
  return statementsOfRole(json, roleId);
}
