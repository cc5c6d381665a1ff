/**
 * Credentials whose outbox attributes have a shape the transition write cannot
 * work with, against DynamoDB Local: a `hygieneOutbox` that is not a list (a
 * hand edit, a bad import) would make every write to the credential fail
 * (`list_append` on a string or a NULL), and more than `maxWriteFailures` of
 * them would abort every sweep. They are reported as invalid records instead
 * (docs/rules.md, "Invalid records"), never written, and the sweep completes.
 * An import rejects them too, and records with an outbox index key DynamoDB
 * would refuse, each with the attribute at fault named. A drain that lists
 * such an item in the outbox index (its index keys set by hand too) counts it
 * as malformed every time, never as drained, and writes nothing to it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importJsonLines } from '../../cli/commands/import';
import { DynamoDbCredentialScanner } from '../../lambdas/aws/credential-scanner';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { timerSleep } from '../../lambdas/aws/timer-sleep';
import { parseConfig } from '../../lambdas/hygiene/config';
import { OUTBOX_ATTR } from '../../lambdas/hygiene/data-contract';
import { runNotifier } from '../../lambdas/hygiene/notifier';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { DEFAULT_MAX_WRITE_FAILURES } from '../../lambdas/hygiene/sweep/types';
import { getItem } from '../support/items';
import { useTestTable } from '../support/test-table';
import { TRANSITION_WRITERS } from '../support/transition-writers';
import { RecordingPublisher } from '../unit/outbox-fakes';
import { credential, days, NOW } from '../unit/support/credentials';
import { exportTable } from './support/sweep-deps';

/** One more than the sweep tolerates: each would fail its write if it were planned. */
const BAD_OUTBOX_COUNT = DEFAULT_MAX_WRITE_FAILURES + 1;

/** Expired credentials whose outbox is a string or a NULL, plus one valid expired credential. */
function seeds(): Record<string, unknown>[] {
  const bad = Array.from({ length: BAD_OUTBOX_COUNT }, (_, i) =>
    credential(`bad-outbox-${String(i).padStart(2, '0')}`, {
      expiresTime: days(-1),
      [OUTBOX_ATTR.events]: i % 2 === 0 ? 'hand-edited' : null,
    }),
  );
  return [...bad, credential('good-expired', { expiresTime: days(-1) })];
}

describe.each(TRANSITION_WRITERS)(
  'a sweep over credentials with a non-list hygieneOutbox (%s)',
  (_name, makeWriter) => {
    const table = useTestTable('invalid-outbox', 'all', seeds);

    it('completes, reports each as invalid, writes none of them and deletes the valid one', async () => {
      const before = await exportTable(table);
      const summary = await runSweep(
        {
          clock: Date.now,
          scanner: new DynamoDbCredentialScanner(table.client, table.tableName, { pageSize: 4 }),
          writer: makeWriter(table.client, table.tableName),
        },
        {
          config: parseConfig({ maxDeletePercent: 100, scanSegments: 2 }),
          now: NOW,
          runId: 'run-1',
          mode: 'enforce',
        },
      );

      expect(summary.status).toBe('complete');
      expect(summary.failed.count).toBe(0);
      expect(summary.invalid.count).toBe(BAD_OUTBOX_COUNT);
      expect(summary.deletions).toMatchObject({ expired: 1, applied: 1 });
      const invalid = [...summary.invalid.records].sort((a, b) => String(a.id).localeCompare(String(b.id)));
      expect(invalid[0]).toEqual({
        id: 'bad-outbox-00',
        userId: 'user-bad',
        problems: [
          'hygieneOutbox: must be a list (the pending owner notices the sweep appends to), got "hand-edited"',
        ],
      });
      expect(invalid[1]?.problems).toEqual([
        'hygieneOutbox: must be a list (the pending owner notices the sweep appends to), got null',
      ]);
      const after = await exportTable(table);
      for (const item of before.filter((i) => String(i.id).startsWith('bad-outbox-'))) {
        expect(after.find((i) => i.id === item.id)).toEqual(item);
      }
      expect(await getItem(table.client, table.tableName, 'good-expired')).toMatchObject({
        deletedAt: days(0),
        hygieneDeletedReason: 'expired',
      });
    });
  },
);

