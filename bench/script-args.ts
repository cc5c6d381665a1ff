/**
 * How the bench's one-off scripts (floor-order, compare-notifier,
 * profile-modules, statement-cost, local-write-throughput) answer a bad
 * argument: its one-line message on stderr and exit code 2, as `npm run bench`
 * and the CLI do, instead of an uncaught error's stack trace.
 */
import { UsageError } from '../cli/usage-error';

/**
 * Runs `parse` (a script's argument checks) and returns what it returns; on a
 * {@link UsageError} (the bench's `BenchUsageError` among them), prints `<script>: <message>` and exits with code 2.
 * `parseArgs`'s own flag errors count as usage errors; any other error propagates.
 */
export function parseScriptArgs<T>(script: string, parse: () => T): T {
  try {
    return parse();
  } catch (error: unknown) {
    // `parseArgs` (node:util) rejects unknown or malformed flags with these codes.
    const code = (error as { code?: unknown } | null)?.code;
    const flagError = typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
    if (!(error instanceof UsageError) && !flagError) throw error;
    process.stderr.write(`${script}: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
