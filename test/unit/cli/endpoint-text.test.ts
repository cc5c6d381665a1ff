/**
 * An endpoint the operator gave is shown only when it is a printable URL (a
 * host; no user info, query or fragment, nor `@`, `?` or `#` in its text) or a
 * bare `host:port`, which holds no secret: anything else may hold one, and what
 * the CLI prints ends up in CI logs (`cli/options/endpoint-text.ts`) — the
 * refusal of a bad `--endpoint` too, which names the URL a bare `host:port`
 * meant. Each call parses the endpoint once, however it is judged.
 */
import { describe, expect, it, vi } from 'vitest';
import { targetFlagsOf } from '../../../cli/options/deployment-target';
import {
  ENDPOINT_NOT_SHOWN,
  endpointText,
  NON_URL_ENDPOINT_NOT_SHOWN,
} from '../../../cli/options/endpoint-text';
import { documentClientFor } from '../../../cli/options/table-options';
import { UsageError } from '../../../cli/usage-error';
import { runCli } from '../../support/run-cli';

describe('endpointText', () => {
  it('shows a URL with a host and nothing that may hold a secret as given', () => {
    for (const endpoint of ['http://127.0.0.1:8000', 'https://dynamodb.local:8443/base', 'ftp://h:21'])
      expect(endpointText(endpoint)).toBe(endpoint);
  });

  it('never shows a URL with user info, a query or a fragment, even an empty one', () => {
    for (const endpoint of [
      'http://ops:s3cret@h:8000',
      'http://ops@h:8000',
      'http://h:8000/?token=s3cret',
      'http://h:8000/#s3cret',
      'http://h:8000/?',
      'http://h:8000/a@s3cret',
      'x://ops:s3cret@h',
    ])
      expect(endpointText(endpoint), endpoint).toBe(ENDPOINT_NOT_SHOWN);
  });

  it('never shows a value that is no URL with a host: it may hold a secret all the same', () => {
    for (const endpoint of [
      // A URL of scheme "u" whose path holds the rest.
      'u:SECRET2@127.0.0.1:9',
      'not a url s3cret',
      'ops:s3cret@127.0.0.1:8000',
      '127.0.0.1:8000?token=s3cret',
      'localhost:8000/s3cret',
      'localhost:8000#s3cret',
      'localhost:s3cret',
      'ops:8000:s3cret',
      'ops:12345678',
      '',
    ])
      expect(endpointText(endpoint), endpoint).toBe(NON_URL_ENDPOINT_NOT_SHOWN);
  });

  it('shows a bare host:port as given: a host name or IP address and a port hold no secret', () => {
    for (const endpoint of ['127.0.0.1:8000', 'localhost:8000', 'dynamodb-local:8000', '[::1]:8000'])
      expect(endpointText(endpoint), endpoint).toBe(endpoint);
  });
});

describe('endpointText: one parse per call', () => {
  /** Counts every way of parsing a URL (the constructor, `URL.canParse`, `URL.parse`) while `run` runs. */
  function parsesDuring(run: () => void): number {
    let parses = 0;
    const RealUrl = URL;
    class CountingUrl extends RealUrl {
      constructor(...args: ConstructorParameters<typeof URL>) {
        parses++;
        super(...args);
      }
      static override canParse(...args: Parameters<typeof URL.canParse>): boolean {
        parses++;
        return RealUrl.canParse(...args);
      }
      static override parse(...args: Parameters<typeof URL.parse>): URL | null {
        parses++;
        return RealUrl.parse(...args);
      }
    }
    vi.stubGlobal('URL', CountingUrl);
    try {
      run();
    } finally {
      vi.unstubAllGlobals();
    }
    return parses;
  }

  it.each([
    'http://127.0.0.1:8000',
    'http://ops:s3cret@h:8000',
    'http://h:8000/?token=s3cret',
    'u:SECRET2@127.0.0.1:9',
    'not a url s3cret',
  ])('parses %j once', (endpoint) => {
    expect(parsesDuring(() => endpointText(endpoint))).toBe(1);
  });
});

