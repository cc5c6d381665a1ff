/**
 * `pc-hygiene`: the operator CLI over the same hygiene core as the Lambdas.
 * Each command lives in its own module under `cli/commands/` and registers itself here.
 */
import { Command, CommanderError } from 'commander';
import { registerExportCommand } from './commands/export';
import { registerImportCommand } from './commands/import';
import { registerLocalCommand } from './commands/local';
import { registerNotifyCommand } from './commands/notify';
import { registerPlanCommand } from './commands/plan';
import { registerReportCommand } from './commands/report';
import { registerRestoreCommand } from './commands/restore';
import { registerSweepCommand } from './commands/sweep';
import { UsageError } from './usage-error';

const program = new Command('pc-hygiene')
  .description('Keep personal API client credentials clean: plan, sweep, notify, restore, report.')
  .showHelpAfterError()
  .exitOverride();

// Command registrations (one line per command module).
registerPlanCommand(program);
registerImportCommand(program);
registerExportCommand(program);
registerRestoreCommand(program);
registerNotifyCommand(program);
registerSweepCommand(program);
registerReportCommand(program);
registerLocalCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error: unknown) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every other commander error is a usage error.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof UsageError) {
    process.stderr.write(`pc-hygiene: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`pc-hygiene: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
