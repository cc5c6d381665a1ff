/**
 * The relay's HTML email as a phone shows it (lambdas/render/digest-html.ts; docs/notifications.md, "The email"):
 * prose wraps between words (a break offered after a slash, so "platform/security" is not split mid-word in a
 * 375 px column once a client strips the `<style>` block), only ids wrap anywhere; every instant reads in one form,
 * `2026-12-03 09:00 UTC`, in the sentences as in the date column (never the text part's ISO beside it); and a row
 * whose cells stack keeps its columns' names ("Date", "What to do"), which the hidden header row no longer shows.
 */
import { describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../lambdas/hygiene/events';
import { renderDigestHtml } from '../../lambdas/render/digest-html';
import { representativeEvents, SAMPLE_NOW, sampleEvent } from '../support/sample-digest';

function html(events: readonly OutboxEvent[]): string {
  return renderDigestHtml({
    userId: 'user-42',
    events,
    generatedAt: new Date(SAMPLE_NOW).toISOString(),
    part: 1,
    parts: 1,
    subject: 'subject',
  });
}

/** The inline `style` of every element with `class` among its classes. */
function stylesOf(page: string, cls: string): string[] {
  return [...page.matchAll(new RegExp(`class="[^"]*\\b${cls}\\b[^"]*"[^>]*style="([^"]*)"`, 'g'))].map(
    (m) => m[1] ?? '',
  );
}

describe('the HTML email on a phone', () => {
  it('offers a break after a slash in the wording, so a word wider than the column is not split mid-word', () => {
    const page = html([sampleEvent('deleted-stale', 'pc-1')]);

    expect(page).toContain('ask your platform/<wbr>security team to restore it');
  });

  it('wraps cells between words, and only ids anywhere', () => {
    const page = html(representativeEvents());
    const cells = stylesOf(page, 'pc-cell');

    expect(cells.length).toBeGreaterThan(0);
    for (const style of cells) {
      expect(style).toContain('overflow-wrap:break-word;word-break:normal;');
      expect(style).not.toContain('anywhere');
    }
    for (const style of stylesOf(page, 'pc-code')) expect(style).toContain('overflow-wrap:anywhere;');
  });

  it('writes every instant in the sentences as the date column does, none in ISO', () => {
    const page = html([
      sampleEvent('deleted-expired', 'pc-1'),
      sampleEvent('deleted-orphaned', 'pc-2'),
      sampleEvent('stale-warning', 'pc-3'),
    ]);

    expect(page).toContain(
      'Soft-deleted on 2026-11-26 02:00&nbsp;UTC (less than an hour ago) because it expired on 2026-11-25 00:00&nbsp;UTC (1 day ago).',
    );
    // A stored schedule, one of the event's values: an instant reads the same way.
    expect(page).toContain('(scheduled for deletion on 2026-11-26 00:00&nbsp;UTC).');
    expect(page).toContain('Not used since 2026-08-20 16:41&nbsp;UTC (97 days ago)');
    expect(page).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });

  it('keeps a stored date that is not an instant as it is, isolated', () => {
    const page = html([sampleEvent('deleted-orphaned', 'pc-2', { deleteAfter: 'soon-ish' })]);

    expect(page).toContain('(scheduled for deletion on <span dir="auto">soon-ish</span>).');
  });

  it('names the date and the advice in a row whose cells stack, hidden while the header row shows', () => {
    const page = html([sampleEvent('expiry-warning', 'pc-1')]);

    expect(page).toMatch(
      /<span class="pc-label[^"]*" style="display:none;[^"]*">Date: <\/span><strong>2026-12-03/,
    );
    expect(page).toMatch(
      /<span class="pc-label[^"]*" style="display:none;[^"]*">What to do: <\/span>Renew it/,
    );
    // Shown only below 600 px, where the header row is hidden and the cells stack.
    const narrow = page.slice(page.indexOf('@media (max-width: 600px)'), page.indexOf('</style>'));
    expect(narrow).toContain('.pc-head { display: none !important; }');
    expect(narrow).toContain('.pc-label { display: inline !important; }');
  });
});