describe('import of records with outbox attributes DynamoDB cannot take', () => {
  const table = useTestTable('invalid-outbox-import');

  it('rejects each such line with the attribute named and writes every other line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pc-invalid-outbox-'));
    try {
      const file = join(dir, 'records.jsonl');
      const lines = [
        credential('ok-1'),
        credential('outbox-string', { [OUTBOX_ATTR.events]: 'x' }),
        credential('owner-number', { [OUTBOX_ATTR.owner]: 5 }),
        credential('owner-null', { [OUTBOX_ATTR.owner]: null }),
        credential('since-empty', { [OUTBOX_ATTR.since]: '' }),
        credential('ok-2', {
          [OUTBOX_ATTR.events]: [],
          [OUTBOX_ATTR.owner]: 'user-ok',
          [OUTBOX_ATTR.since]: days(0),
        }),
      ];
      await writeFile(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);

      const summary = await importJsonLines(table.client, { table: table.tableName, file });

      expect(summary).toMatchObject({ written: 2, rejected: 4 });
      expect(summary.rejectedLines.map((r) => [r.id, r.problems])).toEqual([
        [
          'outbox-string',
          ['hygieneOutbox: must be a list (the pending owner notices the sweep appends to), got "x"'],
        ],
        [
          'owner-number',
          [
            'hygieneOutboxOwner: must be a non-empty string (a key of the hygiene-outbox index), got the number 5',
          ],
        ],
        [
          'owner-null',
          ['hygieneOutboxOwner: must be a non-empty string (a key of the hygiene-outbox index), got null'],
        ],
        [
          'since-empty',
          ['hygieneOutboxSince: must be a non-empty string (a key of the hygiene-outbox index), got ""'],
        ],
      ]);
      expect((await exportTable(table)).map((i) => i.id)).toEqual(['ok-1', 'ok-2']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a drain over indexed items whose hygieneOutbox is not a list', () => {
  const indexed = (id: string, outbox: unknown) =>
    credential(id, {
      [OUTBOX_ATTR.events]: outbox,
      [OUTBOX_ATTR.owner]: 'user-bad',
      [OUTBOX_ATTR.since]: days(-1),
    });
  const table = useTestTable('invalid-outbox-drain', 'all', () => [
    indexed('string-outbox', 'hand-edited'),
    indexed('null-outbox', null),
    indexed('map-outbox', { eventId: 'e1' }),
  ]);

  it('counts each as malformed on every drain, publishes nothing and writes nothing', async () => {
    const before = await exportTable(table);
    const publisher = new RecordingPublisher();
    const drain = () =>
      runNotifier({
        outbox: new DynamoDbOutboxStore(table.client, table.tableName),
        publisher,
        clock: () => NOW,
        sleep: timerSleep,
      });

    const first = await drain();
    const second = await drain();

    for (const summary of [first, second]) {
      expect(summary).toMatchObject({
        pendingItems: 3,
        malformedEvents: 3,
        alreadyDrained: 0,
        eventsPublished: 0,
        storeErrors: 0,
      });
      expect(summary.oldestPendingAgeSeconds).toBe(86_400);
      // Each named, one entry standing for its whole attribute: where an operator looks.
      expect(summary.malformedItems).toMatchObject({ count: 3, omitted: 0 });
      expect(summary.malformedItems.records.map((r) => [r.credentialId, r.entries]).sort()).toEqual([
        ['map-outbox', 1],
        ['null-outbox', 1],
        ['string-outbox', 1],
      ]);
    }
    expect(publisher.calls).toEqual([]);
    // The lease item aside (taken and released by each drain), the table is as it was.
    const after = (await exportTable(table)).filter((item) => before.some((b) => b.id === item.id));
    expect(after).toEqual(before);
  });
});
