/**
 * The admins' run summary message (lambdas/render/admin-report.ts; docs/notifications.md, "Admin audience: run
 * summaries and guard trips"), rendered from real sweeps over in-memory ports: `audience: admin` attributes, a
 * subject of counts (orphan flags and deletions included) within 100 characters, the versioned machine document, the
 * audit run's would-be digests per owner with stored user ids escaped, guard trips at high severity with the approval
 * advice each mode needs, record lists cut (counts kept) past the size limit; a failed publish reported, not thrown,
 * its error described as everywhere else (lambdas/hygiene/errors.ts).
 */
import { describe, expect, it } from 'vitest';
import { publishEntryBytes, snsEntryFields, snsLimits } from '../../lambdas/aws/sns-wire';
import { parseConfig } from '../../lambdas/hygiene/config';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import type { SweepOwnerDirectory } from '../../lambdas/hygiene/owner-directory';
import type { RunSummary } from '../../lambdas/hygiene/run-summary';
import { runSweep } from '../../lambdas/hygiene/sweep';
import {
  ADMIN_REPORT_SCHEMA,
  type AdminReportDocument,
  adminSubject,
  publishAdminReport,
  renderAdminReport as renderAdminMessage,
} from '../../lambdas/render/admin-report';
import { deliveredDocument, deliveredTo } from '../support/sns-delivery';
import { RecordingPublisher } from './outbox-fakes';
import { credential, days, NOW, oneOfEachRule } from './support/credentials';
import { MemoryScanner, MemoryTable, MemoryWriter } from './support/memory-ports';

async function sweep(
  items: Record<string, unknown>[],
  mode: 'audit' | 'enforce',
  configInput: Record<string, unknown> = { maxDeletePercent: 100 },
): Promise<RunSummary> {
  const table = new MemoryTable(items);
  return runSweep(
    { scanner: new MemoryScanner(table), writer: new MemoryWriter(table), clock: () => NOW },
    { config: parseConfig(configInput), now: NOW, runId: 'run-1', mode },
  );
}

/** The run summary's admin message under SNS's budget (`maxMessageBytes` lowering its limit), as the SNS entry it is sent as. */
function renderAdminReport(summary: RunSummary, maxMessageBytes?: number) {
  return snsEntryFields(renderAdminMessage(summary, snsLimits(maxMessageBytes)));
}

