/**
 * The HTML rendering of an owner digest for the SES relay (docs/notifications.md,
 * "The email"): a short header, one table per digest section, a footer. Built
 * for mail clients, not browsers: inline CSS carries everything essential
 * (a `<style>` block only adds dark mode and narrow-screen stacking), no
 * remote images, no scripts, no links to fetch, and every value from the
 * digest is flattened (control, bidi and invisible format characters), escaped and
 * direction-isolated (display names and ids are untrusted). Every instant reads
 * in one form, `2026-12-03 09:00 UTC`, in the date column and in the sentences
 * alike; prose wraps between words, only untrusted values (ids, names) anywhere.
 * Pure: the same document renders the same HTML.
 */
import {
  describeEventLines,
  type EventLine,
  eventInstant,
  type Fold,
  foldOvertaken,
  footerLines,
  lateDeliveryNote,
  partsLine,
  phrasesNow,
  plainName,
  plainValue,
  relative,
  SECTION_ORDER,
  sectionHeading,
  utcMinute as utcMinuteText,
  type WholeDigest,
} from '../hygiene/digest';
import type { OutboxEvent } from '../hygiene/events';
import { parseInstant } from '../hygiene/time';
import { escapeHtml, isolated } from './html-escape';

/** What the HTML is rendered from: one published part of a digest. */
export interface DigestHtmlInput {
  readonly userId: string;
  /** The owner's name from the directory, when known. */
  readonly ownerName?: string;
  /** The part's events, in digest order. */
  readonly events: readonly OutboxEvent[];
  /** The digest's `generatedAt`: what the email lists is as of then (relative phrases: {@link sentAt}). */
  readonly generatedAt: string;
  readonly part: number;
  readonly parts: number;
  /** A split digest's whole, its document's `wholeDigest`: each part says it (`partsLine`). */
  readonly wholeDigest?: WholeDigest;
  /** The email's subject (the document's `<title>`). */
  readonly subject: string;
  /** Whom the owner asks (the config's `ownerContact`); unset: "your platform/security team". */
  readonly contact?: string;
  /**
   * When the email is sent (epoch ms), the relay's clock: relative phrases are computed from it (`phrasesNow`: never
   * before `generatedAt`; from `generatedAt` without it), and more than an hour after `generatedAt` it opens by
   * saying so.
   */
  readonly sentAt?: number;
}

/** Light colours, inline (what every client shows). */
const LIGHT = { page: '#f4f5f7', card: '#ffffff', text: '#1f2328', muted: '#57606a', line: '#d0d7de' };
/** Accent of each section, by its position in `SECTION_ORDER` (most urgent first); readable on white. */
const ACCENTS = ['#b3261e', '#9a6700', '#8250df', '#0b62c4', '#57606a'];
/** The same accents, readable on the dark card. */
const DARK_ACCENTS = ['#ff9492', '#e3b341', '#d2a8ff', '#79c0ff', '#9198a1'];
const FONT = "-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const MONO = 'ui-monospace,SFMono-Regular,Menlo,Consolas,monospace';
/** Ids (in `<code>`) wrap anywhere: a token, not a word. */
const WRAP_ANYWHERE = 'overflow-wrap:anywhere;';
/**
 * Prose wraps between words (a slash also offers a break: {@link wordingHtml}); a word is split only when it cannot
 * fit a line of its own (a 256-character name without spaces), the last resort against running over the next column
 * at 375 px, never mid-word otherwise (not `anywhere`, nor `word-break:break-word`: they split a word a line could
 * still take whole, "platform/securi ty").
 */
const WRAP_PROSE = 'overflow-wrap:break-word;word-break:normal;';
const CELL = `padding:8px 6px;border-top:1px solid ${LIGHT.line};vertical-align:top;text-align:start;${WRAP_PROSE}`;

/**
 * Dark mode and narrow screens, for clients that honour a `<style>` block:
 * colours flip through classes, and below 600 px each row's cells stack, each
 * with its column's name (`pc-label`: the hidden header's words).
 */
