/**
 * `pc-hygiene notify` run while another drain holds the drain lease, as a killed
 * `notify --now T` leaves it on the table (docs/notifications.md, "The drain lease"):
 * the run publishes nothing, says once on stderr until when the lease is held and
 * how to run again, reports `incomplete` (not `complete`) with the holder and end
 * (`leaseHeld`), and exits 4; run again with a `--now` after that end, it delivers
 * everything and exits 0. Against DynamoDB Local, the CLI in a child process.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODE } from '../../cli/exit-codes';
import { DynamoDbOutboxStore } from '../../lambdas/aws/outbox-store';
import { parseConfig } from '../../lambdas/hygiene/config';
import { runSweep } from '../../lambdas/hygiene/sweep';
import { formatInstant } from '../../lambdas/hygiene/time';
import { putItems } from '../support/items';
import { runCli, tableFlags } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestTable } from '../support/test-table';
import { credential, days, NOW } from '../unit/support/credentials';
import { sweepDeps } from './support/sweep-deps';

/** A `notify` lease: 5 minutes from its clock, `--now` plus the 2 seconds it ran before it was killed. */
const KILLED_LEASE_END = NOW + 2_000 + 5 * 60_000;

describe('notify while another drain holds the drain lease', () => {
  const table = useTestTable('notify-lease-held', 'all');
  const dir = useTempDir('notify-lease-held');

  it('says until when the lease is held, reports incomplete and exits 4; after it, delivers and exits 0', async () => {
    // Two owners with one event each: an expiry warning and an expired credential deleted.
    await putItems(table.client, table.tableName, [
      credential('a-expiring', { expiresTime: days(5) }),
      credential('b-expired', { expiresTime: days(-1) }),
    ]);
    await runSweep(sweepDeps(table), {
      config: parseConfig({ mode: 'enforce', maxDeletePercent: 100 }),
      now: NOW,
      runId: 'run-notify-lease-held',
      mode: 'enforce',
    });
    // The lease item exactly as a `notify --now NOW` killed mid-drain leaves it.
    const killed = new DynamoDbOutboxStore(table.client, table.tableName);
    const until = formatInstant(KILLED_LEASE_END);
    await killed.acquireLease({ drainId: 'killed-notify', now: NOW + 2_000, leaseUntil: KILLED_LEASE_END });
    const out = join(dir(), 'digests.jsonl');
    const notify = (now: number, ...rest: string[]) =>
      runCli([
        'notify',
        ...tableFlags(table),
        '--now',
        formatInstant(now),
        '--sink',
        `jsonl:${out}`,
        ...rest,
      ]);

    const text = await notify(NOW);
    const json = await notify(NOW, '--format', 'json');
    const after = await notify(KILLED_LEASE_END + 60_000, '--format', 'json');

    expect(text).toMatchObject({ code: EXIT_CODE.incomplete });
    expect(text.stdout).toContain(
      `: INCOMPLETE (another drain holds the drain lease until ${until}: the rest waits for it)\n`,
    );
    expect(text.stdout).toContain(
      `  claim conflicts      2 (another drain holds the drain lease until ${until})\n`,
    );
    expect(text.stdout).not.toMatch(/: complete/);
    const leaseLines = text.stderr.split('\n').filter((line) => line.includes('holds the drain lease'));
    expect(leaseLines).toEqual([
      `pc-hygiene notify: another drain (drain killed-notify) holds the drain lease until ${until}: what this ` +
        'drain did not publish stays pending. A drain that was interrupted keeps its lease until then (a ' +
        "notify's lease time runs on its --now plus the time elapsed): run notify again after " +
        `${until}, or with a --now after it`,
    ]);
    expect(json).toMatchObject({ code: EXIT_CODE.incomplete, stderr: `${leaseLines[0]}\n` });
    expect(JSON.parse(json.stdout)).toMatchObject({
      status: 'incomplete',
      pendingItems: 2,
      claimConflicts: 2,
      eventsPublished: 0,
      leaseHeld: { holder: 'killed-notify', until },
    });

    expect(after).toMatchObject({ code: EXIT_CODE.complete, stderr: '' });
    const delivered = JSON.parse(after.stdout);
    expect(delivered).toMatchObject({ status: 'complete', claimConflicts: 0, eventsPublished: 2 });
    expect(delivered).not.toHaveProperty('leaseHeld');
    // Only the drain after the lease wrote: one digest per owner.
    expect((await readFile(out, 'utf8')).trimEnd().split('\n')).toHaveLength(2);
  });
});
