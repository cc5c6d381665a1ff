/**
 * JSON output cannot drive a terminal and stays lossless (`lambdas/render/json-text.ts`):
 * DEL, C1 controls, bidi overrides and other format characters, and the line
 * separators are written as `\uXXXX` escapes, which a JSON reader turns back
 * into the same strings — in the report's JSON, `plan`'s JSON and JSON Lines.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createJsonPlanFormatter } from '../../cli/format/plan-json';
import { jsonlPlanFormatter } from '../../cli/format/plan-jsonl';
import type { PlanCounts } from '../../cli/format/plan-types';
import { DEFAULT_CONFIG } from '../../lambdas/hygiene/config';
import { PostureAccumulator } from '../../lambdas/hygiene/posture';
import { jsonText } from '../../lambdas/render/json-text';
import { renderPostureJson } from '../../lambdas/render/posture-text';
import { credential, days, NOW } from './support/credentials';

/** Characters a terminal must never get raw from JSON output. */
const RAW_UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

const TRICKY = 'a\u001b[31m\u009b2J\u007f\u202eevil\u2066\u200b\ufeff\u2028\u2029\u{e0001}\\\u202e"é😀';

describe('jsonText', () => {
  it('escapes C1, DEL, bidi and format characters and line separators as \\uXXXX', () => {
    const text = jsonText({ id: TRICKY });

    expect(text).not.toMatch(RAW_UNSAFE);
    expect(text).toContain('\\u009b');
    expect(text).toContain('\\u202e');
    expect(text).toContain('\\udb40\\udc01'); // U+E0001 (a format character), as a surrogate pair
    expect(text).toContain('é😀'); // other text stays as it is
    expect(JSON.parse(text)).toEqual({ id: TRICKY });
  });

  it('escapes the blank letters and a selector that selects nothing, and keeps the selector of an emoji', () => {
    const value = { id: 'bob\u3164', name: '\u2800\uffa0', run: 'bob\ufe00', heart: '❤\ufe0f' };
    const text = jsonText(value);

    expect(text).toBe('{"id":"bob\\u3164","name":"\\u2800\\uffa0","run":"bob\\ufe00","heart":"❤\ufe0f"}');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('is lossless for any value, indented or not', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), fc.constantFrom(undefined, 2), (value, indent) => {
        const text = jsonText(value, indent);
        expect(text.replaceAll('\n', '')).not.toMatch(RAW_UNSAFE);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('JSON output of stored text', () => {
  it('report --format json', () => {
    const accumulator = new PostureAccumulator(
      {
        ...DEFAULT_CONFIG,
        riskTiers: [{ name: `t${TRICKY}`, staleAfterDays: 5, unscoped: false, unrestrictedSource: false }],
      },
      NOW,
    );
    accumulator.add(credential('a-1', { userId: `user${TRICKY}`, lastUsedAt: days(-10) }));
    const report = accumulator.report();

    const text = renderPostureJson(report);

    expect(text.replaceAll('\n', '')).not.toMatch(RAW_UNSAFE);
    expect(JSON.parse(text)).toEqual(report);
  });

  it('plan --format json and jsonl', () => {
    const counts: PlanCounts = {
      records: 1,
      valid: 0,
      invalid: 1,
      alreadyDeleted: 0,
      noAction: 0,
      withActions: 0,
      actions: {},
      expiryStages: [],
      deletions: 0,
    };
    const plan = { id: TRICKY, userId: 'u', actions: [], problems: [`userId: ${TRICKY}`], deleted: false };
    const context = { now: NOW, input: `in${TRICKY}.jsonl`, configPath: undefined };
    const json = createJsonPlanFormatter();
    const document =
      json.start(context) + json.record({ lineNumber: 1, plan }, context) + json.end(counts, context);
    const line = jsonlPlanFormatter.record({ lineNumber: 1, plan }, context);

    for (const text of [document, line]) expect(text.replaceAll('\n', '')).not.toMatch(RAW_UNSAFE);
    expect(JSON.parse(document)).toMatchObject({ input: `in${TRICKY}.jsonl`, records: [{ id: TRICKY }] });
    expect(JSON.parse(line)).toMatchObject({ id: TRICKY, problems: [`userId: ${TRICKY}`] });
  });
});