const STYLE = `
:root { color-scheme: light dark; supported-color-schemes: light dark; }
@media (prefers-color-scheme: dark) {
  .pc-page { background: #0d1117 !important; color: #e6edf3 !important; }
  .pc-card { background: #161b22 !important; color: #e6edf3 !important; border-color: #30363d !important; }
  .pc-muted { color: #9198a1 !important; }
  .pc-cell, .pc-rule { border-color: #30363d !important; }
  .pc-code { background: #21262d !important; color: #e6edf3 !important; }
${DARK_ACCENTS.map((c, i) => `  .pc-accent-${i} { color: ${c} !important; }`).join('\n')}
}
@media (max-width: 600px) {
  .pc-card { padding: 14px !important; }
  .pc-head { display: none !important; }
  .pc-cell { display: block !important; width: auto !important; padding: 4px 0 !important; }
  .pc-cell + .pc-cell { border-top-width: 0 !important; }
  .pc-cell:first-child { padding-top: 10px !important; }
  .pc-label { display: inline !important; }
}`;

/** `2026-12-03 09:00&nbsp;UTC` for an instant (epoch ms): the text's form, the zone kept on the time's line. */
function utcMinute(ms: number): string {
  return utcMinuteText(ms).replace(/ UTC$/, '&nbsp;UTC');
}

/** An RFC 3339 instant in the wording of a described line (the digest writes a valid one there as is). */
const INSTANT_IN_WORDING = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/gi;

/**
 * Fixed wording as HTML: escaped, each instant in the email's one form ({@link utcMinute}, as the date column and the
 * header: not the text part's ISO), and a break offered after a slash ("platform/security" is wider than a column
 * at 375 px: without it, the word would be split mid-word).
 */
function wordingHtml(wording: string): string {
  return escapeHtml(wording)
    .replace(INSTANT_IN_WORDING, (iso) => {
      const parsed = parseInstant(iso);
      return parsed.ok ? utcMinute(parsed.ms) : iso;
    })
    .replaceAll('/', '/<wbr>');
}

/**
 * The column's name before a cell's content, shown only when the row's cells stack (the `<style>` block, below
 * 600 px: the header row is hidden then); hidden inline, so a client without the block shows the header instead.
 */
function label(column: string): string {
  return `<span class="pc-label pc-muted" style="display:none;mso-hide:all;color:${LIGHT.muted};font-size:12px;font-weight:600">${column}: </span>`;
}

/**
 * `2026-12-03 09:00 UTC` and `in 7 days`, or the stored value as is when it is not an instant. The date may wrap
 * between the day and the time: a client that strips the `<style>` block keeps the three columns at 375 px, where
 * the date on one line (`nowrap`) would run over the next column.
 */
function dateCell(iso: string | undefined, now: number): string {
  if (iso === undefined)
    return `${label('Date')}<span class="pc-muted" style="color:${LIGHT.muted}">unknown</span>`;
  const parsed = parseInstant(iso);
  if (!parsed.ok) return `${label('Date')}${isolated(plainValue(iso))}`;
  const day = utcMinute(parsed.ms);
  return `${label('Date')}<strong>${day}</strong><br><span class="pc-muted" style="color:${LIGHT.muted}">${escapeHtml(relative(parsed.ms, now))}</span>`;
}

/** `pc-0c21` in a code style: ids are untrusted too, so flattened ({@link plainValue}), escaped and direction-isolated. */
function code(id: string): string {
  return `<code class="pc-code" dir="auto" style="font-family:${MONO};font-size:12px;background:#eff2f5;padding:1px 4px;border-radius:3px;${WRAP_ANYWHERE}">${escapeHtml(plainValue(id))}</code>`;
}

/**
 * One of the event's values in a sentence: a stored date that is a valid instant (a deletion's schedule) in the
 * email's one form ({@link utcMinute}); anything else flattened, escaped and direction-isolated.
 */
