/**
 * An endpoint the operator gave is shown only when it is a printable URL (a
 * host; no user info, query or fragment, nor `@`, `?` or `#` in its text):
 * anything else may hold a secret, and what the CLI prints ends up in CI logs
 * (`cli/options/endpoint-text.ts`) — the refusal of a bad `--endpoint` too.
 */
import { describe, expect, it } from 'vitest';
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
      'localhost:8000',
      'not a url s3cret',
      'ops:s3cret@127.0.0.1:8000',
      '127.0.0.1:8000?token=s3cret',
      '',
    ])
      expect(endpointText(endpoint), endpoint).toBe(NON_URL_ENDPOINT_NOT_SHOWN);
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
