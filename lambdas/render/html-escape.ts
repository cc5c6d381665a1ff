/**
 * The one HTML escaper of the email renderer. Display names and ids are
 * untrusted (anyone who can name a credential writes them), so every value
 * that reaches the HTML goes through {@link escapeHtml}, in text and in
 * attribute values alike.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * `text` safe as HTML text or as a double- or single-quoted attribute value:
 * the five markup characters become entities, and control characters other
 * than tab and line feed (CR, NUL, C1 controls) become spaces.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c).replace(/(?![\t\n])\p{Cc}/gu, ' ');
}

/**
 * An untrusted value as isolated inline text: `dir="auto"` makes the browser
 * isolate its direction, so a right-to-left name (or a bidi override in it)
 * cannot reorder the text around it.
 */
export function isolated(text: string, style = ''): string {
  const styleAttr = style === '' ? '' : ` style="${style}"`;
  return `<span dir="auto"${styleAttr}>${escapeHtml(text)}</span>`;
}
