/**
 * `hasUnrestrictedSource` reads the blocks of a parsed credential as they are:
 * a block with white space around it never parses (`cidrProblem`), so only a
 * prefix length of 0 at the very end makes a block allow every source.
 */
import { describe, expect, it } from 'vitest';
import { cidrProblem, hasUnrestrictedSource } from '../../lambdas/hygiene/credential';

describe('a block that allows any source', () => {
  it.each(['0.0.0.0/0', '::/0', '10.0.0.0/0', '0.0.0.0/000', '::0/00'])('%s is any prefix of 0', (cidr) => {
    expect(cidrProblem(cidr)).toBeUndefined();
    expect(hasUnrestrictedSource({ allowSourceCidr: ['10.0.0.0/8', cidr] })).toBe(true);
  });

  it.each(['10.0.0.0/10', '2001:db8::/100', '0.0.0.0/1', '::/8'])('%s limits the source', (cidr) => {
    expect(cidrProblem(cidr)).toBeUndefined();
    expect(hasUnrestrictedSource({ allowSourceCidr: [cidr] })).toBe(false);
  });

  it.each([' ', '\t', '\n', '\u00a0', '\ufeff'])(
    'white space (%j) around a block makes it invalid, so no read needs trim()',
    (space) => {
      for (const cidr of ['0.0.0.0/0', '::/0']) {
        expect(cidrProblem(`${space}${cidr}`)).toContain('is not in CIDR notation');
        expect(cidrProblem(`${cidr}${space}`)).toContain('is not in CIDR notation');
      }
    },
  );
});
