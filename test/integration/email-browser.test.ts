/**
 * The relay's HTML email looked at in a real browser: headless Chromium
 * (Debian's `chromium`, installed by `.ci/run`) renders a representative
 * digest (every section, hostile display names, a 256-character word) at
 * 375 px and 1024 px, light and dark; the page must not scroll sideways at
 * 375 px and must not request anything. Screenshots land in
 * `artifacts/email/` (git-ignored, kept by CI). A deliberately bad page
 * shows the check can fail.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeMime } from '../../lambdas/relay/owner-email';
import { CHROMIUM_PATH, checkEmailHtml } from '../../scripts/email-browser-check';
import { sampleOwnerEmail } from '../support/sample-digest';

const OUT = join('artifacts', 'email');

describe('the HTML email in headless Chromium', () => {
  it('has Chromium to run (apt-get install -y chromium; .ci/run installs it)', () => {
    expect(existsSync(CHROMIUM_PATH), `${CHROMIUM_PATH} is missing`).toBe(true);
  });

  it('fits 375 px without horizontal scrolling and makes no request, light and dark', async () => {
    const email = sampleOwnerEmail('h@corp.example');
    await composeMime(email); // the same email the relay would send

    const check = await checkEmailHtml(email.html, OUT, 'digest');

    expect(check.requests).toEqual([]);
    expect(check.views.map((v) => [v.width, v.colorScheme])).toEqual([
      [375, 'light'],
      [375, 'dark'],
      [1024, 'light'],
      [1024, 'dark'],
    ]);
    for (const view of check.views) {
      expect(view.scrollWidth, `${view.width} px ${view.colorScheme}`).toBeLessThanOrEqual(view.width);
      expect(existsSync(view.screenshot)).toBe(true);
    }
  }, 120_000);

  it('catches a page that overflows at 375 px or loads a remote image', async () => {
    const bad =
      '<!DOCTYPE html><html><body><img src="https://example.com/pixel.png"><div style="width:600px">wide</div></body></html>';

    const check = await checkEmailHtml(bad, join(OUT, 'negative-control'), 'bad');

    expect(check.requests).toContain('https://example.com/pixel.png');
    expect(check.overflowing.map((v) => v.width)).toContain(375);
  }, 120_000);
});
