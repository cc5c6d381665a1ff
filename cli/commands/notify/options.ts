/**
 * `pc-hygiene notify`'s flags (`defineCommand`: the table and stack flags, then its own) and its options as
 * commander parses them, which the command's parts read.
 */
import { type Command, Option } from '@commander-js/extra-typings';
import { defineCommand } from '../../options/define-command';
import { enforceOption } from '../../options/deployment-target';
import { directoryTableOption } from '../../options/directory-options';
import { formatOption, REPORT_FORMATS } from '../../options/formats';
import { configOption } from '../../options/load-config';
import { nowOption } from '../../options/now-option';
import type { OptionsOf } from '../../options/options-of';
import { snsEndpointOption, topicArnOption } from '../../options/topic-options';

/** What `notify --help` says the command does. */
const DESCRIPTION =
  'Drain the outbox: publish one digest per owner (SNS PublishBatch, or a JSON Lines file of the exact entries) ' +
  'and mark the events sent. Undelivered events stay pending for the next drain.';

/** `notify` and its flags. */
export function defineNotifyCommand(program: Command) {
  return defineCommand(program, 'notify', DESCRIPTION, 'table', (command) =>
    command
      .addOption(
        new Option(
          '--sink <sink>',
          'where digests go: sns, or jsonl:PATH (append the PublishBatch entries to a file; its folder must exist)',
        )
          .default('sns')
          .env('PC_HYGIENE_SINK'),
      )
      .addOption(
        topicArnOption(
          'table',
          'the notification topic (SNS topic ARN): published to with --sink sns, which needs one; on route ' +
            'sns-email its subscriptions are also listed to judge who is reachable, with --sink jsonl: and --dry-run too',
        ),
      )
      .addOption(snsEndpointOption())
      .addOption(
        nowOption(
          'the drain instant for relative dates (in AWS, not a local --endpoint: only with --dry-run)',
        ),
      )
      .addOption(configOption('table', 'its ownerDelivery decides who is reachable', 'notify'))
      .addOption(enforceOption('send for'))
      .option(
        '--dry-run',
        'show the digests and the owner-unreachable report a drain would send (with --sink jsonl:PATH, also append them to the file); take no lease, publish and mark nothing',
      )
      .addOption(directoryTableOption())
      .addOption(formatOption(REPORT_FORMATS, 'output format')),
  );
}

/** Options of `notify`, as commander parses them. */
export type NotifyOptions = OptionsOf<ReturnType<typeof defineNotifyCommand>>;
