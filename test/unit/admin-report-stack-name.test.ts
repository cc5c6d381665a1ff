/**
 * The admins' report of a tripped guard names the deployment's stack in its
 * commands (`--stack NAME`, from the sweep Lambda's `STACK_NAME`) when it is
 * known, so the admins paste them as they are; without it (an older
 * deployment's environment, the construct in a stack of one's own) the report
 * keeps saying "the deployment's --stack NAME", and never prints an empty or
 * unsafe `--stack` (docs/notifications.md, "Admin audience").
 */
import { describe, expect, it } from 'vitest';
import { snsEntryFields, snsLimits } from '../../lambdas/aws/sns-wire';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { publishAdminReport, renderAdminReport } from '../../lambdas/render/admin-report';
import { deliveredTo } from '../support/sns-delivery';
import { RecordingPublisher } from './outbox-fakes';
import { credential, days, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

/** A run of `mode` whose guard trips: 10 expired credentials of 10, over the default 10 %. */
async function trippedRun(mode: 'audit' | 'enforce'): Promise<RunSummary> {
  const items = Array.from({ length: 10 }, (_, i) => credential(`x${i}-expired`, { expiresTime: days(-1) }));
  const table = new MemoryTable(items);
  return runSweep(
    { scanner: new MemoryScanner(table), writer: new MemoryWriter(table), clock: () => NOW },
    { config: parseConfig({}), now: NOW, runId: 'run-1', mode },
  );
}

/** The email text of the run's admin report, with the stack name (and Region) given (or not). */
function emailText(summary: RunSummary, stackName?: string, region?: string): string {
  const message = snsEntryFields(renderAdminReport(summary, snsLimits(), { stackName, region })).Message;
  return deliveredTo(message, 'email');
}

/** The text with line breaks as spaces: the advice wraps its sentences. */
const flat = (text: string) => text.replaceAll('\n', ' ');

describe('the admins’ report names the deployment’s stack in its commands', () => {
  it('enforce: the banner and the advice carry --stack NAME, ready to paste', async () => {
    const text = emailText(await trippedRun('enforce'), 'HygieneProd');

    expect(text).toContain('Check the plan (pc-hygiene sweep --dry-run --stack HygieneProd);');
    expect(text).toContain(
      '!! if the deletions are right, approve them: pc-hygiene guard approve --max-deletes 10 --reason "..." --stack HygieneProd\n',
    );
    expect(flat(text)).toContain(
      'What to do: check the plan (pc-hygiene sweep --dry-run --stack HygieneProd); if the deletions are right, ' +
        'approve them: pc-hygiene guard approve --max-deletes 10 --reason "..." --stack HygieneProd ' +
        'and sweep right away, which uses the approval: pc-hygiene sweep --stack HygieneProd (',
    );
    expect(flat(text)).toContain('If not, fix the configuration or the data');
    expect(text).not.toContain('--stack NAME');
  });

  it('audit: guard approve carries --stack NAME and --enforce, and so does the sweep that acts', async () => {
    const text = emailText(await trippedRun('audit'), 'HygieneProd');

    expect(flat(text)).toContain(
      "an operator's sweep --enforce does: if the deletions are right, approve them: pc-hygiene guard approve " +
        '--max-deletes 10 --reason "..." --stack HygieneProd --enforce and sweep right away, which uses the approval: ' +
        'pc-hygiene sweep --stack HygieneProd --enforce (',
    );
    // That sweep queues owner notices, and an audit deployment's notifier sends them: the admins are told so.
    expect(flat(text)).toContain(
      'The sweep --enforce acts as an enforce run does: its owner notices (warnings, deletions) go to the owners, ' +
        "sent by this deployment's notifier within notifierSchedule.",
    );
    expect(text).toContain('Check the plan (pc-hygiene sweep --dry-run --stack HygieneProd);');
    expect(text).not.toContain('--stack NAME');
  });

  it('names the default stack too: a PC_HYGIENE_STACK in the admin’s shell must not redirect the command', async () => {
    const text = emailText(await trippedRun('enforce'), 'PersonalClientHygiene');

    expect(text).toContain('pc-hygiene sweep --dry-run --stack PersonalClientHygiene');
  });

  it.each([
    ['absent (an older deployment)', undefined],
    ['empty', ''],
    ['not a stack name (a hand-edited environment)', 'prod; rm -rf ~'],
    ['an ARN', 'arn:aws:cloudformation:eu-west-1:123456789012:stack/HygieneProd/abc'],
  ])(
    'without a stack name (%s) keeps the placeholder, never an empty or unsafe --stack',
    async (_, stackName) => {
      for (const mode of ['enforce', 'audit'] as const) {
        const text = emailText(await trippedRun(mode), stackName);

        expect(flat(text)).toContain("the deployment's --stack NAME");
        expect(text).toContain('Check the plan (pc-hygiene sweep --dry-run);');
        expect(text).not.toMatch(/--stack(?! NAME\b)/);
      }
    },
  );

  it('names the Region beside the stack, when it is a Region name; never without the stack', async () => {
    const summary = await trippedRun('enforce');

    expect(emailText(summary, 'HygieneProd', 'eu-west-1')).toContain(
      'pc-hygiene guard approve --max-deletes 10 --reason "..." --stack HygieneProd --region eu-west-1',
    );
    expect(emailText(summary, 'HygieneProd', 'us-gov-west-1')).toContain(
      'Check the plan (pc-hygiene sweep --dry-run --stack HygieneProd --region us-gov-west-1);',
    );
    expect(emailText(summary, 'HygieneProd', 'eusc-de-east-1')).toContain(
      '--stack HygieneProd --region eusc-de-east-1',
    );
    expect(emailText(summary, 'HygieneProd', 'eu-west-1; rm -rf ~')).not.toContain('--region');
    expect(emailText(summary, undefined, 'eu-west-1')).not.toContain('--region');
  });

  it("the manifest line's runs show names the stack, or says to add it", async () => {
    const summary: RunSummary = { ...(await trippedRun('enforce')), manifest: { pages: 1, entries: 3 } };

    expect(emailText(summary, 'HygieneProd')).toContain(
      'Manifest: 3 deletion(s) in 1 page(s) (pc-hygiene runs show run-1 --stack HygieneProd)\n',
    );
    expect(emailText(summary)).toContain(
      "Manifest: 3 deletion(s) in 1 page(s) (pc-hygiene runs show run-1 with the deployment's --stack NAME)\n",
    );
  });

  it('publishAdminReport passes the name through to the published message', async () => {
    const publisher = new RecordingPublisher();

    await publishAdminReport(publisher, await trippedRun('enforce'), { stackName: 'HygieneProd' });

    const text = deliveredTo(publisher.delivered[0]!.Message, 'email');
    expect(text).toContain('pc-hygiene guard approve --max-deletes 10 --reason "..." --stack HygieneProd');
  });
});