function valueHtml(value: string): string {
  const parsed = parseInstant(value);
  return parsed.ok ? utcMinute(parsed.ms) : isolated(plainValue(value));
}

/** A described line: wording as {@link wordingHtml}, each of the event's values as {@link valueHtml}. */
function lineHtml(line: EventLine): string {
  return line.map((part) => (typeof part === 'string' ? wordingHtml(part) : valueHtml(part.value))).join('');
}

/** The credential cell: name, id, client id, and what happened (every line of the text digest but the advice). */
function credentialCell(event: OutboxEvent, facts: readonly EventLine[]): string {
  const display = plainName(event.displayName);
  const name =
    display !== undefined
      ? isolated(display, 'font-weight:600')
      : `<span style="font-style:italic">Unnamed credential</span>`;
  const client = event.clientId ? `<br>client id ${code(event.clientId)}` : '';
  const detail = facts.map(lineHtml).join('<br>');
  return (
    `${name}<br><span class="pc-muted" style="color:${LIGHT.muted};font-size:13px">id ${code(event.credentialId)}${client}</span>` +
    (detail === ''
      ? ''
      : `<br><span class="pc-muted" style="color:${LIGHT.muted};font-size:13px">${detail}</span>`)
  );
}

/** The advice line without its "What to do: " lead (the column says it), capitalised. */
function advice(line: EventLine | undefined): string {
  const [lead = '', ...rest] = line ?? [];
  if (typeof lead !== 'string') return lineHtml(line ?? []);
  const bare = lead.replace(/^What to do:\s*/, '');
  return lineHtml([bare.charAt(0).toUpperCase() + bare.slice(1), ...rest]);
}

/** What every row of one email is rendered at: the phrases' now, whom to ask, and when the relay was handed the digest. */
interface RowContext {
  readonly now: number;
  readonly contact: string | undefined;
  /** The digest's `generatedAt`: the drain handed it to the relay then (a restore window past its end says so). */
  readonly relayedAt: number;
  /** The email's events folded (`foldOvertaken`): what a deletion's row says of the expiry notices it overtakes. */
  readonly fold: Fold;
}

function row(event: OutboxEvent, { now, contact, relayedAt, fold }: RowContext): string {
  const lines = describeEventLines(event, now, contact, relayedAt, fold.overtakenBy(event));
  const cells = [
    credentialCell(event, lines.slice(0, -1)),
    dateCell(eventInstant(event), now),
    `${label('What to do')}${advice(lines.at(-1))}`,
  ];
  const widths = ['44%', '22%', '34%'];
  return `<tr>${cells.map((c, i) => `<td class="pc-cell" style="${CELL}width:${widths[i]}">${c}</td>`).join('')}</tr>`;
}

/** One section: its heading with a count, and a table with a row per credential. */
function section(title: string, index: number, events: readonly OutboxEvent[], context: RowContext): string {
  const head = ['Credential', 'Date', 'What to do']
    .map(
      (h) =>
        `<th scope="col" class="pc-muted" style="text-align:start;padding:4px 6px;font-size:12px;font-weight:600;color:${LIGHT.muted}">${h}</th>`,
    )
    .join('');
  return [
    `<h2 class="pc-accent-${index}" style="margin:24px 0 8px;font-size:17px;line-height:1.3;color:${ACCENTS[index] ?? LIGHT.text}">${escapeHtml(sectionHeading(title, events, context.now))} (${events.length})</h2>`,
    `<table role="table" width="100%" cellpadding="0" cellspacing="0" style="width:100%;table-layout:fixed;border-collapse:collapse;font-size:14px;line-height:1.45">`,
    `<thead class="pc-head"><tr>${head}</tr></thead>`,
    `<tbody>${events.map((e) => row(e, context)).join('')}</tbody>`,
    '</table>',
  ].join('\n');
}

/**
 * Greeting, what this is as of `generated` (epoch ms), and which part of a split digest and what all its parts cover;
 * first, a late delivery's note (as the text's).
 */
