/**
 * Who the props name: the admins' email addresses (emails.ts) and the principals that may act on the worker
 * (principals.ts), checked together against the stack's account.
 */
import { Token } from 'aws-cdk-lib';
import { adminEmailRepeats, emailProblems, OWNER_EMAILS_REMOVED } from './emails';
import { principalArnProblems } from './principals';
import type { CredentialHygieneProps } from './props';

/** Admin email addresses, operator and alarm-subscriber principals, and the removed `ownerEmails`. */
export function addressProblems(props: CredentialHygieneProps, account: string): string[] {
  const problems: string[] = [];
  if (Object.keys(props.ownerEmails ?? {}).length > 0) problems.push(`ownerEmails: ${OWNER_EMAILS_REMOVED}`);
  for (const email of props.adminEmails ?? []) problems.push(...emailProblems('adminEmails', email));
  problems.push(...adminEmailRepeats(props.adminEmails ?? []));
  problems.push(
    ...principalArnProblems('operatorPrincipalArns', props.operatorPrincipalArns ?? [], account),
    ...principalArnProblems(
      'alarmSubscriberPrincipalArns',
      props.alarmSubscriberPrincipalArns ?? [],
      account,
    ),
  );
  const deploymentRole = props.deploymentRoleArn;
  if (deploymentRole !== undefined && !Token.isUnresolved(deploymentRole)) {
    problems.push(...principalArnProblems('deploymentRoleArn', [deploymentRole], account));
  }
  return problems;
}
