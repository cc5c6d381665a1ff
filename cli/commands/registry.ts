/**
 * Every command module of `pc-hygiene`, in the order `cli/main.ts` registers
 * them (the order `--help` lists them in). One list, so what the CLI runs and
 * what a test builds as "the CLI" (the docs' command check,
 * test/unit/docs-cli-commands.test.ts) cannot differ.
 */
import type { Command } from '@commander-js/extra-typings';
import { registerExemptCommands } from './exempt';
import { registerExportCommand } from './export';
import { registerGuardCommand } from './guard';
import { registerImportCommand } from './import';
import { registerLocalCommand } from './local';
import { registerNotifyCommand } from './notify';
import { registerOwnersCommand } from './owners';
import { registerPlanCommand } from './plan';
import { registerRelayCommand } from './relay';
import { registerReportCommand } from './report';
import { registerRestoreCommand } from './restore';
import { registerRunsCommand } from './runs';
import { registerSweepCommand } from './sweep';

/** Each command module's `register…(program)`, in `--help` order. */
export const COMMAND_REGISTRATIONS: readonly ((program: Command) => void)[] = [
  registerPlanCommand,
  registerImportCommand,
  registerExportCommand,
  registerRestoreCommand,
  registerNotifyCommand,
  registerSweepCommand,
  registerReportCommand,
  registerLocalCommand,
  registerOwnersCommand,
  registerRelayCommand,
  registerRunsCommand,
  registerGuardCommand,
  registerExemptCommands,
];
