/**
 * `pc-hygiene local` (what `npm start` runs): the whole cycle on this machine,
 * with nothing to set up but Java. Starts an in-memory DynamoDB Local, creates
 * the table from the same definition the CDK uses, loads realistic demo data
 * relative to `now` and a demo owner directory (`cli/local/demo-directory.ts`),
 * runs a sweep in `enforce` mode (orphan flags for the departed owner), drains
 * the outbox into a JSON Lines file sink (the exact SNS entries; owner reach
 * judged by the `relay` rule, as there is no SNS locally), writes the emails
 * the SES relay would send for them (`.eml`, one as HTML), and prints the run
 * summary, the posture report (with its owner reach section, judged by the
 * same rule), the owner-unreachable report and the digests.
 * The whole cycle runs as of one instant, `now` (docs/sweep.md). The database
 * is stopped at the end, on errors and on Ctrl-C: no java process is left behind;
 * so the summary suggests no command aimed at it (a tripped guard says why).
 * What failed after the sweep is said and exits 1, as `notify` and `relay` do:
 * events the drain could not deliver, store errors, digest parts the relay
 * wrote no email for, a digests file that cannot be read back. A sweep aborted
 * after it wrote (too many failed writes, or an error of its own) ends the
 * cycle there, as `sweep` ends: its partial summary printed, why on stderr,
 * exit 1 (docs/sweep.md, "Write failures"). The demo's files stay in their
 * `$TMPDIR/pc-hygiene-local-*` folder for the user to open: the last line on
 * stderr names it and the `rm -rf` that removes it (README.md, "The two commands"),
 * also after a Ctrl-C, once the folder exists, saying its files may be partial.
 * Here: the command's flags and its top-level sequence. Its parts, in `cli/commands/local/` (they print and use
 * the CLI's shared modules, which `cli/local/`'s launcher and demo data may not import: README.md, "Architecture"):
 * the database's lifetime and Ctrl-C (`database-lifecycle.ts`), the run's folder (`demo-folder.ts`), the cycle's
 * steps (`cycle.ts`), what it prints and its exit code (`output.ts`).
 */
import type { Command } from '@commander-js/extra-typings';
import { createDocumentClient } from '../../lambdas/aws/dynamodb-client';
import { formatInstant } from '../../lambdas/hygiene/time';
import { EXIT_CODE } from '../exit-codes';
import { DEMO_DAYS_BEFORE_NOW, EARLIEST_DEMO_NOW_MS } from '../local/demo-data';
import { startDynamoDbLocal } from '../local/local-dynamodb';
import { formatOption, REPORT_FORMATS } from '../options/formats';
import { configOption, loadConfigFile } from '../options/load-config';
import { LATEST_NOW_MS, nowOption, resolveNow } from '../options/now-option';
import { integerIn } from '../options/numbers';
import type { OptionsOf } from '../options/options-of';
import { sesSendableSender } from '../options/sender';
import { createProgress } from '../progress';
import { UsageError } from '../usage-error';
import { runLocalCycle } from './local/cycle';
import { withLocalDatabase } from './local/database-lifecycle';
import { demoFolder } from './local/demo-folder';
import { writeLocalResult } from './local/output';
import { topOwnersOption } from './report';

/** `local` and its flags. */
function defineLocalCommand(program: Command) {
  return (
    program
      .command('local')
      .description(
        'Run the whole cycle locally: start DynamoDB Local, create the table, load demo data and a demo owner ' +
          'directory (some owners absent, one departed, one without email), sweep (enforce), ' +
          'notify into a JSON Lines file (owner reach judged by the relay rule), print the run summary, the ' +
          'posture report, the owner-unreachable report and the digests, write the emails the SES relay would ' +
          'send as .eml files (and one as HTML) in a new $TMPDIR/pc-hygiene-local-* folder, ' +
          'stop the database. Needs Java 17+.',
      )
      .addOption(nowOption('the instant of the run and of the demo data'))
      .addOption(configOption('no stack', 'the sweep runs in enforce mode regardless'))
      .option(
        '--count <n>',
        'demo credentials to load, 25 to 1,000,000',
        integerIn('--count', 25, 1_000_000),
        300,
      )
      .option(
        '--seed <n>',
        'demo data seed, 0 to 2147483647 (same seed, same data)',
        integerIn('--seed', 0, 2 ** 31 - 1),
        1,
      )
      // The posture report's own flag: its owner table's heading names it when the list is cut.
      .addOption(topOwnersOption())
      .addOption(formatOption(REPORT_FORMATS, 'output format'))
  );
}

type LocalOptions = OptionsOf<ReturnType<typeof defineLocalCommand>>;

/**
 * Resolves `--now` ({@link resolveNow}) for the demo: its dates go back
 * {@link DEMO_DAYS_BEFORE_NOW} days, so an earlier `--now` than
 * {@link EARLIEST_DEMO_NOW_MS} would generate records dated before year 0,
 * which the table then refuses.
 * @throws {UsageError} naming `--now` and the range it accepts, when it is too early (or `resolveNow`'s)
 */
function resolveDemoNow(value: string | undefined): number {
  const now = resolveNow(value);
  if (now >= EARLIEST_DEMO_NOW_MS) return now;
  throw new UsageError(
    `--now ${JSON.stringify(value)} is too early for the demo data, whose dates go back ${DEMO_DAYS_BEFORE_NOW} ` +
      `days before it: give one from ${formatInstant(EARLIEST_DEMO_NOW_MS)} to ${formatInstant(LATEST_NOW_MS)}`,
  );
}

/**
 * `local`'s sequence: check the flags and the config file, then, with DynamoDB Local running, make the run's
 * folder, run the cycle, write what it produced and set the exit code; the folder is named last, whatever ended
 * the run (on a Ctrl-C or kill, by `withLocalDatabase` before it exits).
 */
async function runLocalCommand(options: LocalOptions): Promise<void> {
  const now = resolveDemoNow(options.now);
  const config = await loadConfigFile(options.config);
  // Before DynamoDB Local starts: a sender SES cannot send from is refused, as `relay` and the synth refuse it.
  if (config.senderIdentity !== undefined && options.config !== undefined)
    sesSendableSender(config.senderIdentity, 'senderIdentity', `config file ${options.config}`);
  const { count, seed, top: topOwners } = options;
  const log = (line: string) => process.stderr.write(`${line}\n`);

  const progress = createProgress({ label: 'sweep', total: count });
  const folder = demoFolder();
  // Said last on a Ctrl-C or kill, which exits before the `finally` below runs.
  const interruptedLine = () => folder.leftLine({ interrupted: true });
  try {
    await withLocalDatabase(startDynamoDbLocal, { progress, log, interruptedLine }, async (database) => {
      const client = createDocumentClient({ endpoint: database.endpoint });
      try {
        const dir = await folder.make();
        const result = await runLocalCycle(client, database.endpoint, {
          now,
          config,
          count,
          seed,
          topOwners,
          dir,
          log,
          onScanned: (n) => progress.update(n),
        });
        progress.clear();
        const code = await writeLocalResult(
          result,
          options.format,
          (text) => process.stdout.write(text),
          log,
        );
        if (code !== EXIT_CODE.complete) process.exitCode = code;
      } finally {
        client.destroy();
      }
    });
  } finally {
    // Once the database is stopped, whatever ended the cycle: the folder is left, whatever is in it.
    const left = folder.leftLine();
    if (left !== undefined) log(left);
  }
}

/** Registers `local` on the program. */
export function registerLocalCommand(program: Command): void {
  defineLocalCommand(program).action(async (options) => runLocalCommand(options));
}
