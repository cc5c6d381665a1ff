/**
 * What each bundled run sent, and whether its function's role allows it, for
 * the artifact test's role check (test/infra/deployable.test.ts). The local
 * stand-ins enforce no IAM, so a run is recorded with every request it sent
 * meanwhile to DynamoDB (the recording proxy), SNS and SES (the stubs); each
 * request is mapped to the permissions it needs (required-permissions.ts),
 * with the request context the evaluator checks conditions against
 * (`sns:Protocol` of a `Subscribe`, `ses:FromAddress` of a `SendEmail`), and
 * each permission decided by the identity policies of the role the function
 * has in its own template (role-policy.ts).
 *
 * Besides the recorded requests, the same check takes the "structural
 * requirements" (structural-requirements.ts): permissions AWS services use
 * with the function's role on its behalf, which no stand-in sees. A recorded
 * publish to a KMS-encrypted topic adds `kms:GenerateDataKey` and
 * `kms:Decrypt` on the topic's key (`kms:ViaService` = SNS in the stack's
 * region); and, for every function of a template whether it ran or not, an
 * SQS event source adds the poller's `sqs:ReceiveMessage`,
 * `sqs:DeleteMessage` and `sqs:GetQueueAttributes` on the queue (and
 * `kms:Decrypt` on a KMS-encrypted queue's key), an on-failure destination or
 * dead-letter queue `sqs:SendMessage` on it. Failure messages name each with
 * its basis, and, when an Allow covered the action and resource but its
 * condition kept it out, the condition and the request's value.
 *
 * Not checked here: the conditions on keys the check cannot derive (taken as
 * met: `unevaluatedConditionKeys` lists them); CloudWatch Logs and X-Ray
 * (the template tests pin them: see the artifact test's header); resource
 * policies (the topic's, the queues', the keys'), a managed policy the
 * template does not hold (`unreadableManagedPolicyArns`) and anything else
 * `role-policy.ts` does not model.
 */
import type { SnsStub, StubMessage, StubRequest } from '../sns-stub';
import { type Invocation, type InvokeOptions, invoke } from './bundled-functions';
import type { DynamoDbRequest, RecordingProxy } from './recording-proxy';
import {
  dynamoDbPermissions,
  type LogicalIdOf,
  type RequiredPermission,
  sesPermissions,
  snsPermission,
} from './required-permissions';
import { evaluate, functionRoleStatements, type PolicyTemplate } from './role-policy';
import type { SesRequest, SesStub } from './ses-stub';
import { structuralRequirements, topicKeyPermissions } from './structural-requirements';

/** A function of a synthesized template, ready to run locally. */
export interface DeployedFunction {
  /** Its logical id in `template`. */
  readonly id: string;
  /** Its bundle's entry file in the assembly. */
  readonly entry: string;
  /** Its environment: the template's, tokens resolved to the local stand-ins, and the local endpoints. */
  readonly env: Readonly<Record<string, string>>;
  /** What the run's names (tables, topic, configuration set) stand for in `template`. */
  readonly logicalIdOf: LogicalIdOf;
  /** The template it comes from: its role is there. */
  readonly template: PolicyTemplate;
}

/** One run of a function: how it ended, and what it sent and published meanwhile. */
export interface RecordedRun extends Invocation {
  readonly fn: DeployedFunction;
  readonly dynamoDb: readonly DynamoDbRequest[];
  readonly sns: readonly StubRequest[];
  readonly ses: readonly SesRequest[];
  /** The SNS messages it published. */
  readonly messages: readonly StubMessage[];
}

/** The local stand-ins the runs send to. */
export interface StandIns {
  readonly dynamoDb: RecordingProxy;
  readonly sns: SnsStub;
  readonly ses: SesStub;
}

/** Runs bundled functions one at a time, keeping every run with what it sent. */
export class RunRecorder {
  readonly runs: RecordedRun[] = [];

  constructor(private readonly standIns: StandIns) {}

