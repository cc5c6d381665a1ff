/**
 * `--config` and `--topic-arn` help say their defaults as the commands use
 * them (docs/deploy.md, "Operating a deployment from the CLI"): with a stack,
 * its deployed config and its `TopicArn` output; without one (`--endpoint`,
 * or the target named directly without `--stack`: `--table` for a table
 * command, `--directory-table` for an owner directory command; `--stack S
 * --table T` looks S up) the built-in defaults and no topic — never "the
 * deployed stack's" alone, which a local run does not read. One text for
 * every command (`configOption`, `topicArnOption`). A key a file leaves out
 * takes the built-in value, except where the command says otherwise (`sweep`:
 * `mode`).
 */
import { describe, expect, it } from 'vitest';
import { optionHelp } from '../support/option-help';

/** What every `--config` help says after the command's own part. */
const KEYS = 'keys it leaves out take the built-in values';

describe('--config --help', () => {
  it.each([
    [
      'sweep',
      // Not the built-in mode (audit): the sweep is audit only when the file says so itself (configSaysAudit, cli/options/load-config.ts).
      '"mode": "audit" in it also means a dry run; without "mode" the sweep acts, not the built-in audit',
    ],
    [
      'notify',
      // As for sweep: a dry run only when the file says "mode": "audit" itself (configSaysAudit, cli/options/load-config.ts).
      'its ownerDelivery decides who is reachable; "mode": "audit" in it also means a dry run; without "mode" ' +
        'notify acts, not the built-in audit',
    ],
    ['report', 'stale limits and tiers, exempt ids'],
  ])(
    '%s (a table command): the deployed config, the built-in defaults with --endpoint, or --table without --stack',
    async (command, uses) => {
      expect(await optionHelp([command], '--config <file>')).toBe(
        `--config <file> hygiene configuration as JSON (${uses}); ${KEYS} ` +
          "(default: the stack's deployed config; the built-in defaults with --endpoint, or --table without --stack)",
      );
    },
  );

  it.each([
    ['owners import', 'maxDeletePercent is the --sync guard share'],
    ['owners list', 'ownerDelivery decides how reach is judged'],
    ['owners sync-subscriptions', 'ownerDelivery: relay removes owner email subscriptions'],
    ['owners unsubscribe', "ownerDelivery: sns-email also removes the owners' topic subscriptions"],
    ['relay', 'senderIdentity'],
  ])(
    '%s (a directory command): the deployed config, the built-in defaults with --endpoint, or --directory-table without --stack',
    async (command, uses) => {
      expect(await optionHelp(command.split(' '), '--config <file>')).toBe(
        `--config <file> hygiene configuration as JSON (${uses}); ${KEYS} ` +
          "(default: the stack's deployed config; the built-in defaults with --endpoint, or --directory-table " +
          'without --stack)',
      );
    },
  );

  it('plan: the deployed config only with --stack (it never looks up the default stack)', async () => {
    expect(await optionHelp(['plan'], '--config <file>')).toBe(
      `--config <file> hygiene configuration as JSON; ${KEYS} ` +
        "(default: the stack's deployed config with --stack, else the built-in defaults)",
    );
  });

  it('local: the built-in defaults (it never uses a stack)', async () => {
    expect(await optionHelp(['local'], '--config <file>')).toBe(
      `--config <file> hygiene configuration as JSON (the sweep runs in enforce mode regardless); ${KEYS} ` +
        '(default: the built-in defaults)',
    );
  });
});

describe('--topic-arn --help', () => {
  it('notify: the stack output, none with --endpoint, or --table without --stack', async () => {
    expect(await optionHelp(['notify'], '--topic-arn <arn>')).toBe(
      '--topic-arn <arn> the notification topic (SNS topic ARN): published to with --sink sns, which needs one; ' +
        // A drain on sns-email lists the topic's subscriptions whatever the sink (listingTopic in notify.ts).
        'on route sns-email its subscriptions are also listed to judge who is reachable, with --sink jsonl: and ' +
        '--dry-run too ' +
        "(default: the stack's TopicArn output; none with --endpoint, or --table without --stack) " +
        '(env: PC_HYGIENE_TOPIC_ARN)',
    );
  });

  it.each([
    ['owners sync-subscriptions', 'the notification topic (SNS topic ARN), required'],
    [
      'owners unsubscribe',
      'the notification topic (SNS topic ARN): required on route sns-email; on relay, used when there is one',
    ],
  ])(
    '%s: the stack output, none with --endpoint, or --directory-table without --stack',
    async (command, purpose) => {
      expect(await optionHelp(command.split(' '), '--topic-arn <arn>')).toBe(
        `--topic-arn <arn> ${purpose} ` +
          "(default: the stack's TopicArn output; none with --endpoint, or --directory-table without --stack) " +
          '(env: PC_HYGIENE_TOPIC_ARN)',
      );
    },
  );
});
