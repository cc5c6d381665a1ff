/**
 * A local user with no AWS set up (no region, no credentials, no profile)
 * who runs a table command or an owner directory command with neither
 * `--endpoint` nor a table named gets the default stack looked up: the error
 * says what to set, and that `--endpoint URL` (a local DynamoDB) needs no
 * AWS setup, while a table named directly skips the lookup but is still in
 * AWS (cli/options/deployment-target.ts, `lookUpStack`),
 * for both kinds of command alike. The real CLI in a child process, in a
 * scrubbed environment with a throwaway HOME.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../support/temp-dir';

const CLI = fileURLToPath(new URL('../../bin/pc-hygiene.js', import.meta.url));

/** What every stack-lookup setup error ends with. */
const WITHOUT_A_STACK =
  '; or use a local DynamoDB with --endpoint URL, which needs no AWS setup ' +
  '(--table NAME/--directory-table NAME skip the stack lookup but still need a region and credentials)\n';

describe('a stack lookup without AWS set up', () => {
  const home = useTempDir('pc-no-aws-setup');

  /** `pc-hygiene ...args` with no AWS settings but `extra` (and no instance metadata to ask). */
  const run = (args: readonly string[], extra: Record<string, string> = {}) =>
    new Promise<{ code: number; stderr: string }>((resolve) => {
      const env = { PATH: process.env.PATH ?? '', HOME: home(), AWS_EC2_METADATA_DISABLED: 'true', ...extra };
      execFile(process.execPath, [CLI, ...args], { env }, (error, _stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, stderr }),
      );
    });

  it.each([
    ['a table command', ['report']],
    ['an owner directory command', ['owners', 'list']],
  ])(
    '%s names --endpoint as the way without AWS setup, after the region or credentials to set',
    async (_, args) => {
      const noRegion = await run(args);
      expect(noRegion.code).toBe(1);
      expect(noRegion.stderr).toBe(
        'pc-hygiene: no AWS region for looking up stack PersonalClientHygiene: ' +
          `set --region REGION or AWS_REGION (or a region in your AWS profile)${WITHOUT_A_STACK}`,
      );

      const noCredentials = await run(args, { AWS_REGION: 'eu-west-1' });
      expect(noCredentials.code).toBe(1);
      expect(noCredentials.stderr).toBe(
        'pc-hygiene: no AWS credentials for looking up stack PersonalClientHygiene: set --profile NAME or ' +
          `AWS_PROFILE (a profile of ~/.aws/config), or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY${WITHOUT_A_STACK}`,
      );
    },
  );

  it('report --format csv without --list is a usage error (exit 2) before any stack is looked up', async () => {
    const result = await run(['report', '--format', 'csv']);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'pc-hygiene: --format csv needs --list CATEGORY (the report itself is table or json)\n',
    );
  });
});
