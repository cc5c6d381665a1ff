/**
 * Run manifest pages and the run index as a hand edit or a bad import would
 * leave them (edited with the low-level client after a real enforce sweep):
 * `runs show` lists the valid entries and names the malformed ones,
 * `restore --run` restores the valid ones and reports the others, `runs list`
 * lists the valid runs and names the malformed one, with the `runs show` that
 * reads its header, aimed at the same table (pasted, it works: a run id that
 * starts with - after the flags and --; one a terminal cannot show, the
 * placeholder "<runId>" and why) — each exits 1; a page or
 * an index that is not a list is named as such (docs/data-model.md, "Run
 * manifests"; docs/deploy.md, "Restore runbook"). Child processes, DynamoDB Local.
 */
import { type AttributeValue, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { hiddenRunIdWhy } from '../../cli/format/shell-word';
import { DynamoDbRunManifestWriter } from '../../lambdas/aws/run-manifest-store';
import { parseConfig } from '../../lambdas/hygiene/config';
import {
  HYGIENE_ATTR,
  RUN_INDEX_ID,
  RUN_MANIFEST_ATTR,
  runPageId,
} from '../../lambdas/hygiene/data-contract';
import { MANIFEST_PAGE_SIZE } from '../../lambdas/hygiene/run-manifest';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { putItems } from '../support/items';
import { pastedArguments } from '../support/pasted-arguments';
import { runCli, tableFlags } from '../support/run-cli';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW, staleDue } from '../unit/support/credentials';
import { restoreRunCli } from './support/restore-run-cli';
import { exportTable, sweepDeps } from './support/sweep-deps';

const config = parseConfig({ maxDeletePercent: 100, maxDeletesPerRun: 10_000, writeConcurrency: 8 });