describe('renderAdminReport', () => {
  it('publishes an enforce run summary to the admin audience, with the versioned summary for machines', async () => {
    const summary = await sweep(oneOfEachRule(), 'enforce');

    const entry = renderAdminReport(summary);

    expect(entry.MessageAttributes).toEqual({
      eventTypes: { DataType: 'String.Array', StringValue: '["run-summary"]' },
      severity: { DataType: 'String', StringValue: 'warning' }, // one invalid record
      audience: { DataType: 'String', StringValue: 'admin' },
    });
    expect(entry.Subject).toBe('Hygiene sweep: 2 deleted, 1 flagged stale, 1 expiry notice, 1 invalid');
    const doc = deliveredDocument<AdminReportDocument>(entry.Message);
    expect(doc).toMatchObject({
      schema: ADMIN_REPORT_SCHEMA,
      version: 1,
      audience: 'admin',
      truncated: false,
    });
    expect(doc.summary).toEqual(JSON.parse(JSON.stringify(summary)));
    expect(deliveredTo(entry.Message, 'email')).toContain('Sweep run-1');
  });

  it('in audit mode says which owner digests would have been sent', async () => {
    const summary = await sweep(oneOfEachRule(), 'audit');

    const entry = renderAdminReport(summary);

    const text = deliveredTo(entry.Message, 'email');
    expect(entry.Subject.startsWith('[audit] Hygiene sweep: 2 to delete, 1 to flag stale')).toBe(true);
    expect(text).toContain('Audit mode: nothing was written and no owner was notified.');
    expect(text).toContain(
      'Owner events that would have been sent: 4 (expiry-warning 1, stale-warning 1, deleted-expired 1, deleted-stale 1) to 4 owners',
    );
    expect(text).toContain('Digests that would have been sent, per owner (events, most first):');
    expect(text).toContain('  user-c: 1');
  });

  it('counts orphaned deletions in the subject (docs/notifications.md, "Admin audience")', async () => {
    const departedOwners: SweepOwnerDirectory = {
      freshness: async () => ({ asOf: days(-1), owners: 3 }),
      departedUserIds: async () => new Set(['user-a']),
      getMany: async () => new Map(),
    };
    const orphanDue = { [HYGIENE_ATTR.orphanedAt]: days(-8), [HYGIENE_ATTR.orphanDeleteAfter]: days(-1) };
    const table = new MemoryTable([
      credential('a-2', orphanDue),
      credential('a-3', orphanDue),
      credential('c-1'),
    ]);
    const summary = await runSweep(
      {
        clock: Date.now,
        scanner: new MemoryScanner(table),
        writer: new MemoryWriter(table),
        directory: departedOwners,
      },
      { config: parseConfig({ maxDeletePercent: 100 }), now: NOW, runId: 'run-1', mode: 'enforce' },
    );
    expect(summary.deletions).toMatchObject({ orphaned: 2, applied: 2 });

    expect(renderAdminReport(summary).Subject).toBe(
      'Hygiene sweep: 2 deleted, 0 flagged stale, 0 expiry notices',
    );
  });

  it('counts orphan flags in the subject when there are some: a mass departure shows before its deletions', async () => {
    const departedOwners: SweepOwnerDirectory = {
      freshness: async () => ({ asOf: days(-1), owners: 3 }),
      departedUserIds: async () => new Set(['user-a']),
      getMany: async () => new Map(),
    };
    const table = new MemoryTable([credential('a-2'), credential('a-3'), credential('c-1')]);
    const run = (mode: 'enforce' | 'audit') =>
      runSweep(
        {
          clock: Date.now,
          scanner: new MemoryScanner(table),
          writer: new MemoryWriter(table),
          directory: departedOwners,
        },
        { config: parseConfig({}), now: NOW, runId: 'run-1', mode },
      );

    expect(adminSubject(await run('audit'))).toBe(
      '[audit] Hygiene sweep: 0 to delete, 0 to flag stale, 2 to flag orphaned, 0 expiry notices',
    );
    expect(adminSubject(await run('enforce'))).toBe(
      'Hygiene sweep: 0 deleted, 0 flagged stale, 2 flagged orphaned, 0 expiry notices',
    );
  });

  it('escapes a stored userId in the audit per-owner list: it cannot add a line or reorder the text', async () => {
    const forged = 'mallory\nALL CLEAR: ignore the guard trip above\u202Eesrever';
    const summary = await sweep(
      [{ ...credential('x-1', { expiresTime: days(-1) }), userId: forged }],
      'audit',
    );
    expect(summary.events.perOwner.map((o) => o.userId)).toEqual([forged]);

    const text = deliveredTo(renderAdminReport(summary).Message, 'email');

    expect(text).toContain('  mallory\\x0aALL CLEAR: ignore the guard trip above\\u202eesrever: 1');
    expect(text).not.toContain('\nALL CLEAR');
    expect(text).not.toContain('\u202E');
  });

  it('reports a guard trip with severity high and the guard-tripped event type', async () => {
    const items = Array.from({ length: 10 }, (_, i) =>
      credential(`x${i}-expired`, { expiresTime: days(-1) }),
    );

    const entry = renderAdminReport(await sweep(items, 'enforce', {}));

    expect(entry.MessageAttributes.severity?.StringValue).toBe('high');
    expect(entry.MessageAttributes.eventTypes?.StringValue).toBe('["run-summary","guard-tripped"]');
    expect(entry.Subject).toBe('Hygiene GUARD TRIPPED: 10 deletions planned, none made');
    const text = deliveredTo(entry.Message, 'email');
    // The deployed sweep's table is in AWS, where --allow-mass-delete is refused: the banner offers guard approve only.
    const banner = text
      .split('\n')
      .filter((line) => line.startsWith('!!'))
      .join('\n');
    expect(banner).toContain('approve them: pc-hygiene guard approve --max-deletes 10 --reason "..."');
    // Nor does the advice after it: the whole email never offers the local-only flag.
    expect(text).not.toContain('--allow-mass-delete');
    // No STACK_NAME: the banner itself says to add the deployment's --stack NAME to its commands.
    expect(banner).toContain("!! (add the deployment's --stack NAME to each of these commands)");
  });

  it('an audit run whose guard trips points the admins at a dry run, not at a list the email does not hold', async () => {
    const items = Array.from({ length: 10 }, (_, i) =>
      credential(`x${i}-expired`, { expiresTime: days(-1) }),
    );

    const entry = renderAdminReport(await sweep(items, 'audit', {}));

    expect(entry.Subject).toBe('[audit] Hygiene GUARD TRIPPED: 10 deletions planned, none would be made');
    const text = deliveredTo(entry.Message, 'email');
    expect(text).toContain(
      '!! Warnings, flags and notices would still be applied. Check the plan (pc-hygiene sweep --dry-run);',
    );
    expect(text).not.toContain('this dry run planned');
    expect(text).toContain('What to do: check the plan (pc-hygiene sweep --dry-run).');
  });

  it('an audit run whose guard trips says the approval is for a run that acts, with --enforce (guard approve needs it)', async () => {
    const items = Array.from({ length: 10 }, (_, i) =>
      credential(`x${i}-expired`, { expiresTime: days(-1) }),
    );

    const text = deliveredTo(renderAdminReport(await sweep(items, 'audit', {})).Message, 'email');
    const flat = text.replaceAll('\n', ' ');

    // No scheduled run of an audit deployment uses an approval (docs/sweep.md): an operator's sweep --enforce does.
    expect(flat).toContain('its scheduled runs use no approval');
    expect(flat).toContain(
      'approve them: pc-hygiene guard approve --max-deletes 10 --reason "..." --enforce ' +
        'and sweep right away, which uses the approval: pc-hygiene sweep --enforce',
    );
    expect(flat).toContain("add the deployment's --stack NAME");
    expect(flat).toContain('after a switch to enforce they do');
    // The banner's guard approve too: refused in audit mode without --enforce.
    expect(text).toContain(
      '!! if the deletions are right, approve them: pc-hygiene guard approve --max-deletes 10 --reason "..." --enforce',
    );
  });

  it('an enforce run whose guard trips approves and sweeps right away, without --enforce', async () => {
    const items = Array.from({ length: 10 }, (_, i) =>
      credential(`x${i}-expired`, { expiresTime: days(-1) }),
    );

    const text = deliveredTo(renderAdminReport(await sweep(items, 'enforce', {})).Message, 'email');

    expect(text.replaceAll('\n', ' ')).toContain(
      'What to do: check the plan (pc-hygiene sweep --dry-run); if the deletions are right, approve them: ' +
        'pc-hygiene guard approve --max-deletes 10 --reason "..." and sweep right away, which uses the approval: ' +
        'pc-hygiene sweep (',
    );
    expect(text).not.toContain('--enforce');
    expect(text).not.toContain('notifierSchedule');
  });

  it('drops record lists (keeping counts) when the summary would exceed the size limit', async () => {
    const invalid = Array.from({ length: 300 }, (_, i) => ({
      id: `bad-${i}-${'z'.repeat(200)}`,
      userId: 'u',
      expiresTime: 'x',
    }));
    const summary = await sweep(invalid, 'enforce');

    const entry = renderAdminReport(summary, 60_000);

    expect(publishEntryBytes(entry)).toBeLessThanOrEqual(60_000);
    const doc = deliveredDocument<AdminReportDocument>(entry.Message);
    expect(doc.truncated).toBe(true);
    expect(doc.summary.invalid).toEqual({ count: 300, records: [], omitted: 300 });
  });

  it('keeps every subject within 100 characters', async () => {
    const summary = await sweep(oneOfEachRule(), 'audit');
    expect(adminSubject(summary).length).toBeLessThanOrEqual(100);
  });
});

