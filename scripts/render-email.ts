/**
 * `npm run render:email [OUT_DIR]`: renders the email of a representative
 * owner digest (every section, hostile display names) with the relay's code,
 * writes its `.eml` and `.html`, then opens the HTML in headless Chromium at
 * 375 px and 1024 px (light and dark) and saves screenshots. Exits 1 when the
 * page scrolls horizontally at 375 px or tried any network request.
 * Default OUT_DIR: `artifacts/email` (git-ignored; CI keeps it as an artefact).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { composeMime } from '../lambdas/relay/owner-email';
import { sampleOwnerEmail } from '../test/support/sample-digest';
import { checkEmailHtml } from './email-browser-check';

const outDir = process.argv[2] ?? join('artifacts', 'email');
const email = sampleOwnerEmail('PersonalClient Hygiene <hygiene@example.com>');
const check = await checkEmailHtml(email.html, outDir, 'digest');
await writeFile(join(outDir, 'digest.html'), email.html);
await writeFile(join(outDir, 'digest.eml'), await composeMime(email));

for (const view of check.views) {
  process.stdout.write(
    `${view.width} px ${view.colorScheme}: scrollWidth ${view.scrollWidth} → ${view.screenshot}\n`,
  );
}
process.stdout.write(`Wrote ${join(outDir, 'digest.eml')} and ${join(outDir, 'digest.html')}\n`);
const narrowOverflow = check.overflowing.filter((v) => v.width === 375);
if (narrowOverflow.length > 0 || check.requests.length > 0) {
  for (const v of narrowOverflow)
    process.stderr.write(`overflow at ${v.width} px (${v.colorScheme}): scrollWidth ${v.scrollWidth}\n`);
  for (const url of check.requests) process.stderr.write(`external request: ${url}\n`);
  process.exitCode = 1;
}