describe('targetFlagsOf: the endpoint in the advice to type back', () => {
  it('shows a printable endpoint as given, and URL in place of one that may hold a secret or cannot be typed', () => {
    const advice = (endpoint: string) => targetFlagsOf({ endpoint, table: 'Tab1' });

    expect(advice('http://127.0.0.1:8000')).toBe('--endpoint http://127.0.0.1:8000 --table Tab1');
    for (const hidden of ['http://ops:s3cret@h:8000', 'http://h:8000/?token=s3cret', 'u:SECRET2@127.0.0.1:9'])
      expect(advice(hidden), hidden).toBe('--endpoint URL --table Tab1');
    // Printable (the URL parser drops a tab), but no word to type back from the screen.
    expect(advice('http://127.0.0.1:8000/a\tb')).toBe('--endpoint URL --table Tab1');
  });
});

describe('the refusal of a bad --endpoint', () => {
  const refusal = (endpoint: string) => {
    try {
      documentClientFor({ table: 'Tab1', endpoint });
    } catch (error: unknown) {
      if (error instanceof UsageError) return error.message;
      throw error;
    }
    throw new Error(`${endpoint} was not refused`);
  };

  it('names a value that may hold a secret by its placeholder', () => {
    expect(refusal('u:SECRET2@127.0.0.1:9')).toBe(
      `--endpoint ${NON_URL_ENDPOINT_NOT_SHOWN} must be an http:// or https:// URL`,
    );
    expect(refusal('not a url SECRET3')).toBe(
      `--endpoint ${NON_URL_ENDPOINT_NOT_SHOWN} is not a URL (e.g. http://127.0.0.1:8000)`,
    );
    expect(refusal('ftp://ops:SECRET4@h')).toBe(
      `--endpoint ${ENDPOINT_NOT_SHOWN} must be an http:// or https:// URL`,
    );
  });

  it('names a printable one as given', () => {
    expect(refusal('ftp://h:21')).toBe('--endpoint ftp://h:21 must be an http:// or https:// URL');
  });

  it('names a bare host:port and the http:// URL it meant, whether or not it parses as a URL', () => {
    // `127.0.0.1:8000` is no URL; `localhost:8000` is one of scheme `localhost`.
    for (const endpoint of ['127.0.0.1:8000', 'localhost:8000', '[::1]:8000'])
      expect(refusal(endpoint)).toBe(`--endpoint ${endpoint} is not a URL: did you mean http://${endpoint}?`);
  });

  it('names no URL for a host:port with more: credentials or a path may hold a secret', () => {
    expect(refusal('ops:SECRET5@localhost:8000')).toBe(
      `--endpoint ${NON_URL_ENDPOINT_NOT_SHOWN} must be an http:// or https:// URL`,
    );
    expect(refusal('localhost:8000/SECRET6')).toBe(
      `--endpoint ${NON_URL_ENDPOINT_NOT_SHOWN} must be an http:// or https:// URL`,
    );
    expect(refusal('127.0.0.1:8000/SECRET7')).toBe(
      `--endpoint ${NON_URL_ENDPOINT_NOT_SHOWN} is not a URL (e.g. http://127.0.0.1:8000)`,
    );
  });

  it('takes an http:// or https:// URL', () => {
    for (const endpoint of ['http://127.0.0.1:8000', 'https://dynamodb.eu-west-1.amazonaws.com'])
      expect(() => documentClientFor({ table: 'Tab1', endpoint }).destroy(), endpoint).not.toThrow();
  });

  it('from the CLI: report --endpoint 127.0.0.1:8000 names it and http://127.0.0.1:8000, exit 2', async () => {
    const run = await runCli(['report', '--endpoint', '127.0.0.1:8000', '--table', 'Tab1']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--endpoint 127.0.0.1:8000 is not a URL: did you mean http://127.0.0.1:8000?',
    );
  });

  it.each([
    ['--endpoint', ['--endpoint', 'u:SECRET2@127.0.0.1:9']],
    ['PC_HYGIENE_ENDPOINT', []],
  ])('never prints it from the CLI (%s): exit 2, the secret nowhere', async (_, flags) => {
    const run = await runCli(['report', ...flags, '--table', 'Tab1'], {
      PC_HYGIENE_ENDPOINT: 'u:SECRET2@127.0.0.1:9',
    });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('must be an http:// or https:// URL');
    expect(`${run.stdout}${run.stderr}`).not.toContain('SECRET2');
  });
});
