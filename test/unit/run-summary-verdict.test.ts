/**
 * The run summary as an admin reads it at 3 a.m. (lambdas/render/run-summary-text.ts, lambdas/render/admin-report.ts;
 * docs/sweep.md, "The run summary"): its first line is the run's verdict, in the admin subject's words; its counts
 * line adds up, for random tables swept for real; and every problem it reports (invalid records, write failures, an
 * unusable owner directory, an aborted run) has one line saying where its next step is, a heading that exists.
 * Real sweeps over in-memory ports; a problem the ports cannot cause is set on a real run's summary.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/hygiene/config';
import { parseCredential } from '../../lambdas/hygiene/credential';
import { decide } from '../../lambdas/hygiene/policy';
import type { DirectorySummary, RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { adminSubject, renderAdminReport } from '../../lambdas/render/admin-report';
import { PROBLEM_ADVICE, renderRunSummaryText } from '../../lambdas/render/run-summary-text';
import { credential, days, NOW, oneOfEachRule } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

async function sweep(items: Record<string, unknown>[], maxDeletePercent = 100): Promise<RunSummary> {
  const table = new MemoryTable(items);
  return runSweep(
    { scanner: new MemoryScanner(table), writer: new MemoryWriter(table), clock: () => NOW },
    { config: parseConfig({ maxDeletePercent }), now: NOW, runId: 'run-1', mode: 'enforce' },
  );
}

const firstLine = (text: string) => text.split('\n')[0];
const list = <T>(records: T[]) => ({ count: records.length, records, omitted: 0 });
const failed = list([{ id: 'c-2', error: 'ProvisionedThroughputExceededException: Rate exceeded' }]);

describe("the run summary's first line", () => {
  it('is a tripped guard, with the deletions it held back', async () => {
    const summary = await sweep(oneOfEachRule(), 10);

    expect(firstLine(renderRunSummaryText(summary))).toBe(
      'Sweep run-1: GUARD TRIPPED, 2 deletions planned, none made, 1 invalid',
    );
    expect(adminSubject(summary)).toBe('Hygiene GUARD TRIPPED: 2 deletions planned, none made');
  });

  it('is the problems first, then what the run did, in the subject words', async () => {
    const summary = { ...(await sweep(oneOfEachRule())), failed };

    expect(firstLine(renderRunSummaryText(summary))).toBe(
      'Sweep run-1: complete, 1 write failure, 1 invalid; 2 deleted, 1 flagged stale, 1 expiry notice',
    );
    expect(adminSubject(summary)).toBe(
      'Hygiene sweep: 2 deleted, 1 flagged stale, 1 expiry notice, 1 write failure, 1 invalid',
    );
  });

  it('says a run that did not complete', async () => {
    const summary = await sweep([credential('a-1')]);
    const aborted: RunSummary = { ...summary, status: 'aborted', abortReason: 'the run failed', failed };
    const incomplete: RunSummary = { ...summary, status: 'incomplete' };

    expect(firstLine(renderRunSummaryText(aborted))).toBe(
      'Sweep run-1: ABORTED, 1 write failure; 0 deleted, 0 flagged stale, 0 expiry notices',
    );
    expect(firstLine(renderRunSummaryText(incomplete))).toMatch(/^Sweep run-1: INCOMPLETE; 0 deleted/);
  });

  it('says "complete, nothing to do" for a run that had nothing to do', async () => {
    const summary = await sweep([credential('a-1'), credential('a-2')]);

    expect(firstLine(renderRunSummaryText(summary))).toBe('Sweep run-1: complete, nothing to do');
  });

  it.each([
    ['unreadable', 'unreadable'],
    ['empty', 'empty'],
    ['ahead', 'ahead'],
    ['stale', 'stale'],
    ['no-directory', 'missing'],
  ] as const)(
    'names an owner directory %s, never "nothing to do", as the warning report does',
    async (status, what) => {
      const summary = withDirectory(await sweep([credential('a-1'), credential('a-2')]), status);
      const report = renderAdminReport(summary, { measure: () => 0, maxMessageBytes: 1 });

      expect(firstLine(renderRunSummaryText(summary))).toBe(
        `Sweep run-1: complete, owner directory ${what}; 0 deleted, 0 flagged stale, 0 expiry notices`,
      );
      expect(report.routing.severity).toBe('warning');
      expect(report.subject).toBe(
        `Hygiene sweep: 0 deleted, 0 flagged stale, 0 expiry notices, owner directory ${what}`,
      );
    },
  );

  it('says every cause of a warning report, so "nothing to do" goes only with an info one', async () => {
    const quiet = await sweep([credential('a-1'), credential('a-2')]);
    const causes = fc.record({
      incomplete: fc.boolean(),
      failed: fc.boolean(),
      invalid: fc.boolean(),
      tooLarge: fc.boolean(),
      directory: fc.constantFrom('used', 'unreadable', 'empty', 'ahead', 'stale', 'no-directory'),
    });
    fc.assert(
      fc.property(causes, (c) => {
        const tooLarge = list([{ id: 'c-3', error: 'ValidationException: Item size has exceeded' }]);
        const summary: RunSummary = {
          ...withDirectory(quiet, c.directory),
          ...(c.incomplete && { status: 'incomplete' as const }),
          ...(c.failed && { failed }),
          ...(c.invalid && {
            invalid: list([{ id: 'c-4', userId: null, problems: ['expiresTime: no zone'] }]),
          }),
          ...(c.tooLarge && { tooLarge }),
        };
        const verdict = firstLine(renderRunSummaryText(summary)) ?? '';
        const severity = renderAdminReport(summary, { measure: () => 0, maxMessageBytes: 1 }).routing
          .severity;
        const said = [
          [c.incomplete, 'INCOMPLETE'],
          [c.failed, '1 write failure'],
          [c.invalid, '1 invalid'],
          [c.tooLarge, '1 too large'],
          [c.directory !== 'used', 'owner directory '],
        ] as const;

        for (const [cause, words] of said) expect(verdict.includes(words)).toBe(cause);
        expect(severity).toBe(said.some(([cause]) => cause) ? 'warning' : 'info');
        expect(verdict.endsWith('nothing to do')).toBe(severity === 'info');
      }),
      { numRuns: 100 },
    );
  });

  it("leads the admin report too, an operator's run said right under it", async () => {
    const summary = await sweep([credential('a-1')]);
    const origin = {
      kind: 'operator',
      by: 'arn:aws:sts::1:assumed-role/op/me',
      tool: 'pc-hygiene 1',
    } as const;
    const lines = renderAdminReport(summary, { measure: () => 0, maxMessageBytes: 1 }, { origin }).text.split(
      '\n',
    );

    expect(lines[0]).toBe('Sweep run-1: complete, nothing to do');
    expect(lines[1]).toBe(`  Operator run (not the schedule) by ${origin.by} with pc-hygiene 1.`);
  });
});

/** An item the sweep reads as invalid (a date without a time zone). */
const invalidItem = (id: string) => credential(id, { expiresTime: '2026-12-01' });

