/**
 * The principal ARNs the props list for `aws:PrincipalArn` conditions (`operatorPrincipalArns`,
 * `alarmSubscriberPrincipalArns`, `deploymentRoleArn`): what is not a role, user or account root, a name of
 * wildcards only, and another account's (docs/deploy.md, "Security choices"). One rule for the props and the app's
 * CDK context (lib/config.ts).
 */
import { Token } from 'aws-cdk-lib';

/**
 * What `aws:PrincipalArn` can be: an IAM role or user (with path), or an account root. Groups: the account, and for
 * a role or user its kind and its path and name.
 */
const PRINCIPAL_ARN = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):(?:root|(role|user)\/([A-Za-z0-9+=,.@_\-/*?]+))$/;

/** A role or user name (after the last `/`) with no character but the `ArnLike` wildcards `*` and `?` (or none). */
const WILDCARD_NAME = /(?:^|\/)[*?]*$/;

/** A path (before a role or user name) of only `/` and the `ArnLike` wildcards, or none: the whole account's. */
const WILDCARD_PATH = /^[*?/]*$/;

/** What the refusal of a wildcard name suggests instead (the IAM Identity Center pattern of docs/deploy.md). */
const EXAMPLE_NAMES = {
  role: 'role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_SecurityAdmin_*, or role/HygieneOperator',
  user: 'user/hygiene-operator',
} as const;

/**
 * Problems of a list of principal ARNs used in an `aws:PrincipalArn` condition,
 * `key` naming the setting (docs/deploy.md, "Security choices"). Refused, each naming the entry and why:
 * - what is not a role, user or account-root ARN; a role session (`sts … assumed-role`) with a hint: the condition
 *   sees the role's ARN;
 * - a role or user whose name is only wildcards with no path of the account's own (`role/*`, `user/*`,
 *   `role/aws-reserved/sso.amazonaws.com/*`): it matches every role or user of the account (or every IAM Identity
 *   Center permission set), so that one entry would exempt them all from the Denies that list it. A name with
 *   a fixed part, such as `role/aws-reserved/sso.amazonaws.com/<region>/AWSReservedSSO_SecurityAdmin_*` (the region
 *   a `*` too), and a path the account chose (`role/ops/*`, every role it put under `/ops/`), are kept;
 * - nothing of an entry that is a token (its value is known only at deploy);
 * - with `account` known (the stack's, resolved), a principal of another account: the worker's topic and queues and
 *   their keys have no Allow for another account (their policies defer only to this account's IAM), so it could
 *   never act and a listed operator would be refused at run time. An environment-agnostic stack cannot tell: such
 *   an entry is then kept, and is harmless (exempt from a Deny, it is still allowed nothing).
 */
export function principalArnProblems(key: string, arns: readonly string[], account?: string): string[] {
  const stackAccount = account === undefined || Token.isUnresolved(account) ? undefined : account;
  return arns.flatMap((arn) => principalArnProblem(arn, stackAccount).map((why) => `${key}: ${why}`));
}

/**
 * Whether a wildcard name under `path` matches more than an operator group: no path (or one of wildcards only: every
 * role or user of the account), IAM Identity Center's own path (every permission set, in one region or all:
 * everyone who signs in), or the service-linked roles' path (`aws-service-role/`, or one service's under it: every
 * service's role, or every role of that service). A path of the account's own choosing (`role/ops/*`) is a group
 * it created: kept; so is one service-linked role named in full (AWS Chatbot's, for the alarm topic).
 */
function isAccountWidePath(path: string): boolean {
  return (
    WILDCARD_PATH.test(path) ||
    /^aws-reserved\/sso\.amazonaws\.com\/(?:[^/]*\/)?$/.test(path) ||
    /^aws-service-role\/(?:[^/]*\/)?$/.test(path)
  );
}

/** What is wrong with one principal ARN, if anything; nothing for a token (resolved at deploy: not readable here). */
function principalArnProblem(arn: string, stackAccount: string | undefined): string[] {
  if (Token.isUnresolved(arn)) return [];
  const shown = JSON.stringify(arn);
  const match = PRINCIPAL_ARN.exec(arn);
  if (match === null) {
    const hint = /:sts::\d{12}:assumed-role\//.test(arn)
      ? ' (give the role ARN, arn:aws:iam::<account>:role/<name>: aws:PrincipalArn of a session is its role)'
      : '';
    return [
      `${shown} is not an IAM role, user or account-root ARN (arn:aws:iam::<12-digit account>:role/<name>)${hint}`,
    ];
  }
  const [, arnAccount, kind, name] = match;
  const path = name?.slice(0, name.lastIndexOf('/') + 1) ?? '';
  if (kind !== undefined && name !== undefined && WILDCARD_NAME.test(name) && isAccountWidePath(path)) {
    const which = WILDCARD_PATH.test(path)
      ? `every ${kind} of account ${arnAccount}`
      : `every ${kind} under /${path}`;
    return [
      `${shown}: its ${kind} name is only wildcards, so it matches ${which} and would exempt them all from the Denies that list it: give a name with a fixed part (e.g. ${EXAMPLE_NAMES[kind as keyof typeof EXAMPLE_NAMES]})`,
    ];
  }
  if (stackAccount !== undefined && arnAccount !== stackAccount) {
    return [
      `${shown} is in account ${arnAccount}, not the stack's account ${stackAccount}: the worker's topic and queues (and their keys) let in no principal of another account, so it could never act here: give a role or user of account ${stackAccount}`,
    ];
  }
  return [];
}