  /** Invokes `fn` with `event`, its environment overridden by `env`, and records the run. */
  async invoke(
    fn: DeployedFunction,
    event: unknown,
    env: Readonly<Record<string, string>> = {},
    options: InvokeOptions = {},
  ): Promise<RecordedRun> {
    const { dynamoDb, sns, ses } = this.standIns;
    const from = { dynamoDb: dynamoDb.requests.length, sns: sns.requests.length, ses: ses.requests.length };
    const firstMessage = sns.messages.length;
    const invocation = await invoke(fn.entry, { ...fn.env, ...env }, event, options);
    const run: RecordedRun = {
      ...invocation,
      fn,
      dynamoDb: dynamoDb.requests.slice(from.dynamoDb),
      sns: sns.requests.slice(from.sns),
      ses: ses.requests.slice(from.ses),
      messages: sns.messages.slice(firstMessage),
    };
    this.runs.push(run);
    return run;
  }
}

/** Every permission the requests of `run` needed, with the KMS permissions SNS used for its publishes. */
export function permissionsOf(run: RecordedRun): RequiredPermission[] {
  const { logicalIdOf, template } = run.fn;
  return [
    ...run.dynamoDb.flatMap((request) => dynamoDbPermissions(request, logicalIdOf)),
    ...run.sns.map((request) => snsPermission(request, logicalIdOf)),
    ...run.sns.flatMap((request) => topicKeyPermissions(request, template, logicalIdOf)),
    ...run.ses.flatMap((request) => sesPermissions(request, logicalIdOf)),
  ];
}

/**
 * Each of `permissions` that the role of `functionId` in `template` does not allow, as a line naming the function,
 * the action, the resource (the name used, and the template's), the basis of a structural requirement, and the
 * evaluated conditions that kept a covering Allow out.
 */
function problemsOf(
  template: PolicyTemplate,
  functionId: string,
  permissions: readonly RequiredPermission[],
): string[] {
  const statements = functionRoleStatements(template, functionId);
  return permissions.flatMap((p) => {
    const { decision, unmet } = evaluate(statements, p.action, p.resource, p.context);
    if (decision === 'allowed') return [];
    const basis = p.basis === undefined ? '' : ` [${p.basis}]`;
    const conditions = unmet.length === 0 ? '' : `: its Allow holds only when ${unmet.join('; ')}`;
    return [
      `${functionId}: ${p.action} on ${p.name} (${p.resource})${basis} is ${decision} by its role${conditions}`,
    ];
  });
}

/** Each permission `run` needed (its requests', and its publishes' KMS ones) that its function's role does not allow. */
export function roleProblems(run: RecordedRun): string[] {
  return problemsOf(run.fn.template, run.fn.id, permissionsOf(run));
}

/**
 * Each permission one recorded request of `run` (a DynamoDB request, or an SNS one with its publish's KMS
 * permissions) needed that its function's role does not allow: none when the role allows it.
 */
export function requestProblems(run: RecordedRun, request: DynamoDbRequest | StubRequest): string[] {
  const { logicalIdOf, template } = run.fn;
  const permissions =
    'operation' in request
      ? dynamoDbPermissions(request, logicalIdOf)
      : [snsPermission(request, logicalIdOf), ...topicKeyPermissions(request, template, logicalIdOf)];
  return problemsOf(template, run.fn.id, permissions);
}

/** Each structural requirement of `functionId` in `template` (its event sources, its destinations) its role lacks. */
export function structuralProblems(template: PolicyTemplate, functionId: string): string[] {
  return problemsOf(template, functionId, structuralRequirements(template, functionId));
}

/** What the runs of `fn` needed, as `action resource` lines (for the coverage assertions). */
export function neededBy(runs: readonly RecordedRun[], fn: DeployedFunction): string[] {
  return runs
    .filter((run) => run.fn === fn)
    .flatMap((run) => permissionsOf(run).map((p) => `${p.action} ${p.resource}`));
}

/** The structural requirements of `functionId` in `template`, as `action resource` lines (for the coverage assertions). */
export function structurallyNeededBy(template: PolicyTemplate, functionId: string): string[] {
  return structuralRequirements(template, functionId).map((p) => `${p.action} ${p.resource}`);
}
