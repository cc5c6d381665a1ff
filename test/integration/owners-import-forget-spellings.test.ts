/**
 * Forgetting an opt-out follows the rule that finds one (docs/data-model.md,
 * `optedOutAddresses`), end to end as an operator runs it: `pc-hygiene owners
 * import`, `owners unsubscribe` and `owners resubscribe` (the CLI, child
 * processes) on DynamoDB Local. Bob opts out at `bob@xn--bcher-kva.example`,
 * moves away and back as `bob@bücher.example` (found: `unsubscribed`), is
 * resubscribed on purpose, moves away, and comes back spelled in Punycode: he
 * is not `unsubscribed` again, and an opt-out at an unrelated address stays
 * remembered. The store's check of each whole-set write counts the same
 * digests as forgotten and found as the plan (`plannedFromStored`, given the
 * import's `RELAY_MAILBOXES`), checked on its own below with a complaint
 * recorded between plan and write.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RELAY_MAILBOXES } from '../../cli/use-cases/import-owners';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { optedOutAddressDigest } from '../../lambdas/hygiene/opted-out-address';
import { reachabilityOf } from '../../lambdas/hygiene/owner-directory';
import { planOwnerImport } from '../../lambdas/hygiene/owner-import';
import { directoryFlags, runCli } from '../support/run-cli';
import { useTempDir } from '../support/temp-dir';
import { useTestDirectoryTable } from '../support/test-directory-table';

const UNICODE = 'bob@bücher.example';
const PUNYCODE = 'bob@xn--bcher-kva.example';
const ELSEWHERE = 'bob@elsewhere.example';
/** Where Bob opted out first: nothing to do with the mailbox he later leaves. */
const UNRELATED = 'bob@old.example';

describe('owners import forgets an opt-out under every spelling it finds it by', () => {
  const table = useTestDirectoryTable('forget-spellings', 'each');
  const dir = useTempDir('forget-spellings');
  const directory = () => new DynamoOwnerDirectory(table.client, table.tableName);
  const bob = async () => (await directory().getMany(['bob'])).get('bob');
  let imports = 0;

  /** `owners import` of a CSV giving bob `email` (and ada, who stays), each a newer snapshot than the last. */
  async function importBobAt(email: string) {
    imports += 1;
    const file = join(dir(), `${randomUUID().slice(0, 8)}.csv`);
    await writeFile(
      file,
      `userId,email,name,status\nbob,${email},Bob,active\nada,ada@example.com,Ada,active\n`,
    );
    const asOf = new Date(Date.UTC(2026, 10, 1) + imports * 60_000).toISOString();
    const run = await runCli(['owners', 'import', file, ...directoryFlags(table), '--as-of', asOf]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  }
  /** `owners <command> bob` on route relay (no topic): the record only. */
  async function bobCommand(command: 'unsubscribe' | 'resubscribe') {
    const route = command === 'unsubscribe' ? ['--route', 'relay'] : [];
    const run = await runCli(['owners', command, 'bob', ...route, ...directoryFlags(table)], {
      PC_HYGIENE_TOPIC_ARN: '',
    });
    expect(run.code, run.stderr).toBe(0);
  }

  it('resubscribed, moved away, back spelled the other way: not unsubscribed; the unrelated opt-out kept', async () => {
    await importBobAt(UNRELATED);
    await bobCommand('unsubscribe');
    await importBobAt(PUNYCODE);
    await bobCommand('unsubscribe');
    await importBobAt(ELSEWHERE);
    // back in the Unicode spelling: the opt-out remembered in Punycode is found
    await importBobAt(UNICODE);
    expect(await bob()).toMatchObject({ email: UNICODE, subscription: 'unsubscribed' });
    await bobCommand('resubscribe');
    expect((await bob())?.subscription).toBe('none');

    await importBobAt(ELSEWHERE);
    expect((await bob())?.optedOutAddresses).toEqual([optedOutAddressDigest(UNRELATED)]);
    await importBobAt(PUNYCODE);

    const back = await bob();
    expect(back).toMatchObject({ email: PUNYCODE, optedOutAddresses: [optedOutAddressDigest(UNRELATED)] });
    expect(back?.subscription).toBeUndefined();
    expect(reachabilityOf(back, 'relay')).toEqual({ reachable: true });
    await importBobAt(UNRELATED);
    expect((await bob())?.subscription).toBe('unsubscribed');
  });

  it("refuses a move whose new address's other spelling a complaint remembered meanwhile; the re-plan records it", async () => {
    const store = new DynamoOwnerDirectory(table.client, table.tableName, { mailboxes: RELAY_MAILBOXES });
    await importBobAt(ELSEWHERE);
    const read = await bob();
    if (read === undefined) throw new Error('bob was not imported');
    // A line (an export's) moving him to the Unicode spelling, carrying the Punycode one's digest.
    const line = {
      userId: 'bob',
      email: UNICODE,
      name: 'Bob',
      status: 'active' as const,
      optOuts: { unsubscribed: false, optedOutAddresses: [optedOutAddressDigest(PUNYCODE)] },
    };
    const plan = planOwnerImport(new Map([['bob', read]]), [line], false, RELAY_MAILBOXES);
    expect(plan.upserts).toMatchObject([
      { resetRoute: true, move: { optedOutAddresses: [optedOutAddressDigest(PUNYCODE)] } },
    ]);
    // an SES complaint about the Punycode spelling, which he had left, lands before the write
    expect(
      await directory().rememberOptedOutAddresses('bob', ELSEWHERE, [optedOutAddressDigest(PUNYCODE)]),
    ).toBe(true);

    const first = await store.upsertOwners(plan.upserts, '2026-12-01T00:00:00.000Z');
    expect(first).toMatchObject({ written: 0 });
    const again = await bob();
    if (again === undefined) throw new Error('bob is gone');
    const replan = planOwnerImport(new Map([['bob', again]]), [line], false, RELAY_MAILBOXES);
    expect(await store.upsertOwners(replan.upserts, '2026-12-01T00:00:00.000Z')).toMatchObject({
      written: 1,
    });
    expect(await bob()).toMatchObject({ email: UNICODE, subscription: 'unsubscribed' });
  });
});
