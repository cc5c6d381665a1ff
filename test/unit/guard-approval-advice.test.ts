/**
 * A tripped guard's advice must work when pasted (docs/sweep.md, "The blast-radius guard"): an approval is used by a
 * run planning at most `--max-deletes`, and the next scheduled run plans at its own, later time — usually more — so
 * "approve this run's count for the next run" tripped the guard again. The one wording of the run summary's banner
 * and the admin report (`approvalAdviceLines`, lambdas/render/run-summary-text.ts) approves and then sweeps right
 * away, with the sweep aimed as the approval is, and says why; with the stack unknown (no `STACK_NAME`) the banner
 * says to add the deployment's `--stack NAME`, as docs/notifications.md, "Admin audience", promises. After a
 * `--config` file saying `"mode": "audit"` the sweep with it would only plan, never using the approval: the advice
 * says to take the mode out of the file first.
 */
import { describe, expect, it } from 'vitest';
import { snsEntryFields, snsLimits } from '../../lambdas/aws/sns-wire';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { renderAdminReport } from '../../lambdas/render/admin-report';
import { renderRunSummaryText } from '../../lambdas/render/run-summary-text';
import { deliveredTo } from '../support/sns-delivery';
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

/** The admin report's email text, of a deployment whose stack is `stackName` (none: unknown). */
function adminText(summary: RunSummary, stackName?: string): string {
  const context = stackName === undefined ? {} : { stackName };
  return deliveredTo(snsEntryFields(renderAdminReport(summary, snsLimits(), context)).Message, 'email');
}

/** The banner's lines (`!! …`), without the marker. */
function bannerLines(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('!! '))
    .map((line) => line.slice(3));
}

/** The text with its line breaks as spaces: the advice wraps its sentences. */
const flat = (lines: readonly string[] | string) =>
  (typeof lines === 'string' ? lines : lines.join('\n')).replaceAll('\n', ' ');

const WHY =
  '(an approval covers one run that plans at most --max-deletes: if the check plans more, approve its count; ' +
  'left to a later run, such as the next scheduled one, which plans at its own time and usually more, it is not ' +
  'used and the guard trips again)';

describe("a tripped guard's approval advice", () => {
  it('enforce: approve, then sweep right away (the approval used now), in the banner and in "What to do" alike', async () => {
    const text = adminText(await trippedRun('enforce'), 'HygieneProd');
    const advice =
      'if the deletions are right, approve them: pc-hygiene guard approve --max-deletes 10 --reason "..." ' +
      '--stack HygieneProd and sweep right away, which uses the approval: pc-hygiene sweep --stack HygieneProd ' +
      WHY;

    expect(flat(bannerLines(text))).toContain(advice);
    expect(flat(text.slice(text.indexOf('What to do:')))).toContain(advice);
    // Never the advice that failed: an approval of this run's count left for the next scheduled run.
    expect(flat(text)).not.toContain('for the next run');
  });

  it('audit: the sweep that uses it acts (--enforce), as the approval needs, and scheduled runs use none', async () => {
    const text = adminText(await trippedRun('audit'), 'HygieneProd');
    const advice =
      'approve them: pc-hygiene guard approve --max-deletes 10 --reason "..." --stack HygieneProd --enforce ' +
      'and sweep right away, which uses the approval: pc-hygiene sweep --stack HygieneProd --enforce ' +
      WHY;

    expect(flat(bannerLines(text))).toContain(advice);
    expect(flat(text)).toContain(
      'This deployment runs in audit mode: its scheduled runs use no approval (after a switch to enforce they do',
    );
    expect(flat(text.slice(text.indexOf('What to do:')))).toContain(advice);
  });

  it("the CLI's sweep right away carries the run's settings where an acting sweep takes them", async () => {
    const now = '--now 2026-06-01T12:00:00Z';
    const settings = '--config c.json --directory-table D';
    const local = renderRunSummaryText(await trippedRun('enforce'), {
      targetFlags: '--endpoint http://127.0.0.1:8000 --table T1',
      nowFlags: now,
      checkFlags: settings,
      localTable: true,
    });
    // A dry run in AWS under --config: the acting sweep plans under that config too (in AWS it replaces the
    // deployed one), not under the deployed config the check never saw; --now, which it refuses there, is left out.
    const awsDryRun = renderRunSummaryText(await trippedRun('audit'), {
      targetFlags: '--stack S',
      nowFlags: now,
      checkFlags: settings,
      approveFlags: '--enforce',
    });

    expect(local).toContain(
      `!! and sweep right away, which uses the approval: pc-hygiene sweep --endpoint http://127.0.0.1:8000 --table T1 ${now} ${settings}\n`,
    );
    expect(awsDryRun).toContain(`Check the plan (pc-hygiene sweep --dry-run --stack S ${now} ${settings});`);
    expect(awsDryRun).toContain(
      `!! and sweep right away, which uses the approval: pc-hygiene sweep --stack S ${settings} --enforce\n`,
    );
  });

  it('after a --config saying "mode": "audit", it says to take the mode out of that file before the sweep', async () => {
    const settings = '--config audit.json --directory-table D';
    const takeOut =
      'then take "mode": "audit" out of audit.json (with it, a sweep only plans; or give --config a copy without it)';
    const local = renderRunSummaryText(await trippedRun('audit'), {
      targetFlags: '--endpoint http://127.0.0.1:8000 --table T1',
      nowFlags: '--now 2026-06-01T12:00:00Z',
      checkFlags: settings,
      auditConfigFile: 'audit.json',
      localTable: true,
    });
    const aws = renderRunSummaryText(await trippedRun('audit'), {
      targetFlags: '--stack S',
      checkFlags: settings,
      auditConfigFile: 'audit.json',
      approveFlags: '--enforce',
    });
    const withoutAudit = renderRunSummaryText(await trippedRun('audit'), {
      targetFlags: '--stack S',
      checkFlags: settings,
      approveFlags: '--enforce',
    });
    /** The banner's line after the approval and the one after it. */
    const afterApproval = (text: string) => {
      const lines = bannerLines(text);
      const at = lines.findIndex((line) => line.startsWith('if the deletions are right, approve them: '));
      return lines.slice(at + 1, at + 3);
    };

    // Between the approval and the sweep that uses it, which keeps the checked file (it plans what was checked).
    expect(afterApproval(local)).toEqual([
      takeOut,
      'and sweep right away, which uses the approval: pc-hygiene sweep --endpoint http://127.0.0.1:8000 ' +
        `--table T1 --now 2026-06-01T12:00:00Z ${settings}`,
    ]);
    expect(afterApproval(aws)).toEqual([
      takeOut,
      `and sweep right away, which uses the approval: pc-hygiene sweep --stack S ${settings} --enforce`,
    ]);
    // Without such a file (and in the admin report: a Lambda run has no --config), the advice is as it was.
    expect(withoutAudit).toBe(aws.replace(`!! ${takeOut}\n`, ''));
    expect(withoutAudit).not.toContain('take "mode"');
    expect(adminText(await trippedRun('audit'), 'HygieneProd')).not.toContain('take "mode"');
  });

  it("stack unknown: the banner says to add the deployment's --stack NAME to its commands", async () => {
    for (const mode of ['enforce', 'audit'] as const) {
      const summary = await trippedRun(mode);
      const note = "(add the deployment's --stack NAME to each of these commands)";

      expect(bannerLines(adminText(summary))).toContain(note);
      expect(bannerLines(renderRunSummaryText(summary, { stackUnknown: true }))).toContain(note);
      expect(adminText(summary, 'HygieneProd')).not.toContain('--stack NAME');
    }
  });
});
