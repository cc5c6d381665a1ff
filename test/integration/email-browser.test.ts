/**
 * The relay's HTML email looked at in a real browser: headless Chromium
 * (Debian's `chromium`, installed by `.ci/run`) renders a representative
 * digest (every section, hostile display names, a 256-character word) at
 * 375 px and 1024 px, light and dark, and without its `<style>` block (as the
 * clients that strip it show it); so is the digest of an owner the directory
 * has no name for, greeted by a long user id without spaces. No page may
 * scroll sideways or let a box's content run over its neighbour, and none may
 * request anything. Screenshots land in `artifacts/email/` (git-ignored, kept
 * by CI). Deliberately bad pages show the check can fail.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeMime, ownerEmail } from '../../lambdas/relay/owner-email';
import { CHROMIUM_PATH, checkEmailHtml } from '../../scripts/email-browser-check';
import {
  representativeEvents,
  SAMPLE_NOW,
  sampleDocuments,
  sampleOwnerEmail,
} from '../support/sample-digest';

const OUT = join('artifacts', 'email');
/** A user id without a space, too wide for 375 px on one line (a KSUID, six times). */
const LONG_USER_ID = '2cl70mmDJk2E3IwJPf8dnfT6PuS'.repeat(6);

describe('the HTML email in headless Chromium', () => {
  it('has Chromium to run (apt-get install -y chromium; .ci/run installs it)', () => {
    expect(existsSync(CHROMIUM_PATH), `${CHROMIUM_PATH} is missing`).toBe(true);
  });

  /** The email of the representative digest to an owner the directory names. */
  const named = () => sampleOwnerEmail('h@corp.example');
  /** The same digest to an owner with no name in the directory: greeted by their user id, here a long one. */
  const unnamed = () => {
    const [document] = sampleDocuments(representativeEvents(LONG_USER_ID));
    if (document === undefined) throw new Error('the sample digest rendered no part');
    return ownerEmail(document, { email: 'ada@example.com' }, 'h@corp.example', new Date(SAMPLE_NOW));
  };

  it.each([
    ['digest', named],
    ['digest-unnamed', unnamed],
  ])(
    '%s: fits 375 px, nothing overflows its box, no request: light, dark and without <style>',
    async (name, email) => {
      const mail = email();
      await composeMime(mail); // the same email the relay would send

      const check = await checkEmailHtml(mail.html, OUT, name);

      expect(check.requests).toEqual([]);
      expect(check.views.map((v) => [v.width, v.colorScheme, v.styleBlock])).toEqual([
        [375, 'light', 'kept'],
        [375, 'dark', 'kept'],
        [375, 'light', 'stripped'],
        [1024, 'light', 'kept'],
        [1024, 'dark', 'kept'],
        [1024, 'light', 'stripped'],
      ]);
      for (const view of check.views) {
        const where = `${view.width} px ${view.colorScheme}, <style> ${view.styleBlock}`;
        expect(view.scrollWidth, where).toBeLessThanOrEqual(view.width);
        expect(view.overflowingBoxes, where).toEqual([]);
        expect(existsSync(view.screenshot)).toBe(true);
      }
      expect(check.overflowing).toEqual([]);
    },
    120_000,
  );

  it('catches a page that overflows at 375 px or loads a remote image', async () => {
    const bad =
      '<!DOCTYPE html><html><body><img src="https://example.com/pixel.png"><div style="width:600px">wide</div></body></html>';

    const check = await checkEmailHtml(bad, join(OUT, 'negative-control'), 'bad');

    expect(check.requests).toContain('https://example.com/pixel.png');
    expect(check.overflowing.map((v) => v.width)).toContain(375);
  }, 120_000);

  it('catches a cell whose text runs over the next column once the <style> block is stripped', async () => {
    const bad =
      '<!DOCTYPE html><html><head><style>td { white-space: normal !important; }</style></head><body>' +
      '<table style="width:100%;table-layout:fixed"><tr><td style="white-space:nowrap">2026-11-26 02:00 UTC, a date that will not wrap</td><td>next</td></tr></table></body></html>';

    const check = await checkEmailHtml(bad, join(OUT, 'negative-control'), 'nowrap');

    expect(check.overflowing.map((v) => [v.width, v.styleBlock])).toEqual([[375, 'stripped']]);
    expect(check.overflowing[0]?.overflowingBoxes[0]).toMatch(/^TD \d+>\d+ "2026-11-26 02:00 UTC/);
    expect(check.overflowing[0]?.scrollWidth).toBe(375); // the page itself does not scroll: only the box shows it
  }, 120_000);
});
