/**
 * `pc-hygiene relay --input ENTRIES.jsonl --out DIR`: the emails the SES
 * relay would send for the digests a `notify --sink jsonl:…` run wrote, one
 * `.eml` file (RFC 5322, `multipart/alternative`) per reachable owner's digest
 * part, addressed to the directory's email; owners the relay would skip are
 * listed with why, and a part that fails (nothing written for it) makes the
 * command exit 1 (docs/notifications.md, "Email relay"). Nothing is sent.
 * The sender (`--from`, else the config's `senderIdentity`) is checked as
 * synth checks `senderIdentity` (`sesAddress`): one Amazon SES cannot send
 * from is refused before anything is written, not put in every `.eml`.
 */
import { type Command, type CommandUnknownOpts, Option } from '@commander-js/extra-typings';
import { DynamoOwnerDirectory } from '../../lambdas/aws/owner-directory-store';
import { hygieneConfigSchema } from '../../lambdas/hygiene/config';
import { jsonText } from '../../lambdas/render/json-text';
import { terminalText } from '../../lambdas/render/sanitize';
import { EXIT_CODE } from '../exit-codes';
import { defineCommand } from '../options/define-command';
import { directoryConfigOf, withDirectory } from '../options/directory-options';
import { formatOption, REPORT_FORMATS } from '../options/formats';
import { configOption } from '../options/load-config';
import type { OptionsOf } from '../options/options-of';
import { sesSendableSender } from '../options/sender';
import { UsageError } from '../usage-error';
import { type RelayFilesSummary, readDigestEntries, relayToFiles } from '../use-cases/relay-to-files';

/** What `relay --help` says the command does. */
const DESCRIPTION =
  'Write the emails the SES relay would send for a notify JSONL file: one .eml per reachable owner digest part; ' +
  'lists the owners it would skip and why. Sends nothing.';

function defineRelayCommand(program: Command) {
  return defineCommand(program, 'relay', DESCRIPTION, 'directory', (command) =>
    command
      .requiredOption('--input <file>', 'the JSON Lines file a `notify --sink jsonl:FILE` wrote')
      .requiredOption('--out <dir>', 'directory for the .eml files (created when missing)')
      .addOption(
        new Option(
          '--from <address>',
          'sender: address or "Name <address>" (default: the senderIdentity of the config, see --config; a placeholder without one)',
        ),
      )
      .addOption(configOption('directory', 'senderIdentity'))
      .addOption(formatOption(REPORT_FORMATS, 'output format')),
  );
}

type RelayOptions = OptionsOf<ReturnType<typeof defineRelayCommand>>;

/**
 * The sender: `--from`, else the config's `senderIdentity` (from `configSource`), else none (the placeholder).
 * @throws {UsageError} when `--from` is not what `senderIdentity` accepts (an address or `Name <address>`,
 *   ASCII before the `@`), or the sender used is one SES cannot send from ({@link sesSendableSender}), saying why
 */
function senderOf(
  from: string | undefined,
  configured: string | undefined,
  configSource: string,
): string | undefined {
  if (from === undefined) {
    return configured === undefined
      ? undefined
      : sesSendableSender(configured, 'senderIdentity', configSource);
  }
  const parsed = hygieneConfigSchema.shape.senderIdentity.safeParse(from);
  if (parsed.success) return sesSendableSender(from, '--from');
  throw new UsageError(
    `--from ${JSON.stringify(from)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
  );
}

/**
 * The run as a few readable lines: each email written and to whom (with the
 * address SES would be given when it differs: a Unicode domain, maybe a
 * look-alike, in Punycode), the owners skipped, and the failed parts, for which
 * nothing was written and the command exits 1.
 */
export function renderRelayText(summary: RelayFilesSummary, input: string): string {
  const lines = [
    `Relay (files only, nothing sent): ${summary.digests} owner digest part(s) in ${terminalText(input)}` +
      (summary.ignored > 0 ? ` (${summary.ignored} admin message(s) ignored)` : ''),
    `  sender  ${terminalText(summary.from)}${summary.placeholderSender ? '  (placeholder: set --from or senderIdentity in --config)' : ''}`,
    `  written ${summary.written.length} email(s)`,
  ];
  for (const w of summary.written) {
    const ses = w.sesTo === undefined ? '' : ` (SES: ${terminalText(w.sesTo)})`;
    lines.push(`    ${terminalText(w.path)}  to ${terminalText(w.to)}${ses}`);
  }
  if (summary.duplicates > 0) lines.push(`  repeated parts written once: ${summary.duplicates}`);
  lines.push(`  skipped ${summary.skipped.length} owner digest part(s) (not emailed)`);
  for (const s of summary.skipped) lines.push(`    ${terminalText(s.userId)}  ${s.reason}`);
  for (const f of summary.failures)
    lines.push(`  failed: ${terminalText(f.userId ?? '?')}: ${terminalText(f.error)}`);
  if (summary.failures.length > 0)
    lines.push(
      `  ${summary.failures.length} digest part(s) failed: no .eml written for them, exit 1 ` +
        '(the relay Lambda would leave each to SQS retries, then its DLQ)',
    );
  return `${lines.join('\n')}\n`;
}

async function runRelay(options: RelayOptions, command: CommandUnknownOpts): Promise<void> {
  const { config, configSource } = directoryConfigOf(command);
  // Before anything is read or written: a sender SES cannot send from is refused.
  const from = senderOf(options.from, config.senderIdentity, configSource);
  const { items, ignored } = await readDigestEntries(options.input);
  const summary = await withDirectory(options, (client) => {
    const directory = new DynamoOwnerDirectory(client, options.directoryTable);
    return relayToFiles(items, directory, {
      outDir: options.out,
      ...(from !== undefined && { from }),
      ...(config.ownerContact !== undefined && { ownerContact: config.ownerContact }),
      now: Date.now,
    });
  });
  const full: RelayFilesSummary = { ...summary, ignored };
  process.stdout.write(
    options.format === 'json' ? `${jsonText(full, 2)}\n` : renderRelayText(full, options.input),
  );
  if (summary.failures.length > 0) process.exitCode = EXIT_CODE.failure;
}

/** Registers `relay` on the program. */
export function registerRelayCommand(program: Command): void {
  defineRelayCommand(program).action((options, command) => runRelay(options, command));
}
