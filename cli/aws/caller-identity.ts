/**
 * Who is acting, for the records an operator's command leaves (the guard
 * approval, the history entry of `restore`/`exempt`/`unexempt`, an operator
 * sweep's run manifest): `--by`, else `PC_HYGIENE_OPERATOR`, else — against
 * AWS (no `--endpoint`) — the caller identity's ARN from STS (what CloudTrail
 * would name), else the OS user. Each record also keeps that ARN beside a
 * typed name ({@link resolveVerifiedOperator}): `--by` is a claim, the ARN is
 * who called.
 *
 * A CLI-only adapter. The STS client module is loaded only when STS is
 * asked: every command module imports this one, and a local run never needs it.
 */
import { userInfo } from 'node:os';
import type { STSClient } from '@aws-sdk/client-sts';
import type { OperatorIdentity } from '../../lambdas/hygiene/operator-identity';
import { cappedOperatorText } from '../operator-text';

/** The flags and environment the operator's name is taken from. */
export interface OperatorSource {
  /** An explicit `--by`. */
  readonly by?: string;
  /** With an endpoint (DynamoDB Local) STS is not asked. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly profile?: string;
}

/** The environment variable naming the operator (e.g. set by a CI job). */
export const OPERATOR_ENV = 'PC_HYGIENE_OPERATOR';

/** The OS user running the CLI (`USER`/`LOGNAME` when there is no passwd entry, e.g. in a container). */
export function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}

/** The caller's ARN from `sts:GetCallerIdentity` (the one STS call of the CLI; throws what STS throws). */
export async function fetchCallerArn(sts: STSClient): Promise<string | undefined> {
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
}

/** The caller's ARN, or `undefined` when it cannot be had (no credentials, offline). */
async function callerIdentityArn(source: OperatorSource, sts?: STSClient): Promise<string | undefined> {
  const client =
    sts ??
    new (await import('@aws-sdk/client-sts')).STSClient({
      ...(source.region !== undefined && { region: source.region }),
      ...(source.profile !== undefined && { profile: source.profile }),
    });
  try {
    return await fetchCallerArn(client);
  } catch {
    return undefined;
  } finally {
    if (!sts) client.destroy();
  }
}

/**
 * The name the operator gave (`--by`, else {@link OPERATOR_ENV}), if any; the variable's value capped as `--by` is
 * (it is stored on the credential's history and the approval).
 * @throws {UsageError} when the variable's value is longer than `--by` may be
 */
function givenOperator(source: OperatorSource): string | undefined {
  const given = source.by?.trim();
  if (given) return given;
  const fromEnv = process.env[OPERATOR_ENV]?.trim();
  return fromEnv ? cappedOperatorText(OPERATOR_ENV, fromEnv) : undefined;
}

/**
 * Who is acting, named in the module comment's order, with the STS caller
 * ARN beside the name, so a record says who really acted whatever `--by`
 * claims. STS is asked at most once (also when a name is given), never with
 * an endpoint; STS failing leaves the ARN out, never fails the command.
 */
export async function resolveVerifiedOperator(
  source: OperatorSource,
  sts?: STSClient,
): Promise<OperatorIdentity> {
  const callerArn = source.endpoint === undefined ? await callerIdentityArn(source, sts) : undefined;
  const by = givenOperator(source) ?? callerArn ?? osUser();
  return { by, ...(callerArn !== undefined && { callerArn }) };
}
