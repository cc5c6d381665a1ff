/**
 * Why: an endpoint URL may carry a secret — user info (`http://user:password@host`)
 * or a token in its query or fragment — and what the CLI prints (advice on
 * stdout, errors on stderr) ends up in CI logs. Every message that names an
 * endpoint the operator gave names it through here: as given only when it is
 * a printable URL (one with a host, and no user info, query or fragment, nor
 * an `@`, `?` or `#` anywhere in the text), else a placeholder. A value that
 * is no such URL is never shown either, not even in the error that refuses
 * it: `u:SECRET@127.0.0.1:9` parses as a URL of scheme `u` whose path holds
 * the rest, and text that is no URL at all may be one mistyped, secret and all.
 * The one exception is a bare `host:port` (`127.0.0.1:8000`, `localhost:8000`:
 * {@link isBareHostPort}), a URL without its scheme, in which no secret fits:
 * it is shown, so its refusal can name it and the URL meant.
 * A message names it as text ({@link endpointText}) or, where the operator is
 * to type it back, as one shell word ({@link endpointWord}).
 */

import { typedWord } from '../format/shell-word';

/** What a message says in place of a URL with a host that may hold a secret (user info, a query, a fragment). */
export const ENDPOINT_NOT_SHOWN = '(an endpoint URL with credentials, a query or a fragment: not shown)';

/** What a message says in place of a value that is no URL with a host: it may hold a secret all the same. */
export const NON_URL_ENDPOINT_NOT_SHOWN =
  '(an endpoint that is no URL with a host: not shown, it may hold a secret)';

/** The characters that open user info, a query or a fragment: a value holding one is never shown. */
const SECRET_MARKS = /[@?#]/;

/**
 * A host and a port, nothing else: a host name (labels of letters, digits, `-`, `_`, dot-separated; an IPv4
 * address is one) or a bracketed IPv6 address, a colon, and a port's 1 to 5 digits.
 */
const BARE_HOST_PORT = /^(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}$/;

/**
 * Whether `endpoint` is a bare `host:port` (`127.0.0.1:8000`, `localhost:8000`, `[::1]:8000`): a URL given
 * without its scheme, holding nothing but a host name or IP address and a port, so nothing that may be a secret.
 * Such a value is shown as given ({@link endpointPlaceholder}), and its refusal names `http://host:port`.
 */
export function isBareHostPort(endpoint: string): boolean {
  return BARE_HOST_PORT.test(endpoint);
}

/**
 * `endpoint` parsed when it is a URL with a host (`http://…`, `https://…`, any `scheme://host`), else `undefined`.
 * One parse (`URL.parse` would need Node 22.1; the package allows 22.0).
 */
function urlWithHost(endpoint: string): URL | undefined {
  try {
    const url = new URL(endpoint);
    return url.host === '' ? undefined : url;
  } catch {
    return undefined;
  }
}

/**
 * What a message says in place of `endpoint`, or `undefined` when it is safe to print as given: a URL with a host,
 * no user info, query or fragment, and no `@`, `?` or `#` in its text (an empty query or fragment, or an `@` the
 * parser puts in the path, still marks a secret), or a bare `host:port` ({@link isBareHostPort}).
 * {@link ENDPOINT_NOT_SHOWN} for any other URL with a host, {@link NON_URL_ENDPOINT_NOT_SHOWN} for anything else.
 * Parses `endpoint` once.
 */
export function endpointPlaceholder(endpoint: string): string | undefined {
  const url = urlWithHost(endpoint);
  if (url === undefined) return isBareHostPort(endpoint) ? undefined : NON_URL_ENDPOINT_NOT_SHOWN;
  const secret =
    SECRET_MARKS.test(endpoint) ||
    [url.username, url.password, url.search, url.hash].some((part) => part !== '');
  return secret ? ENDPOINT_NOT_SHOWN : undefined;
}

/** `endpoint` as a message shows it: as given when it is safe to print, else its {@link endpointPlaceholder}. */
export function endpointText(endpoint: string): string {
  return endpointPlaceholder(endpoint) ?? endpoint;
}

/**
 * An endpoint as a message shows it: one shell word to type back, or in its
 * place `placeholder` when given, else what says why it is not shown: it may
 * hold a secret (user info `http://user:password@host`, a query or a fragment
 * where a token goes, or no URL to look into: {@link endpointPlaceholder}), or it
 * cannot be typed back (control characters: `VALUE_WITH_CONTROL_CHARACTERS`, cli/format/shell-word.ts).
 * @param placeholder what the advice to type shows instead (`URL`), when the endpoint is not shown
 */
export function endpointWord(endpoint: string, placeholder?: string): string {
  const hidden = endpointPlaceholder(endpoint);
  if (hidden !== undefined) return placeholder ?? hidden;
  return typedWord(endpoint, placeholder);
}
