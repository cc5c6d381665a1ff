/**
 * Why: an endpoint URL may carry a secret — user info (`http://user:password@host`)
 * or a token in its query or fragment — and what the CLI prints (advice on
 * stdout, errors on stderr) ends up in CI logs. Every message that names an
 * endpoint the operator gave names it through here: as given when it holds
 * none of those parts, else a placeholder.
 */

/** What a message says in place of an endpoint that may hold a secret. */
export const ENDPOINT_NOT_SHOWN = '(an endpoint URL with credentials, a query or a fragment: not shown)';

/** Whether `endpoint` is a URL with no user info, query or fragment: safe to print. */
export function isPrintableEndpoint(endpoint: string): boolean {
  if (!URL.canParse(endpoint)) return false;
  const url = new URL(endpoint);
  return [url.username, url.password, url.search, url.hash].every((part) => part === '');
}

/** `endpoint` as a message shows it: as given when it is safe to print ({@link isPrintableEndpoint}), else {@link ENDPOINT_NOT_SHOWN}. */
export function endpointText(endpoint: string): string {
  return isPrintableEndpoint(endpoint) ? endpoint : ENDPOINT_NOT_SHOWN;
}
