/**
 * docs/notifications.md says which of the notifier's figures the Lambda emits as metrics ("The notifier has no
 * progress callback…"): as many as it emits (`NOTIFIER_METRIC`, lambdas/handlers/metric-names.ts), each by name, so
 * the docs cannot claim three when it emits thirteen.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NOTIFIER_METRIC } from '../../lambdas/handlers/metric-names';
import { inWords } from '../support/number-words';

/** The paragraph of docs/notifications.md that says what the notifier Lambda emits. */
function metricsParagraph(): string {
  const text = readFileSync(new URL('../../docs/notifications.md', import.meta.url), 'utf8');
  const start = text.indexOf('The notifier has no progress callback');
  expect(start).toBeGreaterThan(0);
  const end = text.indexOf('\n\n', start);
  return text.slice(start, end);
}

describe('docs/notifications.md on the notifier’s metrics', () => {
  it('says how many it emits and names each', () => {
    const paragraph = metricsParagraph();
    const names = Object.values(NOTIFIER_METRIC);
    const count = /emits (\w+) of its figures/.exec(paragraph)?.[1];

    expect(count).toBe(inWords(names.length));
    expect(names.filter((name) => !paragraph.includes(`\`${name}\``))).toEqual([]);
  });
});
