/**
 * The lifetime of `pc-hygiene local`'s DynamoDB Local around the cycle: started before it, stopped after it, on
 * its errors and on Ctrl-C, kill or a closed terminal, so that no java process is left behind (README.md, "The two
 * commands"). Starting and stopping the java process itself is `cli/local/local-dynamodb.ts`'s; this module
 * decides when, and what the command says meanwhile. Apart from the cycle's steps, so that a test can drive it
 * with a database of its own and a signal.
 */
import { interruptedExitCode, onInterrupt } from '../../interrupts';
import type { DynamoDbLocal } from '../../local/local-dynamodb';
import type { Progress } from '../../progress';

/** How {@link withLocalDatabase} reports: progress, narration, and what it says last when a signal ends the run. */
export interface LocalDatabaseReporting {
  readonly progress: Progress;
  readonly log: (line: string) => void;
  /**
   * The line said after the database stopped on a Ctrl-C or kill, just before exiting (`undefined`: none): where
   * what the run already wrote is.
   */
  readonly interruptedLine?: () => string | undefined;
}

/**
 * Starts DynamoDB Local, runs `work` on it and stops it, also when `work` fails; Ctrl-C or kill stops it too
 * ({@link stopDatabaseOnSignals}), from before the start until the stop has finished: a signal while the database
 * stops at the end waits for that stop instead of ending Node at once (which would lose the stop's SIGKILL fallback).
 * @param start starts the database (`startDynamoDbLocal`)
 */
export async function withLocalDatabase(
  start: () => Promise<DynamoDbLocal>,
  reporting: LocalDatabaseReporting,
  work: (database: DynamoDbLocal) => Promise<void>,
): Promise<void> {
  const { progress, log } = reporting;
  let database: DynamoDbLocal | undefined;
  const stopOnSignals = stopDatabaseOnSignals(() => database, reporting);
  log('Starting DynamoDB Local (in memory)...');
  try {
    database = await start();
  } catch (error: unknown) {
    stopOnSignals.remove();
    throw error;
  }
  try {
    await work(database);
  } finally {
    progress.clear();
    await database.stop();
    stopOnSignals.remove();
    log('Stopped DynamoDB Local.');
  }
}

/**
 * Ctrl-C, kill or a closed terminal (`INTERRUPT_SIGNALS`: SIGINT, SIGTERM, SIGHUP): stops the database before
 * leaving, which Node does not do on a signal by default, says so (then the caller's `interruptedLine`, when it has
 * one), and exits 128 + the signal's number (130 for SIGINT, 143 for SIGTERM). A signal while it stops (Ctrl-C
 * pressed again) is ignored: Node's default would exit at once and leave java running. Registered before the start:
 * exiting mid-start still kills the child (`startDynamoDbLocal`'s exit hook).
 * @param database the running database, once started
 * @returns what removes the handlers, once the command stops the database itself
 */
function stopDatabaseOnSignals(
  database: () => DynamoDbLocal | undefined,
  { progress, log, interruptedLine }: LocalDatabaseReporting,
): { readonly remove: () => void } {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    progress.clear();
    log(`Interrupted (${signal}): stopping DynamoDB Local...`);
    void (database()?.stop() ?? Promise.resolve()).finally(() => {
      log('Stopped DynamoDB Local.');
      const left = interruptedLine?.();
      if (left !== undefined) log(left);
      process.exit(interruptedExitCode(signal));
    });
  };
  return { remove: onInterrupt(onSignal) };
}