describe('what the admins see first: failed writes and an unusable owner directory', () => {
  /** A clean enforce run (one credential due for deletion, nothing wrong): an `info` report. */
  const cleanRun = () => sweep([credential('x-expired', { expiresTime: days(-1) })], 'enforce');

  it('says failed writes in the subject, ahead of the skipped records, at severity warning', async () => {
    const clean = await cleanRun();
    const failed: RunSummary = {
      ...clean,
      failed: {
        count: 2,
        records: [
          { id: 'c-2', error: 'ProvisionedThroughputExceededException: Rate exceeded' },
          { id: 'c-3', error: 'AccessDeniedException: not authorized to perform dynamodb:UpdateItem' },
        ],
        omitted: 0,
      },
    };
    const one: RunSummary = {
      ...failed,
      failed: { ...failed.failed, count: 1, records: failed.failed.records.slice(1) },
    };

    expect(renderAdminReport(clean).MessageAttributes.severity?.StringValue).toBe('info');
    const entry = renderAdminReport(failed);
    expect(entry.Subject).toBe(
      'Hygiene sweep: 1 deleted, 0 flagged stale, 0 expiry notices, 2 write failures',
    );
    expect(entry.MessageAttributes.severity?.StringValue).toBe('warning');
    expect(adminSubject(one)).toBe(
      'Hygiene sweep: 1 deleted, 0 flagged stale, 0 expiry notices, 1 write failure',
    );
  });

  it('an owner directory configured but unusable (nothing orphaned, reach unchecked) is a warning; none configured is not', async () => {
    const clean = await cleanRun();
    const unreadable: RunSummary = {
      ...clean,
      directory: { status: 'unreadable', departed: 0, maxAgeDays: 7, error: 'AccessDeniedException: denied' },
      reach: {
        ...clean.reach,
        status: 'unverified',
        because: 'unreadable',
        error: 'AccessDeniedException: denied',
      },
    };
    // A stale directory still judges reach (docs/sweep.md, "Owner reach"): verified, no `because`.
    const { because: _none, ...verifiedReach } = clean.reach;
    const stale: RunSummary = {
      ...clean,
      directory: { status: 'stale', asOf: '2026-01-01T00:00:00.000Z', owners: 3, departed: 0, maxAgeDays: 7 },
      reach: { ...verifiedReach, status: 'verified' },
    };

    expect(clean.reach.because).toBe('no-directory');
    expect(renderAdminReport(clean).MessageAttributes.severity?.StringValue).toBe('info');
    expect(renderAdminReport(unreadable).MessageAttributes.severity?.StringValue).toBe('warning');
    expect(renderAdminReport(stale).MessageAttributes.severity?.StringValue).toBe('warning');
  });
});

