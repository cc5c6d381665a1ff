/**
 * The posture report's orphan figures (lambdas/hygiene/posture.ts, lambdas/render/posture-text.ts; docs/sweep.md,
 * "Commands", on `report`): active orphan-flagged credentials counted, those past their deletion date as due, a
 * soft-deleted one left out, and the text table's "flagged orphaned (owner departed)" row with its share.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../lambdas/hygiene/config';
import { HYGIENE_ATTR } from '../../lambdas/hygiene/data-contract';
import { PostureAccumulator } from '../../lambdas/hygiene/posture';
import { renderPostureText } from '../../lambdas/render/posture-text';
import { credential, days, NOW } from './support/credentials';

describe('posture: orphan-flagged credentials', () => {
  it('counts active orphan-flagged credentials and those past their deletion date', () => {
    const accumulator = new PostureAccumulator(DEFAULT_CONFIG, NOW);
    const flagged = (id: string, deleteAfter: number, extra: Record<string, unknown> = {}) =>
      credential(id, {
        [HYGIENE_ATTR.orphanedAt]: days(deleteAfter - 7),
        [HYGIENE_ATTR.orphanDeleteAfter]: days(deleteAfter),
        ...extra,
      });
    for (const item of [
      flagged('a-waiting', 3),
      flagged('b-due', -1),
      flagged('c-deleted', -2, { deletedAt: days(-1) }),
      credential('d-plain'),
    ]) {
      accumulator.add(item);
    }

    const report = accumulator.report();

    expect(report.orphaned).toEqual({ total: 2, dueForDeletion: 1 });
    expect(renderPostureText(report)).toMatch(/^flagged orphaned \(owner departed\)\s+2\s+66\.7%$/m);
  });
});
