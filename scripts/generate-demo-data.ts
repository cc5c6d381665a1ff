/**
 * Writes `demo/personal-clients.jsonl`: the committed demo data that
 * `npm start` and the docs use. Dates are relative to a fixed anchor, so the
 * file is reproducible byte for byte: plan it with `--now` set to the anchor.
 *
 *   npx tsx scripts/generate-demo-data.ts [--now ISO] [--seed N] [--count N] [--out FILE]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { generateDemoData } from '../cli/local/demo-data';
import { requireInstant } from '../lambdas/hygiene/time';

/** The instant the committed demo file is generated for. */
export const DEMO_ANCHOR = '2026-11-26T00:00:00.000Z';

const { values } = parseArgs({
  options: {
    now: { type: 'string', default: DEMO_ANCHOR },
    seed: { type: 'string', default: '1' },
    count: { type: 'string', default: '300' },
    out: { type: 'string', default: 'demo/personal-clients.jsonl' },
  },
});

const records = generateDemoData({
  now: requireInstant(values.now, '--now'),
  seed: Number(values.seed),
  count: Number(values.count),
});
await mkdir(dirname(values.out), { recursive: true });
await writeFile(values.out, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
process.stdout.write(`wrote ${records.length} records to ${values.out} (now ${values.now})\n`);
