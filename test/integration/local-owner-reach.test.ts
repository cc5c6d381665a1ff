/**
 * `pc-hygiene local` (npm start) ends with a posture report that has the
 * "Owner reach" section `report --directory-table` prints: the demo owner
 * directory judged by the relay rule, as the demo's sweep and drain judge
 * (docs/notifications.md, "Owner reach"). The expected figures are derived
 * from the demo data and its directory (`cli/local/demo-directory.ts`): the
 * absent owners are `not-in-directory`, the departed one `departed`, the one
 * without an email `no-email`, the rest reachable.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateDemoData } from '../../cli/local/demo-data';
import { type DemoOwner, demoOwners } from '../../cli/local/demo-directory';
import type { PostureReport } from '../../lambdas/hygiene/posture';
import { reasonCounts } from '../support/reach-counts';
import { useTempDir } from '../support/temp-dir';

const CLI = fileURLToPath(new URL('../../bin/pc-hygiene.js', import.meta.url));
const NOW = '2026-11-26T00:00:00.000Z';
const COUNT = 120;

/** The demo owners `local --now NOW --count COUNT` loads (its default seed, 1), and how many have `role`. */
const owners = demoOwners(generateDemoData({ now: Date.parse(NOW), count: COUNT, seed: 1 }));
const withRole = (role: DemoOwner['role']) => owners.filter((o) => o.role === role).length;

/** The verdict the relay rule gives each demo role. */
const REACH_OF_ROLE: Record<DemoOwner['role'], string> = {
  absent: 'not-in-directory',
  departed: 'departed',
  'no-email': 'no-email',
  active: 'reachable',
};

/** Runs `local` with the demo's files in `tmp` (removed after the suite). */
function runLocal(tmp: string, ...extra: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'local', '--now', NOW, '--count', String(COUNT), ...extra],
      { env: { ...process.env, TMPDIR: tmp }, maxBuffer: 16 * 1024 * 1024 },
      (error, out) => resolve({ code: error ? Number(error.code) : 0, stdout: out }),
    );
  });
}

describe('pc-hygiene local: the posture report judges owner reach', () => {
  const dir = useTempDir('pch-local-reach');

  it('--format json: the reach section, per reason as the demo directory is built', {
    timeout: 180_000,
  }, async () => {
    const { code, stdout } = await runLocal(dir(), '--format', 'json');

    expect(code).toBe(0);
    const { posture } = JSON.parse(stdout) as { posture: PostureReport };
    // After the drain no notice is pending: the owners judged are the owners of active credentials, every
    // demo owner among them (the departed one keeps flagged, not deleted, credentials).
    expect(posture.pendingNotices).toBe(0);
    expect(posture.owners.count).toBe(owners.length);
    expect(posture.reach).toEqual({
      status: 'verified',
      route: 'relay',
      directory: {
        imported: true,
        asOf: NOW,
        owners: owners.length - withRole('absent'),
        maxAgeDays: 7,
        stale: false,
      },
      ownersChecked: owners.length,
      reachable: withRole('active'),
      unreachable: owners.length - withRole('active'),
      byReason: reasonCounts({
        'not-in-directory': withRole('absent'),
        departed: withRole('departed'),
        'no-email': withRole('no-email'),
      }),
    });
    expect(withRole('departed')).toBe(1);
    // Each listed owner carries its directory name (absent owners have none) and its reach.
    const roleOf = new Map(owners.map((o) => [o.userId, o.role]));
    expect(posture.owners.top.length).toBeGreaterThan(0);
    for (const o of posture.owners.top) {
      const role = roleOf.get(o.userId);
      expect(o.reach).toBe(role === undefined ? 'an owner the demo does not have' : REACH_OF_ROLE[role]);
    }
  });

  it('text: the "Owner reach (relay)" section between the figures and the owner table', {
    timeout: 180_000,
  }, async () => {
    const { code, stdout } = await runLocal(dir());

    expect(code).toBe(0);
    const posture = stdout.slice(stdout.indexOf('Hygiene posture at'));
    const section = posture.slice(posture.indexOf('\nOwner reach (relay):\n'), posture.indexOf('\nOwners ('));
    const figure = (label: string) => Number(new RegExp(`^${label} +(\\d+)$`, 'm').exec(section)?.[1]);

    expect(section).toContain(`  directory as of ${NOW}, `);
    // The orphan rule's verdict on the demo directory, above the section: used (it is as of the demo's now).
    expect(posture).toContain(`\nOwner directory: as of ${NOW}, `);
    expect(figure('owners of active credentials or pending notices')).toBe(owners.length);
    expect(figure('reachable')).toBe(withRole('active'));
    expect(figure('unreachable')).toBe(owners.length - withRole('active'));
    expect(figure('  not-in-directory')).toBe(withRole('absent'));
    expect(figure('  departed')).toBe(withRole('departed'));
    expect(figure('  no-email')).toBe(withRole('no-email'));
    // The owner table gains its name and reach columns.
    expect(posture).toMatch(/^OWNER +NAME +REACH +CREDENTIALS/m);
  });
});
