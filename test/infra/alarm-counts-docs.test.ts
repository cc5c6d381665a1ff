/**
 * The alarm counts the README and docs/deploy.md give ("twenty-eight alarms", "forty-two with `ownerDelivery: relay`",
 * "the relay adds fourteen alarms") are the synthesized stacks' own: a new alarm that leaves a count behind fails
 * here, instead of telling an operator to expect fewer alarms than the stack creates.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inWords } from '../support/number-words';
import { synthApp } from './synth';

const ROOT = join(import.meta.dirname, '..', '..');
/** A document's text with every run of whitespace one space (the counts may wrap). */
const text = (file: string) => readFileSync(join(ROOT, file), 'utf8').replace(/\s+/g, ' ');

describe('the alarm counts in the docs', () => {
  let stackAlarms: number;
  let withRelay: number;
  beforeAll(() => {
    const count = (context: Record<string, unknown>) =>
      Object.keys(synthApp(context).template.findResources('AWS::CloudWatch::Alarm')).length;
    stackAlarms = count({});
    withRelay = count({ ownerDelivery: 'relay', senderIdentity: 'noreply@example.com' });
  });

  it('spells numbers as the docs do', () => {
    expect([12, 14, 28, 40, 42, 39, 9, 0].map(inWords)).toEqual([
      'twelve',
      'fourteen',
      'twenty-eight',
      'forty',
      'forty-two',
      'thirty-nine',
      'nine',
      'zero',
    ]);
  });

  /** Every count `pattern` finds in `file` (its first group: a number in words). */
  const countsIn = (file: string, pattern: RegExp) => [...text(file).matchAll(pattern)].map((m) => m[1]);
  const WORD = '([a-z]+(?:-[a-z]+)?)';

  it('README.md gives the stack’s alarms and those with the relay', () => {
    expect(countsIn('README.md', new RegExp(`${WORD} alarms \\(`, 'g'))).toEqual([inWords(stackAlarms)]);
    expect(countsIn('README.md', new RegExp(`alarms \\(${WORD} with \`ownerDelivery: relay\``, 'g'))).toEqual(
      [inWords(withRelay)],
    );
  });

  it('docs/deploy.md gives the stack’s alarms and the relay’s', () => {
    const relayAlarms = inWords(withRelay - stackAlarms);
    expect(countsIn('docs/deploy.md', new RegExp(`The stack creates ${WORD} alarms`, 'g'))).toEqual([
      inWords(stackAlarms),
    ]);
    expect(countsIn('docs/deploy.md', new RegExp(`with \`ownerDelivery: relay\` ${WORD} more`, 'g'))).toEqual(
      [relayAlarms],
    );
    expect(countsIn('docs/deploy.md', new RegExp(`the relay adds ${WORD} alarms`, 'g'))).toEqual([
      relayAlarms,
    ]);
  });
});
