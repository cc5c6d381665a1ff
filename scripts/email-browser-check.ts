/**
 * Looks at an email's HTML in a real browser (headless Chromium through the
 * DevTools protocol, via playwright-core): renders it at 375 px and 1024 px,
 * light and dark, and once more without its `<style>` block (as the mail clients
 * that strip it show it: inline CSS only), saves screenshots, and reports
 * horizontal overflow — the page scrolling sideways, or a box whose content runs
 * out of it over its neighbour (a table cell's text over the next column) — and
 * every request the page tried to make (an email must make none: no remote
 * images, fonts or scripts). Used by `npm run render:email` and its test.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/** Debian's `chromium` package (`apt-get install -y chromium`; `.ci/run` installs it). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a quiet, offline headless Chromium. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The widths an email must read well at: a small phone and a desktop client. */
export const EMAIL_WIDTHS = [375, 1024] as const;

/** What the browser saw at one width and colour scheme, with or without the email's `<style>` block. */
export interface EmailView {
  readonly width: number;
  readonly colorScheme: 'light' | 'dark';
  /** `stripped`: the HTML without its `<style>` block, as a client that removes it renders it (light only). */
  readonly styleBlock: 'kept' | 'stripped';
  /** The document's `scrollWidth`: more than `width` means horizontal scrolling. */
  readonly scrollWidth: number;
  /** The boxes whose content is wider than they are (tag, widths, first words): it runs over what is beside them. */
  readonly overflowingBoxes: readonly string[];
  readonly screenshot: string;
}

/** The result of {@link checkEmailHtml}. */
export interface EmailBrowserCheck {
  readonly views: readonly EmailView[];
  /** URLs the page tried to fetch (all blocked). */
  readonly requests: readonly string[];
  /** Views that scroll horizontally, or with a box its content overflows. */
  readonly overflowing: readonly EmailView[];
}

/** The renderings looked at, per width: light and dark as sent, then light without the `<style>` block. */
const RENDERINGS = [
  { colorScheme: 'light', styleBlock: 'kept' },
  { colorScheme: 'dark', styleBlock: 'kept' },
  { colorScheme: 'light', styleBlock: 'stripped' },
] as const;

/** The email as a client that strips `<style>` blocks shows it: inline CSS only. */
function withoutStyleBlocks(html: string): string {
  return html.replace(/<style[^>]*>[\s\S]*?<\/style>/gi, '');
}

/**
 * Runs in the page (a string, so Node's type check needs no DOM types): every element with a box whose content is
 * wider than the box (an inline element has no such width), as `TAG scrollWidth>clientWidth "first words"`.
 */
const OVERFLOWING_BOXES = `[...document.body.querySelectorAll('*')]
  .filter((e) => e.clientWidth > 0 && e.scrollWidth > e.clientWidth)
  .map((e) => e.tagName + ' ' + e.scrollWidth + '>' + e.clientWidth + ' "' + (e.textContent ?? '').slice(0, 40) + '"')`;

/**
 * Renders `html` in headless Chromium at each of {@link EMAIL_WIDTHS}, in the
 * light and the dark colour scheme, writing `<name>-<width>-<scheme>.png` to `outDir`,
 * then without its `<style>` block (`<name>-<width>-no-style.png`).
 * Every network request is recorded and aborted.
 */
export async function checkEmailHtml(
  html: string,
  outDir: string,
  name = 'email',
): Promise<EmailBrowserCheck> {
  await mkdir(outDir, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const requests: string[] = [];
  const views: EmailView[] = [];
  try {
    for (const width of EMAIL_WIDTHS) {
      for (const { colorScheme, styleBlock } of RENDERINGS) {
        const page = await browser.newPage({ viewport: { width, height: 800 }, colorScheme });
        await page.route('**/*', (route) => {
          requests.push(route.request().url());
          return route.abort();
        });
        await page.setContent(styleBlock === 'kept' ? html : withoutStyleBlocks(html), { waitUntil: 'load' });
        // Runs in the page: the expression is a string so Node's type check needs no DOM types.
        const scrollWidth = await page.evaluate<number>(
          'Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)',
        );
        const overflowingBoxes = await page.evaluate<string[]>(OVERFLOWING_BOXES);
        const look = styleBlock === 'kept' ? colorScheme : 'no-style';
        const screenshot = join(outDir, `${name}-${width}-${look}.png`);
        await page.screenshot({ path: screenshot, fullPage: true });
        views.push({ width, colorScheme, styleBlock, scrollWidth, overflowingBoxes, screenshot });
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }
  const overflowing = views.filter((v) => v.scrollWidth > v.width || v.overflowingBoxes.length > 0);
  return { views, requests, overflowing };
}
