/**
 * A described line as fixed wording and untrusted values kept apart ({@link EventLine}), so each rendering treats the
 * values its own way: the text flattens them ({@link lineText}), the HTML email (`lambdas/render/digest-html.ts`)
 * also escapes and isolates them. Also the template that builds such lines, and whom an owner is told to ask.
 */
import { plainValue } from './plain-text';

/**
 * A value from an event inside a described line (the credential id, a stored
 * date that is not an instant): untrusted, so the text flattens it
 * ({@link plainValue}) and the HTML email also isolates its direction.
 */
export interface EventValue {
  readonly value: string;
}

/** One line of `describeEventLines` (`event-lines.ts`): fixed wording and the event's values, in order. */
export type EventLine = readonly (string | EventValue)[];

/** An {@link EventLine} from a template: interpolated strings are wording, values and lines are spliced in. */
export function line(
  words: TemplateStringsArray,
  ...parts: readonly (string | EventValue | EventLine)[]
): EventLine {
  const out: (string | EventValue)[] = [];
  words.forEach((word, i) => {
    if (word !== '') out.push(word);
    const part = parts[i];
    if (part === undefined || part === '') return;
    if (typeof part === 'string' || 'value' in part) out.push(part);
    else out.push(...part);
  });
  return out;
}

/** An {@link EventLine} as text: each value flattened by {@link plainValue}. */
export function lineText(parts: EventLine): string {
  let text = '';
  for (const part of parts) text += typeof part === 'string' ? part : plainValue(part.value);
  return text;
}

/**
 * Whom an owner asks, in every "what to do" that needs a person and in the
 * footer: the config's `ownerContact` (docs/configuration.md), a stored value
 * (flattened in the text, escaped and isolated in the HTML), else the generic
 * team, worded as before the key existed.
 */
export function whomToAsk(contact: string | undefined): string | EventValue {
  return contact === undefined ? 'your platform/security team' : { value: contact };
}