/** A random table: healthy, expiring, expired, stale, exempt, already deleted and invalid items. */
const arbitraryTable = fc.array(
  fc.record({
    expiresIn: fc.integer({ min: -40, max: 400 }),
    usedDaysAgo: fc.integer({ min: 0, max: 200 }),
    exempt: fc.boolean(),
    deleted: fc.boolean(),
    invalid: fc.boolean(),
  }),
  { maxLength: 30 },
);

/** The counts line's numbers, each by the words after it (a missing one fails the test). */
function countsOf(text: string): (words: string) => number {
  const line = text.split('\n').find((l) => l.startsWith('Scanned ')) ?? '';
  const counts = new Map<string, number>();
  for (const [, n, words] of line.matchAll(/(\d+) ([a-z ]+?)(?=[,;:()]|$)/g))
    counts.set((words ?? '').trim(), Number(n));
  return (words) => {
    const n = counts.get(words);
    if (n === undefined) throw new Error(`no "${words}" count in: ${line}`);
    return n;
  };
}

describe("the run summary's counts line", () => {
  it('adds up for random tables: scanned = valid + invalid, valid = active + deleted, active = nothing + actions', async () => {
    const config = parseConfig({ maxDeletePercent: 100 });
    await fc.assert(
      fc.asyncProperty(arbitraryTable, async (rows) => {
        const items = rows.map((r, i) =>
          r.invalid
            ? invalidItem(`c-${i}`)
            : credential(`c-${i}`, {
                expiresTime: days(r.expiresIn),
                lastUsedAt: days(-r.usedDaysAgo),
                ...(r.exempt && { hygieneExempt: true }),
                ...(r.deleted && { deletedAt: days(-3) }),
              }),
        );
        const c = countsOf(renderRunSummaryText(await sweep(items)));
        const active = items
          .map(parseCredential)
          .flatMap((p) => (p.ok && !p.credential.deletedAt ? [p] : []));

        expect(c('items')).toBe(items.length);
        expect(c('valid') + c('invalid')).toBe(c('items'));
        expect(c('active') + c('already deleted')).toBe(c('valid'));
        expect(c('needing nothing') + c('with actions')).toBe(c('active'));
        expect(c('with actions')).toBe(
          active.filter((p) => decide(p.credential, config, NOW).length > 0).length,
        );
        expect(c('of them exempt')).toBe(active.filter((p) => p.credential.hygiene.exempt).length);
      }),
      { numRuns: 60 },
    );
  });

  it('reads as the reviewer asked', async () => {
    const summary = await sweep(oneOfEachRule());

    expect(renderRunSummaryText(summary)).toMatch(
      /^Scanned \d+ items: \d+ valid, 1 invalid; \d+ active \(\d+ needing nothing, \d+ with actions; \d+ of them exempt\), \d+ already deleted$/m,
    );
  });
});