describe('malformed run manifest entries and run index (CLI, DynamoDB Local)', { timeout: 240_000 }, () => {
  const table = useTestTable('malformed-run-manifest', 'each');
  const sweep = async (runId: string, items: Record<string, unknown>[]) => {
    await putItems(table.client, table.tableName, items);
    const manifest = new DynamoDbRunManifestWriter(table.client, table.tableName);
    await runSweep({ ...sweepDeps(table, 100), manifest }, { config, now: NOW, runId, mode: 'enforce' });
  };
  /** Rewrites one attribute of a stored item, as stored (low-level AttributeValues). */
  const editItem = async (id: string, attribute: string, edit: (value: AttributeValue) => AttributeValue) => {
    const { Item } = await table.client.send(
      new GetItemCommand({ TableName: table.tableName, Key: { id: { S: id } }, ConsistentRead: true }),
    );
    const value = Item?.[attribute];
    if (Item === undefined || value === undefined) throw new Error(`no ${attribute} in ${id}`);
    Item[attribute] = edit(value);
    await table.client.send(new PutItemCommand({ TableName: table.tableName, Item }));
  };
  /** Edits the stored entry of credential `id` in a page's list (returns its 1-based position). */
  const editEntry = async (
    runId: string,
    id: string,
    edit: (entry: Record<string, AttributeValue>) => void,
  ) => {
    let position = 0;
    await editItem(runPageId(runId, 1), RUN_MANIFEST_ATTR.entries, (value) => {
      const entries = value.L ?? [];
      position = entries.findIndex((e) => e.M?.id?.S === id) + 1;
      const entry = entries[position - 1]?.M;
      if (entry === undefined) throw new Error(`no entry for ${id}`);
      edit(entry);
      return value;
    });
    return position;
  };
  const restoreRun = (runId: string, ...extra: string[]) => restoreRunCli(table, runId, ...extra);
  const deletedIds = async () =>
    (await exportTable(table))
      .filter((i) => i.deletedAt !== undefined)
      .map((i) => String(i.id))
      .sort();

  it('a malformed entry is named and passed over: runs show lists, restore --run restores the others; exit 1', async () => {
    await sweep('run-bad', [
      credential('a-healthy'),
      staleDue('e-one'),
      staleDue('e-two'),
      staleDue('e-three'),
    ]);
    const noRule = await editEntry('run-bad', 'e-two', (entry) => {
      delete entry.rule;
    });
    const numberId = await editEntry('run-bad', 'e-three', (entry) => {
      entry.id = { N: '1E+125' };
    });
    const page = `(pc-hygiene export --include-reserved shows the item ${runPageId('run-bad', 1)})`;
    const ruleError = `run run-bad: manifest page 1, entry ${noRule} (id "e-two") is malformed: rule = (absent): must be one of expired, stale, orphaned ${page}`;
    const idError = `run run-bad: manifest page 1, entry ${numberId} is malformed: id = the number 1E+125, which a double cannot hold exactly: must be a non-empty string ${page}`;
    const malformed = [
      { page: 1, position: noRule, field: 'rule', id: 'e-two', error: ruleError },
      { page: 1, position: numberId, field: 'id', error: idError },
    ].sort((a, b) => a.position - b.position);

    const json = await runCli(['runs', 'show', 'run-bad', ...tableFlags(table), '--format', 'json']);
    const text = await runCli(['runs', 'show', 'run-bad', ...tableFlags(table)]);

    expect(json.code).toBe(1);
    const shown = JSON.parse(json.stdout) as { entries: { id: string }[]; malformedEntries: unknown[] };
    expect(shown.entries.map((e) => e.id)).toEqual(['e-one']);
    expect(shown.malformedEntries).toEqual(malformed);
    expect(json.stderr).toBe(malformed.map((m) => `pc-hygiene: ${m.error}\n`).join(''));
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('e-one');
    expect(text.stdout).not.toContain('e-two');
    expect(text.stderr).toBe(json.stderr);

    const run = await restoreRun('run-bad');

    expect(run.code).toBe(1);
    const notRestored = `: it was not restored; its credential still carries ${HYGIENE_ATTR.deletedByRun} = run-bad (pc-hygiene export shows it): restore it by id`;
    expect(run.stdout.split('\n')).toEqual([
      expect.stringMatching(/^restored e-one \(deleted /),
      ...malformed.map((m) => `malformed entry: ${m.error}${notRestored}`),
      'run run-bad: 1 restored, 0 skipped, 0 refused, 2 manifest entries malformed',
      '',
    ]);
    expect(run.stderr).toBe('');
    expect(await deletedIds()).toEqual(['e-three', 'e-two']);
  });

  it('a page whose entries are not a list is a malformed page: the other pages are listed and restored; exit 1', async () => {
    const ids = Array.from({ length: MANIFEST_PAGE_SIZE + 2 }, (_, i) => `p-${String(i).padStart(4, '0')}`);
    await sweep('run-page', ids.map(staleDue));
    await editItem(runPageId('run-page', 1), RUN_MANIFEST_ATTR.entries, () => ({ S: 'gone' }));
    const error =
      'run run-page: manifest page 1 of 2 is malformed: hygieneRunEntries = "gone": must be a list of deletion entries; ' +
      `its deletions carry ${HYGIENE_ATTR.deletedByRun} = run-page (pc-hygiene export shows them; docs/deploy.md, "Restore runbook")`;

    const show = await runCli(['runs', 'show', 'run-page', ...tableFlags(table), '--format', 'json']);
    const run = await restoreRun('run-page');

    expect(show.code).toBe(1);
    const shown = JSON.parse(show.stdout) as { entries: unknown[]; missingPages: unknown[] };
    expect(shown.entries).toHaveLength(2);
    expect(shown.missingPages).toEqual([{ page: 1, cause: 'malformed', error }]);
    expect(show.stderr).toBe(`pc-hygiene: ${error}\n`);
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('restored '))).toHaveLength(2);
    expect(lines).toContain(`malformed page 1: ${error}: they were not restored; restore them by id`);
    expect(lines.at(-1)).toBe('run run-page: 2 restored, 0 skipped, 0 refused, 1 manifest page malformed');
    expect(await deletedIds()).toHaveLength(MANIFEST_PAGE_SIZE);
  });

  it('runs list names a malformed run of the index and lists the others; an index not a list is an error; exit 1', async () => {
    await sweep('run-a', [credential('a-healthy'), staleDue('e-one')]);
    await sweep('run-b', [staleDue('e-two')]);
    await editItem(RUN_INDEX_ID, RUN_MANIFEST_ATTR.runs, (value) => {
      const first = value.L?.[0]?.M;
      if (first === undefined) throw new Error('empty index');
      first.deleted = { S: '1' };
      return value;
    });
    const error =
      `the run index in ${table.tableName}: entry 1 of 2 (oldest first), run "run-a", is malformed: ` +
      `deleted = "1": must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}; it is not listed ` +
      `(pc-hygiene export --include-reserved shows the item ${RUN_INDEX_ID}); ` +
      `its header stays readable: pc-hygiene runs show run-a --endpoint ${table.endpoint} --table ${table.tableName}`;

    const json = await runCli(['runs', 'list', ...tableFlags(table), '--format', 'json']);
    const text = await runCli(['runs', 'list', ...tableFlags(table)]);

    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual([
      { runId: 'run-b', now: days(0), status: 'complete', deleted: 1, unconfirmed: 0 },
    ]);
    expect(json.stderr).toBe(`pc-hygiene: ${error}\n`);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('run-b');
    expect(text.stdout).not.toContain('run-a');
    expect(text.stderr).toBe(json.stderr);

    await editItem(RUN_INDEX_ID, RUN_MANIFEST_ATTR.runs, () => ({ M: { runId: { S: 'run-a' } } }));
    const broken = await runCli(['runs', 'list', ...tableFlags(table), '--format', 'json']);

    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toBe(
      `pc-hygiene: the run index in ${table.tableName} is malformed: hygieneRuns = a map {"runId":"run-a"}: must be a list of runs; ` +
        `nothing was listed (pc-hygiene export --include-reserved shows the item ${RUN_INDEX_ID}; each run's header stays readable by id)\n`,
    );
  });

  it('runs list: a malformed run whose id starts with -, its runs show pasted reads that run on the same table', async () => {
    await sweep('-r2', [staleDue('e-one')]);
    const breakEntry = (runId: string) =>
      editItem(RUN_INDEX_ID, RUN_MANIFEST_ATTR.runs, (value) => {
        const first = value.L?.[0]?.M;
        if (first === undefined) throw new Error('empty index');
        first.deleted = { S: '1' };
        first.runId = { S: runId };
        return value;
      });
    await breakEntry('-r2');

    const list = await runCli(['runs', 'list', ...tableFlags(table)]);
    const command = /its header stays readable: (pc-hygiene runs show .*)$/m.exec(list.stderr)?.[1] ?? '';

    expect(list.code).toBe(1);
    expect(command).toBe(
      `pc-hygiene runs show --endpoint ${table.endpoint} --table ${table.tableName} -- -r2`,
    );
    const pasted = pastedArguments(command);
    expect(pasted.slice(-2)).toEqual(['--', '-r2']);
    // Run as pasted: it reads run -r2 of this table (the default stack's would not be reached at all).
    const show = await runCli(pasted);
    expect(show).toMatchObject({ code: 0, stderr: '' });
    expect(show.stdout).toContain('e-one');

    // A stored run id the CLI refuses as one (too long for a manifest's keys): named, no command printed.
    await breakEntry('x'.repeat(2_016));
    const long = await runCli(['runs', 'list', ...tableFlags(table)]);

    expect(long.code).toBe(1);
    expect(long.stderr).toContain(`run "${'x'.repeat(2_016)}", is malformed`);
    expect(long.stderr).not.toContain('runs show');

    // A stored run id a terminal cannot show: the placeholder "<runId>" in its place, and why after the command.
    await breakEntry('r\u001b[31m');
    const hidden = await runCli(['runs', 'list', ...tableFlags(table)]);

    expect(hidden.code).toBe(1);
    expect(hidden.stderr).toContain(
      `; its header stays readable: pc-hygiene runs show "<runId>" --endpoint ${table.endpoint} ` +
        `--table ${table.tableName} (${hiddenRunIdWhy(`--endpoint ${table.endpoint} --table ${table.tableName}`)})\n`,
    );
    expect(hidden.stderr).not.toContain('RUN_ID');
  });
});
