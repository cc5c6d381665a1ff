/**
 * Every runbook of docs/deploy.md ("Operations: alarms and the dashboard", the `### Runbook: …` sections) says when
 * its problem is over: a line that starts "Resolved when" (bold or not, a numbered step's or a paragraph's), naming
 * what the operator checks and what clears the alarm. Without it an operator cannot tell a fixed problem from an
 * alarm that merely returned to OK with its period, so a new runbook without one fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** A markdown text without its fenced code blocks (a script's `# comment` is no heading, its lines no runbook's). */
const withoutFences = (markdown: string) => markdown.replace(/^ *```[^\n]*\n[\s\S]*?^ *```$/gm, '');

/** The runbooks of a markdown text: each `### Runbook: ` heading's name and the text up to the next heading. */
function runbooksOf(markdown: string): { name: string; body: string }[] {
  return withoutFences(markdown)
    .split(/^(?=#{1,3} )/m)
    .filter((section) => section.startsWith('### Runbook: '))
    .map((section) => ({
      name: section.slice('### '.length, section.indexOf('\n')).trim(),
      body: section.slice(section.indexOf('\n') + 1),
    }));
}

/** Whether a runbook's text has a line starting "Resolved when" (`**` and a list number before it allowed). */
const saysWhenResolved = (body: string) => /^(?:\d+\.\s+)?Resolved when /m.test(body.replaceAll('**', ''));

/** The names of the runbooks of `markdown` that do not say when they are resolved. */
function runbooksWithoutResolution(markdown: string): string[] {
  return runbooksOf(markdown)
    .filter((runbook) => !saysWhenResolved(runbook.body))
    .map((runbook) => runbook.name);
}

describe('docs/deploy.md runbooks', () => {
  const deployDoc = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');

  it('each say when they are resolved', () => {
    const headings = deployDoc.split('\n').filter((line) => line.startsWith('### Runbook: '));

    expect(runbooksOf(deployDoc).map((r) => r.name)).toHaveLength(headings.length);
    expect(headings.length).toBeGreaterThan(0);
    expect(runbooksWithoutResolution(deployDoc)).toEqual([]);
  });

  it('a runbook whose only "Resolved when" is in a script, or missing, is reported; a script’s comment is no heading', () => {
    const markdown = [
      '## Operations',
      '### Runbook: Paragraph (`A`)',
      'Fix it with this script:',
      '```sh',
      '# drain.sh: a comment, not a heading',
      '```',
      '**Resolved when** the queue is empty.',
      '### Runbook: Step (`B`)',
      '1. Fix it.',
      '2. **Resolved** when the queue is empty.',
      '### Runbook: Script (`C`)',
      '```sh',
      'Resolved when the loop ends',
      '```',
      '### Runbook: Missing (`D`)',
      'The alarm clears by itself.',
      '## Restore runbook',
      'Resolved when restored.',
    ].join('\n');

    expect(runbooksWithoutResolution(markdown)).toEqual(['Runbook: Script (`C`)', 'Runbook: Missing (`D`)']);
  });
});