/** The run's summary with its owner directory in `status`, configured (so not "no directory"). */
function withDirectory(summary: RunSummary, status: DirectorySummary['status']): RunSummary {
  const unreadable = status === 'unreadable';
  return {
    ...summary,
    directory: {
      status,
      departed: 0,
      maxAgeDays: 7,
      ...(unreadable && { error: 'AccessDeniedException: no' }),
    },
    reach: unreadable
      ? { ...summary.reach, status: 'unverified', because: 'unreadable', error: 'AccessDeniedException: no' }
      : { ...summary.reach, status: 'verified', because: undefined },
  };
}

/** The line right after the first line of the text that starts with `start`. */
function lineAfter(text: string, start: string): string | undefined {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(start));
  return at < 0 ? undefined : lines[at + 1];
}

describe('every problem the text reports says where its next step is', () => {
  it('invalid records', async () => {
    const text = renderRunSummaryText(await sweep([credential('a-1'), invalidItem('b-1')]));

    expect(lineAfter(text, 'Invalid records')).toBe(`  ${PROBLEM_ADVICE.invalid}`);
  });

  it('write failures', async () => {
    const text = renderRunSummaryText({ ...(await sweep([credential('a-1')])), failed });

    expect(lineAfter(text, 'Write failures')).toBe(`  ${PROBLEM_ADVICE.writeFailures}`);
  });

  it.each(['unreadable', 'empty', 'ahead', 'stale'] as const)('an owner directory %s', async (status) => {
    const summary = await sweep([credential('a-1')]);
    const text = renderRunSummaryText(withDirectory(summary, status));

    expect(lineAfter(text, 'Owner directory')).toBe(`  ${PROBLEM_ADVICE.directory}`);
    expect(renderRunSummaryText(withDirectory(summary, 'used'))).not.toContain(PROBLEM_ADVICE.directory);
    expect(renderRunSummaryText(summary)).not.toContain(PROBLEM_ADVICE.directory);
  });

  it('a run aborted by its own error, which names no write failures the text does not list', async () => {
    const summary = await sweep([credential('a-1')]);
    const aborted: RunSummary = {
      ...summary,
      status: 'aborted',
      abortReason: 'the run failed after writing (its summary says what it wrote): ThrottlingException: Rate',
    };
    const text = renderRunSummaryText(aborted);

    expect(lineAfter(text, '  ABORTED')).toBe(`  ${PROBLEM_ADVICE.aborted}`);
    expect(text).not.toContain('Write failures');
  });

  it('a run aborted by its write failures, which the text lists', async () => {
    const summary = await sweep([credential('a-1')]);
    const text = renderRunSummaryText({
      ...summary,
      status: 'aborted',
      abortReason: '11 writes failed',
      failed,
    });

    expect(lineAfter(text, '  ABORTED')).toBe(`  ${PROBLEM_ADVICE.abortedByWrites}`);
    expect(text).toMatch(/^Write failures: 1$/m);
  });

  it('cites headings that exist in the docs it names', () => {
    for (const advice of Object.values(PROBLEM_ADVICE)) {
      for (const [, doc, heading] of advice.matchAll(/(docs\/[a-z-]+\.md), "([^"]+)"/g)) {
        const headings = readFileSync(doc ?? '', 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('#'));
        expect(
          headings.some((h) => h.replace(/^#+ /, '').startsWith(heading ?? '')),
          `${doc}, "${heading}"`,
        ).toBe(true);
      }
    }
  });
});
