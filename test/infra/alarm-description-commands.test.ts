/**
 * The commands an alarm's description gives paste as they are (lib/hygiene-alarms.ts, `deploymentFlags`): each
 * `pc-hygiene` command of `GuardTripped`, `UnreachableOwners` and `SweepUnreachableOwners` names the deployment's
 * stack and Region, which CloudFormation puts in at deploy when they are tokens, and no placeholder; each description
 * still fits CloudWatch's 1,024 characters with the longest stack name CloudFormation allows. The alarms without a
 * runbook name their row of the alarm table (docs/deploy.md, "Operations: alarms and the dashboard"), and that row
 * exists, so the reader finds what to do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { CredentialHygiene } from '../../lib/credential-hygiene';
import { PROJECT_ROOT } from '../../lib/hygiene-function';
import { stackAlarms } from './support/stack-alarms';
import { SKIP_BUNDLING, synthApp } from './synth';

/** The longest stack name CloudFormation accepts, and a Region name longer than any. */
const LONGEST_STACK_NAME = `S${'x'.repeat(127)}`;
const LONG_REGION = 'xx-xxxxxxxxxxx-99';

/** An `AlarmDescription` as deployed: its `Fn::Join` with the stack's name and Region put in. */
function deployed(description: unknown, stackName: string, region: string): string {
  if (typeof description === 'string') return description;
  const join = (description as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return join[1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: string }).Ref;
      if (ref === 'AWS::Region') return region;
      if (ref === 'AWS::StackName') return stackName;
      throw new Error(`unexpected token in an alarm description: ${JSON.stringify(part)}`);
    })
    .join(join[0]);
}

/** Every alarm of `stack` by its construct id (the relay's prefixed `Relay/`), its description as deployed. */
function deployedDescriptions(stack: Stack, region: string): Map<string, string> {
  return new Map(
    stackAlarms(stack).map(({ id, relay, properties }) => [
      `${relay ? 'Relay/' : ''}${id}`,
      deployed(properties.AlarmDescription, stack.stackName, region),
    ]),
  );
}

/** The `pc-hygiene` commands a description gives: each from `pc-hygiene` up to the next `(`, `.` or `;`. */
function commandsIn(description: string): string[] {
  return [...description.matchAll(/pc-hygiene [^(.;]*/g)].map(([command]) => command.trim());
}

describe('the commands of the alarm descriptions', () => {
  it('name the stack and its Region, ready to paste', () => {
    const { stack } = synthApp();
    const descriptions = deployedDescriptions(stack, 'eu-west-1');
    const target = '--stack PersonalClientHygiene --region eu-west-1';

    expect(descriptions.get('GuardTripped')).toContain(
      `pc-hygiene guard approve ${target} --max-deletes N --reason TEXT (with --enforce`,
    );
    expect(descriptions.get('GuardTripped')).toContain(`then sweep right away: pc-hygiene sweep ${target} (`);
    expect(descriptions.get('UnreachableOwners')).toContain(`pc-hygiene notify --dry-run ${target} shows`);
    expect(descriptions.get('UnreachableOwners')).toContain(
      `pc-hygiene owners list --unreachable ${target} judges`,
    );
    expect(descriptions.get('SweepUnreachableOwners')).toContain(
      `pc-hygiene owners list --unreachable ${target}.`,
    );
    for (const [id, description] of descriptions) {
      expect(description, id).not.toMatch(/<[a-z]+>/);
      for (const command of commandsIn(description)) {
        if (!/^pc-hygiene owners import --as-of$/.test(command)) expect(command, id).toContain(target);
      }
    }
  });

  it('fit 1,024 characters with the longest stack name and a long Region, on both routes', () => {
    for (const relay of [false, true]) {
      const app = new App({ context: SKIP_BUNDLING });
      const stack = new Stack(app, 'Test', { stackName: LONGEST_STACK_NAME });
      new CredentialHygiene(
        stack,
        'Hygiene',
        relay ? { config: { ownerDelivery: 'relay', senderIdentity: 'noreply@example.com' } } : {},
      );
      const descriptions = deployedDescriptions(stack, LONG_REGION);

      expect(descriptions.get('GuardTripped')).toContain(
        `--stack ${LONGEST_STACK_NAME} --region ${LONG_REGION}`,
      );
      const tooLong = [...descriptions]
        .filter(([, d]) => d.length > 1024)
        .map(([id, d]) => `${id}: ${d.length}`);
      expect(tooLong).toEqual([]);
    }
  });
});

/** The alarms whose descriptions send their reader to the alarm table (no runbook), by construct id. */
const TABLE_ROW_ALARMS = [
  'NotifierErrors',
  'ReconcilerErrors',
  'NotifierStoreErrors',
  'NotifierHeartbeat',
  'SubscriptionOperationsFailed',
  'Relay/RelayFunctionErrors',
  'Relay/SesEventsFunctionErrors',
  'Relay/OldestDigestTooOld',
  'Relay/UnreportedUnreachableOwners',
];

describe('the alarms without a runbook', () => {
  it('name their row of the alarm table, a row it has', () => {
    const { stack } = synthApp({ ownerDelivery: 'relay', senderIdentity: 'noreply@example.com' });
    const descriptions = deployedDescriptions(stack, 'eu-west-1');
    const deploy = readFileSync(join(PROJECT_ROOT, 'docs', 'deploy.md'), 'utf8');
    const firstCells = deploy
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split('|')[1] ?? '');

    for (const named of TABLE_ROW_ALARMS) {
      const id = named.replace(/^Relay\//, '');
      expect(descriptions.get(named), named).toContain(
        `See docs/deploy.md, "Operations: alarms and the dashboard", the ${id} row.`,
      );
      expect(
        firstCells.some((cell) => cell.includes(`\`${id}\``)),
        `a table row for ${id}`,
      ).toBe(true);
    }
  });
});
