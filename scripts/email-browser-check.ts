/**
 * Looks at an email's HTML in a real browser (headless Chromium through the
 * DevTools protocol, via playwright-core): renders it at 375 px and 1024 px,
 * light and dark, saves screenshots, and reports horizontal overflow and every
 * request the page tried to make (an email must make none: no remote images,
 * fonts or scripts). Used by `npm run render:email` and its test.
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

/** What the browser saw at one width and colour scheme. */
export interface EmailView {
  readonly width: number;
  readonly colorScheme: 'light' | 'dark';
  /** The document's `scrollWidth`: more than `width` means horizontal scrolling. */
  readonly scrollWidth: number;
  readonly screenshot: string;
}

/** The result of {@link checkEmailHtml}. */
export interface EmailBrowserCheck {
  readonly views: readonly EmailView[];
  /** URLs the page tried to fetch (all blocked). */
  readonly requests: readonly string[];
  /** Views that scroll horizontally. */
  readonly overflowing: readonly EmailView[];
}

/**
 * Renders `html` in headless Chromium at each of {@link EMAIL_WIDTHS}, in the
 * light and the dark colour scheme, writing `<name>-<width>-<scheme>.png` to `outDir`.
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
      for (const colorScheme of ['light', 'dark'] as const) {
        const page = await browser.newPage({ viewport: { width, height: 800 }, colorScheme });
        await page.route('**/*', (route) => {
          requests.push(route.request().url());
          return route.abort();
        });
        await page.setContent(html, { waitUntil: 'load' });
        // Runs in the page: the expression is a string so Node's type check needs no DOM types.
        const scrollWidth = await page.evaluate<number>(
          'Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)',
        );
        const screenshot = join(outDir, `${name}-${width}-${colorScheme}.png`);
        await page.screenshot({ path: screenshot, fullPage: true });
        views.push({ width, colorScheme, scrollWidth, screenshot });
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }
  return { views, requests, overflowing: views.filter((v) => v.scrollWidth > v.width) };
}
