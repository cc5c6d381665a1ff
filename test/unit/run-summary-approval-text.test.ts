/**
 * A guard approval's fields in the run summary's text (the CLI's terminal and the body of the admin report): who
 * approved (`by`, the caller ARN), why (`reason`) and when are stored text anyone with write access to the table can
 * set, so they are escaped as every other stored value of the summary (`terminalText`): no ANSI sequence reaches the
 * terminal, no newline forges a line of the summary.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import type { GuardApprovalUse } from '../../lambdas/hygiene/guard';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { renderRunSummaryText } from '../../lambdas/render/run-summary-text';
import { credential, days, NOW } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

/** An approval as someone with write access to the table could store it. */
const FORGED = {
  id: 'a',
  by: 'alice\x1b[31m',
  callerArn: 'arn:aws:sts::123456789012:assumed-role/ops/alice\u202e',
  reason: 'ok\nGuard ok: 1 of at most 500',
  approvedAt: `${days(-1)}\r`,
  expiresAt: `${days(-1)}\u2028`,
  maxDeletes: 5,
};

/** A run whose guard tripped and found `approval` (used: the guard is overridden). */
async function summaryWith(approval: GuardApprovalUse): Promise<RunSummary> {
  const table = new MemoryTable([credential('x-1', { expiresTime: days(-1) })]);
  const summary = await runSweep(
    { clock: Date.now, scanner: new MemoryScanner(table), writer: new MemoryWriter(table) },
    { config: parseConfig({ maxDeletePercent: 100 }), now: NOW, runId: 'run-1', mode: 'enforce' },
  );
  const overridden = approval.status === 'used';
  const reasons = ['1 planned deletion exceeds maxDeletesPerRun 0'];
  return { ...summary, guard: { ...summary.guard, tripped: true, overridden, reasons, approval } };
}

/** The raw characters of {@link FORGED} other than its newline (which the lines checked show escaped): none may reach the text. */
function expectNoneRaw(text: string): void {
  for (const char of ['\x1b', '\r', '\u202e', '\u2028']) expect(text).not.toContain(char);
}

describe('a guard approval in the run summary text', () => {
  it('a used approval: who, why and when are escaped, and forge no line', async () => {
    const text = renderRunSummaryText(await summaryWith({ ...FORGED, status: 'used' }));

    expectNoneRaw(text);
    expect(text.split('\n').filter((line) => line.includes('Guard ok'))).toEqual([
      `  guard tripped but overridden by the approval of alice\\x1b[31m (caller arn:aws:sts::123456789012:assumed-role/ops/alice\\u202e) (up to 5, approved ${days(-1)}\\x0d): ok\\x0aGuard ok: 1 of at most 500: 1 planned deletion exceeds maxDeletesPerRun 0`,
    ]);
  });

  it('an approval not used: who and when are escaped', async () => {
    const text = renderRunSummaryText(await summaryWith({ ...FORGED, status: 'expired' }));

    expectNoneRaw(text);
    expect(text).toContain(
      `  guard approval not used (by alice\\x1b[31m (caller arn:aws:sts::123456789012:assumed-role/ops/alice\\u202e): expired at ${days(-1)}\\u2028)`,
    );
  });
});
