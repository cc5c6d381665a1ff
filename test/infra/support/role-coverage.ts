/**
 * What each bundled run sent, and whether its function's role allows it, for
 * the artifact test's role check (test/infra/deployable.test.ts). The local
 * stand-ins enforce no IAM, so a run is recorded with every request it sent
 * meanwhile to DynamoDB (the recording proxy), SNS and SES (the stubs); each
 * request is mapped to the permissions it needs (required-permissions.ts),
 * and each permission decided by the identity policies of the role the
 * function has in its own template (role-policy.ts).
 */
import type { SnsStub, StubMessage, StubRequest } from '../sns-stub';
import { type Invocation, invoke } from './bundled-functions';
import type { DynamoDbRequest, RecordingProxy } from './recording-proxy';
import {
  dynamoDbPermissions,
  type LogicalIdOf,
  type RequiredPermission,
  sesPermissions,
  snsPermission,
} from './required-permissions';
import { decide, type PolicyTemplate, roleStatements } from './role-policy';
import type { SesRequest, SesStub } from './ses-stub';

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
  ): Promise<RecordedRun> {
    const { dynamoDb, sns, ses } = this.standIns;
    const from = { dynamoDb: dynamoDb.requests.length, sns: sns.requests.length, ses: ses.requests.length };
    const firstMessage = sns.messages.length;
    const invocation = await invoke(fn.entry, { ...fn.env, ...env }, event);
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

/** Every permission the requests of `run` needed. */
export function permissionsOf(run: RecordedRun): RequiredPermission[] {
  const { logicalIdOf } = run.fn;
  return [
    ...run.dynamoDb.flatMap((request) => dynamoDbPermissions(request, logicalIdOf)),
    ...run.sns.map((request) => snsPermission(request, logicalIdOf)),
    ...run.ses.flatMap((request) => sesPermissions(request, logicalIdOf)),
  ];
}

/**
 * Each permission `run` needed that its function's role does not allow, as a line naming the function, the
 * action and the resource (the run's name, and the template's).
 */
export function roleProblems(run: RecordedRun): string[] {
  const statements = roleStatements(run.fn.template, run.fn.id);
  return permissionsOf(run).flatMap((p) => {
    const decision = decide(statements, p.action, p.resource);
    return decision === 'allowed'
      ? []
      : [`${run.fn.id}: ${p.action} on ${p.name} (${p.resource}) is ${decision} by its role`];
  });
}

/** What the runs of `fn` needed, as `action resource` lines (for the coverage assertions). */
export function neededBy(runs: readonly RecordedRun[], fn: DeployedFunction): string[] {
  return runs
    .filter((run) => run.fn === fn)
    .flatMap((run) => permissionsOf(run).map((p) => `${p.action} ${p.resource}`));
}
