/**
 * The run id argument of `runs show <run-id>` and `restore --run <run-id>`,
 * checked before anything touches a table. A run id is not a key by itself:
 * its manifest's items are keyed `__hygiene__#run#<run-id>` (the header) and
 * `__hygiene__#run#<run-id>#<page>` (each page: lambdas/hygiene/data-contract.ts,
 * docs/data-model.md, "Run manifests"), and every one of those keys must fit
 * DynamoDB's partition key limit. So the longest run id is that limit less
 * the longest key's other bytes — a page key whose page number is the largest
 * a manifest header may record — not the limit itself: a run id between the
 * two passed the key check every credential id gets and came back as
 * DynamoDB's raw key-size error when its page was read. And a message that
 * prints `runs show` of a run id read from the table prints it only for an id
 * this check takes ({@link runsShowCommandFor}).
 */
import { MAX_KEY_BYTES } from '../../lambdas/hygiene/credential';
import { runPageId } from '../../lambdas/hygiene/data-contract';
import { runsShowCommand } from '../format/shell-word';
import { UsageError } from '../usage-error';
import { requireKeyArgument } from './credential-id';
import { type TargetFlags, targetFlagsOf } from './deployment-target';

/**
 * The largest page number a run's manifest header may record: its `pages` is any whole number a double holds
 * exactly (cli/aws/run-manifest-parse.ts), and `runs show` and `restore --run` read every page up to it.
 */
const LARGEST_PAGE = Number.MAX_SAFE_INTEGER;

/**
 * The longest run id, in UTF-8 bytes, whose manifest keys all fit DynamoDB's key limit ({@link MAX_KEY_BYTES}):
 * the limit less the bytes the longest page key adds around the run id (2,015 with today's layout).
 */
export const MAX_RUN_ID_BYTES = MAX_KEY_BYTES - Buffer.byteLength(runPageId('', LARGEST_PAGE), 'utf8');

/**
 * Checks a run id argument: not empty, and at most {@link MAX_RUN_ID_BYTES} bytes in UTF-8.
 * @param name how the message names the argument (`the run id argument`, `the --run run id`)
 * @returns the run id as given (not trimmed: it is compared exactly)
 * @throws {UsageError} naming the argument, its length and the limit
 */
export function requireRunIdArgument(name: string, value: string): string {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_RUN_ID_BYTES) {
    throw new UsageError(
      `${name} is ${bytes.toLocaleString('en-US')} bytes in UTF-8; a run id holds at most ` +
        `${MAX_RUN_ID_BYTES.toLocaleString('en-US')}, so that its manifest's keys (the run id, a prefix and a page ` +
        `number: docs/data-model.md, "Run manifests") fit DynamoDB's ${MAX_KEY_BYTES.toLocaleString('en-US')}-byte key limit`,
    );
  }
  // The empty id's usage error, as every key argument has it.
  requireKeyArgument(name, value);
  return value;
}

/**
 * `pc-hygiene runs show` of a run id read from the table (a credential's `hygieneDeletedByRun`, a run of the index),
 * for a message to print: {@link runsShowCommand}, aimed where the command printing it was (`flags`,
 * {@link targetFlagsOf}: the run is that table's); for an id the terminal would print changed, the placeholder
 * `"<runId>"` and why after it (`hiddenRunIdWhy`), the same command for every such id: a message naming several
 * runs prints each command once. `undefined` for a stored id the CLI refuses as its argument
 * ({@link requireRunIdArgument}: empty, or over {@link MAX_RUN_ID_BYTES}): a command printed for it would only fail,
 * so the message names no command (no manifest can be keyed by such an id). The one rule of every printed
 * `runs show` of a stored run id (`restore --run`'s summary, `runs list`'s malformed runs).
 */
export function runsShowCommandFor(runId: string, flags: TargetFlags): string | undefined {
  try {
    requireRunIdArgument('the run id', runId);
  } catch (error: unknown) {
    if (error instanceof UsageError) return undefined;
    throw error;
  }
  return runsShowCommand(runId, targetFlagsOf(flags));
}