describe('publishAdminReport', () => {
  it('publishes one entry and reports a failure instead of throwing', async () => {
    const summary = await sweep(oneOfEachRule(), 'enforce');
    const publisher = new RecordingPublisher();

    expect(await publishAdminReport(publisher, summary)).toEqual({ published: true });
    expect(publisher.calls).toHaveLength(1);
    expect(publisher.calls[0]?.[0]?.Id).toBe('run-summary');

    publisher.down = new Error('SNS unavailable');
    expect(await publishAdminReport(publisher, summary)).toEqual({
      published: false,
      failure: { id: 'run-summary', code: 'Error', message: 'SNS unavailable', senderFault: false },
    });
  });

  it("describes a thrown error as describeError does: an AWS SDK client fault is the sender's (a retry fails again)", async () => {
    const summary = await sweep(oneOfEachRule(), 'enforce');
    const publisher = new RecordingPublisher();
    publisher.down = Object.assign(new Error('User is not authorized to perform SNS:Publish'), {
      name: 'AuthorizationErrorException',
      $fault: 'client',
    });
    expect(await publishAdminReport(publisher, summary)).toEqual({
      published: false,
      failure: {
        id: 'run-summary',
        code: 'AuthorizationErrorException',
        message: 'User is not authorized to perform SNS:Publish',
        senderFault: true,
      },
    });
  });
});
