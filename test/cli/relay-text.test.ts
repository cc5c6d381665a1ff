/**
 * `pc-hygiene relay`'s text output (cli/commands/relay.ts over
 * cli/use-cases/relay-to-files.ts, with an in-memory directory): an address
 * whose form for SES differs from how the directory spells it — a Unicode
 * domain, maybe a look-alike of a real one (`bob@соrp.example`, a Cyrillic
 * `о`) — is printed with the SES form beside it; an ASCII one alone. A part
 * that fails (an owner unreachable whom the drain did not report) is named
 * with a message that speaks of no queue (there is none in a CLI run), and the
 * output says nothing was written for it and that the command exits 1.
 */
import { describe, expect, it } from 'vitest';
import { renderRelayText } from '../../cli/commands/relay';
import { relayToFiles } from '../../cli/use-cases/relay-to-files';
import type { OwnerRecord } from '../../lambdas/hygiene/owner-directory';
import { digestFromSnsEnvelope } from '../../lambdas/relay/digest-message';
import { digestRecord } from '../support/sample-digest';
import { useTempDir } from '../support/temp-dir';
import { memoryDirectory } from '../unit/support/relay-fakes';

const tempDir = useTempDir('relay-text');

const OWNERS: OwnerRecord[] = [
  { userId: 'ada', email: 'ada@Corp.example', status: 'active' },
  { userId: 'bob', email: 'bob@\u0441\u043erp.example', status: 'active' }, // Cyrillic с and о
  { userId: 'cy', email: 'cy@corp.example', status: 'departed' },
];

/** Each owner's digest, as a drain that judged them all reachable published it. */
const items = ['ada', 'bob', 'cy'].map((userId) => ({
  id: userId,
  digest: digestFromSnsEnvelope(digestRecord(userId).body),
}));

describe('pc-hygiene relay text', () => {
  it('prints the SES form of an address beside it when they differ, and says a failed part exits 1', async () => {
    const summary = await relayToFiles(items, memoryDirectory(OWNERS), {
      outDir: tempDir(),
      from: 'hygiene@corp.example',
      now: () => Date.parse('2026-11-26T03:00:00.000Z'),
    });

    const text = renderRelayText({ ...summary, ignored: 0 }, 'entries.jsonl');
    const lines = text.split('\n');

    expect(summary.written.map((w) => [w.to, w.sesTo])).toEqual([
      ['ada@Corp.example', undefined],
      ['bob@\u0441\u043erp.example', 'bob@xn--rp-emcl.example'],
    ]);
    expect(lines.find((l) => l.includes('ada.part-1.eml'))).toMatch(/ {2}to ada@Corp\.example$/);
    expect(lines.find((l) => l.includes('bob.part-1.eml'))).toMatch(
      / {2}to bob@\u0441\u043erp\.example \(SES: bob@xn--rp-emcl\.example\)$/,
    );
    expect(text).toMatch(
      /\n {2}failed: cy: UnreportedUnreachableOwnerError: owner "cy" cannot be emailed \(departed\) but the drain judged them reachable, so the admins were not told: this digest part fails \(drain [^,]+, part 1\)\n/,
    );
    expect(text).toContain('  1 digest part(s) failed: no .eml written for them, exit 1 ');
    expect(text.replace(/\(the relay Lambda would [^)]*\)/, '')).not.toMatch(/SQS|DLQ/);
  });
});
