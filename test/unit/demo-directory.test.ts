/**
 * The demo owner directory `pc-hygiene local` loads (cli/local/demo-directory.ts; docs/notifications.md, "Owner
 * reach"; docs/rules.md, "Orphaned credentials"): every demo owner gets one role (3 absent, 1 departed, 1 without
 * email, the rest active); the CSV is an export `owners import` accepts row by row, without the absent owners, and
 * names each owner as a person, which digests greet.
 */
import { describe, expect, it } from 'vitest';
import { demoPersonName, generateDemoData } from '../../cli/local/demo-data';
import { DEMO_ABSENT_OWNERS, demoDirectoryCsv, demoOwners } from '../../cli/local/demo-directory';
import { checkOwnerRow } from '../../lambdas/hygiene/owner-import-rows';

const records = generateDemoData({ now: Date.UTC(2026, 10, 26), count: 300, seed: 1 });

describe('the demo owner directory', () => {
  it('gives every demo owner one role: 3 absent, 1 departed, 1 without email, the rest active', () => {
    const owners = demoOwners(records);
    const ownerIds = new Set(records.map((r) => r.userId).filter((u) => typeof u === 'string' && u !== ''));
    expect(owners.map((o) => o.userId).sort()).toEqual([...ownerIds].sort());
    const count = (role: string) => owners.filter((o) => o.role === role).length;
    expect([count('absent'), count('departed'), count('no-email')]).toEqual([DEMO_ABSENT_OWNERS, 1, 1]);
    expect(count('active')).toBe(owners.length - DEMO_ABSENT_OWNERS - 2);
    expect(demoOwners(records)).toEqual(owners);
  });

  it('is a CSV export owners import accepts, without the absent owners', () => {
    const owners = demoOwners(records);
    const [header, ...lines] = demoDirectoryCsv(owners).trimEnd().split('\n');
    expect(header).toBe('userId,email,name,status');
    expect(lines).toHaveLength(owners.length - DEMO_ABSENT_OWNERS);
    const seen = new Map<string, number>();
    for (const [i, line] of lines.entries()) {
      const [userId, email, name, status] = line.split(',');
      const checked = checkOwnerRow(
        { line: i + 2, fields: { userId, email, name: name?.replace(/"/g, ''), status } },
        seen,
      );
      expect(checked).toHaveProperty('owner');
    }
    const departed = owners.find((o) => o.role === 'departed');
    expect(lines.find((l) => l.startsWith(`${departed?.userId},`))).toMatch(/,departed$/);
  });

  it("names each owner as a person (the demo person's first and last name), which digests greet", () => {
    const owners = demoOwners(records);
    const names = demoDirectoryCsv(owners)
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[2]?.replace(/"/g, ''));
    for (const name of names) expect(name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
    expect(demoPersonName('alovelace')).toBe('Ada Lovelace');
    expect(demoPersonName('nobody')).toBeUndefined();
  });
});
