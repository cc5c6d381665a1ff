/**
 * `pc-hygiene notify --dry-run` over an outbox holding a malformed entry, against DynamoDB Local: the dry run must
 * show what the real drain will report, so it names the item holding the malformed entry as a drain's summary does
 * (`malformedEvents`, `malformedItems`; text: the summary's `malformed` lines), still previews the good owners'
 * digests, and writes nothing (docs/notifications.md, "CLI"); the drain that follows reports the same.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { putItems } from '../support/items';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { exportTable, sweepWithManifest } from './support/sweep-deps';

/** An indexed item whose one outbox entry is not an event (a hand edit): the drain never sends it. */
const malformed = credential('bad-entry', {
  [OUTBOX_ATTR.events]: [{ eventId: 'hand-edited' }],
  [OUTBOX_ATTR.owner]: 'user-bad',
  [OUTBOX_ATTR.since]: days(-1),
});

describe('notify --dry-run over a malformed outbox entry', () => {
  const table = useTestTable('notify-dry-run-malformed');
  const dir = useTempDir('notify-dry-run-malformed');

  it('names the item as a drain does, previews the good digests and writes nothing', async () => {
    // Two owners' expired credentials: the sweep queues one good event each.
    await sweepWithManifest(table, 'run-good', [
      credential('alice-1', { expiresTime: days(-1) }),
      credential('bob-1', { expiresTime: days(-1) }),
    ]);
    await putItems(table.client, table.tableName, [malformed]);
    const before = await exportTable(table);
    const args = ['notify', ...tableFlags(table), '--dry-run', '--now', new Date(NOW).toISOString()];

    const json = await runCli([...args, '--format', 'json']);
    const text = await runCli(args);

    expect(json).toMatchObject({ code: 0, stderr: '' });
    const preview = JSON.parse(json.stdout);
    expect(preview).toMatchObject({
      dryRun: true,
      pendingItems: 3,
      owners: 2,
      malformedEvents: 1,
      malformedItems: { count: 1, records: [{ credentialId: 'bad-entry', entries: 1 }], omitted: 0 },
      claimConflicts: 0,
    });
    const recipients = preview.entries.map(
      (e: { MessageAttributes: { userId?: { StringValue: string } } }) =>
        e.MessageAttributes.userId?.StringValue,
    );
    expect(recipients.sort()).toEqual(['user-alice', 'user-bob']);

    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines).toContain('  malformed entries    1 in 1 item (never sent; inspect and repair the items)');
    expect(lines).toContain('  malformed: bad-entry (1 entry)');
    expect(text.stdout).toContain('2 owner digest(s)');
    expect(await exportTable(table)).toEqual(before);

    // The drain it previewed: the same item named, the same digests sent.
    const drain = await runCli([
      ...args.filter((a) => a !== '--dry-run'),
      '--sink',
      `jsonl:${join(dir(), 'digests.jsonl')}`,
      '--format',
      'json',
    ]);
    expect(JSON.parse(drain.stdout)).toMatchObject({
      digests: 2,
      malformedEvents: preview.malformedEvents,
      malformedItems: preview.malformedItems,
    });
  });
});