function header(input: DigestHtmlInput, greeting: string, generated: number): string {
  const partNote =
    input.parts > 1
      ? `<p style="margin:0 0 8px">${escapeHtml(partsLine(input.part, input.parts, input.wholeDigest))}</p>`
      : '';
  const late = lateDeliveryNote(generated, input.sentAt);
  const lateNote =
    late === undefined
      ? ''
      : `<p style="margin:0 0 12px;padding:8px 10px;border-left:4px solid ${ACCENTS[0]};font-weight:600">${escapeHtml(late)}</p>`;
  return [
    lateNote,
    `<p class="pc-muted" style="margin:0 0 4px;font-size:12px;letter-spacing:.04em;text-transform:uppercase;color:${LIGHT.muted}">PersonalClient Hygiene</p>`,
    `<h1 style="margin:0 0 12px;font-size:21px;line-height:1.3">Your personal API credentials</h1>`,
    // Greeted by the user id when the directory has no name: an id without spaces must wrap too.
    `<p style="margin:0 0 8px;${WRAP_PROSE}">Hello ${greeting},</p>`,
    `<p style="margin:0 0 8px">Here is what the credential hygiene worker did or will do to your personal API credentials (as of ${utcMinute(generated)}).</p>`,
    partNote,
  ].join('\n');
}

/** The text's footer lines (`footerLines`), on the relay's route: it is the only one that sends this HTML. */
function footer(contact: string | undefined): string {
  const lines = footerLines({ route: 'relay', ...(contact !== undefined && { contact }) }).map(lineHtml);
  return `<p class="pc-muted pc-rule" style="margin:28px 0 0;padding-top:12px;border-top:1px solid ${LIGHT.line};font-size:12px;color:${LIGHT.muted};${WRAP_PROSE}">${lines.join(' ')}</p>`;
}

/**
 * The digest part as a complete HTML document, one table per non-empty
 * section in `SECTION_ORDER`, its relative phrases as of the send ({@link DigestHtmlInput.sentAt}). Its rows, as the
 * text's entries, are the events shown (`foldOvertaken`): an expiry warning its credential's deletion overtakes is a
 * line of that deletion's row, with no row of its own.
 * @throws {RangeError} when `generatedAt` is not a valid instant
 */
export function renderDigestHtml(input: DigestHtmlInput): string {
  const parsed = parseInstant(input.generatedAt);
  if (!parsed.ok) throw new RangeError(`generatedAt ${JSON.stringify(input.generatedAt)}: ${parsed.reason}`);
  // The HTML is the relay's only: the drain handed the digest to it at `generatedAt`.
  const context: RowContext = {
    now: phrasesNow(parsed.ms, input.sentAt),
    contact: input.contact,
    relayedAt: parsed.ms,
    fold: foldOvertaken(input.events),
  };
  const greeting = isolated(plainName(input.ownerName) ?? plainValue(input.userId));
  const sections = SECTION_ORDER.map((s, i) => ({
    s,
    i,
    events: context.fold.shown.filter((e) => s.types.includes(e.type)),
  }))
    .filter((x) => x.events.length > 0)
    .map((x) => section(x.s.title, Math.min(x.i, ACCENTS.length - 1), x.events, context));
  return `<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${escapeHtml(input.subject)}</title>
<style>${STYLE}
</style>
</head>
<body class="pc-page" style="margin:0;padding:0;background:${LIGHT.page};color:${LIGHT.text};font-family:${FONT};-webkit-text-size-adjust:100%">
<div class="pc-page" style="background:${LIGHT.page};padding:12px 8px">
<div class="pc-card" role="article" aria-label="${escapeHtml(input.subject)}" style="max-width:680px;margin:0 auto;background:${LIGHT.card};color:${LIGHT.text};border:1px solid ${LIGHT.line};border-radius:8px;padding:20px;font-size:15px;line-height:1.5">
${header(input, greeting, parsed.ms)}
${sections.join('\n')}
${footer(input.contact)}
</div>
</div>
</body>
</html>
`;
}
