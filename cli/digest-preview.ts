/**
 * Readable previews of published entries (the JSON Lines the file sink
 * writes): who gets what, the subject and the email text, for `local` and
 * for operators checking a `--sink jsonl:PATH` file.
 */
import { readFile } from 'node:fs/promises';
import type { PublishEntry } from '../lambdas/aws/sns-wire';
import { terminalText } from '../lambdas/render/sanitize';

function attribute(entry: PublishEntry, name: string): string | undefined {
  return entry.MessageAttributes[name]?.StringValue;
}

/** One entry as a block of text: a header line (audience, recipient, severity, event types), the subject, the email text. */
export function renderEntryPreview(entry: PublishEntry): string {
  const audience = attribute(entry, 'audience') ?? 'unknown audience';
  const userId = attribute(entry, 'userId');
  const types = attribute(entry, 'eventTypes');
  const eventTypes = types === undefined ? [] : (JSON.parse(types) as string[]);
  const header = [
    audience === 'owner' && userId !== undefined ? `to ${userId}` : `to the ${audience} audience`,
    `severity ${attribute(entry, 'severity') ?? '?'}`,
    eventTypes.join(', '),
  ]
    .filter(Boolean)
    .join(' | ');
  let text: string;
  try {
    const message = JSON.parse(entry.Message) as Record<string, unknown>;
    text = String(message.email ?? message.default ?? entry.Message);
  } catch {
    text = entry.Message;
  }
  // Attributes, subject and text carry stored names and ids: safe for a terminal, newlines kept in the text.
  return `=== ${terminalText(header)} ===\nSubject: ${terminalText(entry.Subject)}\n\n${terminalText(text.trimEnd(), { multiline: true })}\n`;
}

/** Reads a JSON Lines file of entries (what the file sink wrote). */
export async function readEntriesFile(path: string): Promise<PublishEntry[]> {
  const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  return lines.map((l) => JSON.parse(l) as PublishEntry);
}

/**
 * Reads a JSON Lines file of entries and renders each one, from line `fromLine`
 * (0-based; so a caller can show only what one drain appended).
 */
export async function previewEntriesFile(
  path: string,
  fromLine = 0,
): Promise<{ count: number; text: string }> {
  const entries = (await readEntriesFile(path)).slice(fromLine);
  return { count: entries.length, text: entries.map(renderEntryPreview).join('\n') };
}

/**
 * An overview of many entries: the first `full` in full, the rest as their
 * header and subject lines, then where the whole set is.
 */
export function renderEntriesOverview(entries: readonly PublishEntry[], full: number, path: string): string {
  if (entries.length === 0) return `No digests to send (nothing was queued). File: ${path}\n`;
  const blocks = entries.slice(0, full).map(renderEntryPreview);
  const rest = entries.slice(full).map((e) => renderEntryPreview(e).split('\n').slice(0, 2).join('\n'));
  const title = `Digests that would be sent: ${entries.length} message${entries.length === 1 ? '' : 's'}`;
  const more = rest.length > 0 ? [`... and ${rest.length} more (subjects only):\n`, rest.join('\n'), ''] : [];
  return [
    `${title}\n`,
    blocks.join('\n'),
    ...more,
    `All entries, exactly as PublishBatch would send them: ${path}\n`,
  ].join('\n');
}
