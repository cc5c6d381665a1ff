/**
 * The `pc-hygiene owners …` commands the owner-unreachable report prints (the owners' `What to do` and the reasons'
 * advice), and where they aim: the owner directory's flags, and the notification topic's for the commands that need
 * it (docs/notifications.md, "The report message"). Built by the one rule of a pasted command
 * (../pasted-command.ts). Apart from the reasons' texts (./reasons.ts), which print them, and the owners' lines
 * (./owner-lines.ts), which aim them by the report's input, so that both aim them one way. Pure: no I/O.
 */
import { plainValue } from '../digest';
import { aimedCommand, commandNaming, USER_ID_PLACEHOLDER } from '../pasted-command';
import type { UnreachableReportInput } from './types';

/** `pc-hygiene owners <subcommand>` (and its arguments) aimed by `targetFlags` ({@link aimedCommand}). */
export function ownersCommand(subcommand: string, targetFlags: string | undefined): string {
  return aimedCommand(`pc-hygiene owners ${subcommand}`, targetFlags);
}

/**
 * `command` naming the stored `id` by the one rule of a command naming an id ({@link commandNaming}; `options` and
 * `targetFlags` as there), as the report prints it. The report shows every stored value flattened ({@link plainValue}:
 * an invisible or control character, a blank letter, a run of spaces become one space), so an id that flattening
 * changes cannot be written into the command (pasted, `'abc def'` would name another id, or none): `hidden.placeholder`
 * stands in its place (`"<credentialId>"`), said why after the command (`hidden.why`), as the CLI's `typedWord` shows a
 * placeholder for an id a terminal would print changed.
 */
export function storedIdCommand(
  command: string,
  id: string,
  options: string,
  targetFlags: string | undefined,
  hidden: { readonly placeholder: string; readonly why: string },
): string {
  if (plainValue(id) === id) return commandNaming(command, id, options, targetFlags);
  // Still after `--` when it starts with `-`: the id typed in its place needs it.
  return `${commandNaming(command, id, options, targetFlags, () => hidden.placeholder)} (${hidden.why})`;
}

/**
 * `pc-hygiene owners <subcommand> ID` naming the owner `userId` (`undefined`: the placeholder), aimed by
 * `targetFlags` ({@link commandNaming}); an id the report cannot show as stored is the placeholder too, said why
 * ({@link storedIdCommand}).
 */
export function ownerCommand(
  subcommand: string,
  userId: string | undefined,
  targetFlags: string | undefined,
): string {
  const command = `pc-hygiene owners ${subcommand}`;
  if (userId === undefined) return commandNaming(command, undefined, '', targetFlags);
  return storedIdCommand(command, userId, '', targetFlags, HIDDEN_OWNER_ID);
}

/** What an owner command shows for an owner id the report cannot show as stored ({@link storedIdCommand}). */
const HIDDEN_OWNER_ID = {
  placeholder: USER_ID_PLACEHOLDER,
  why: 'the owner’s id holds characters this report cannot show: pc-hygiene export shows it on their credentials',
};

/**
 * How the report's commands that need the notification topic name it ({@link UnreachableReportInput.topicTargetFlags}):
 * `flags` after their other flags, or the flag `missing` from them, said after the command ({@link aimedCommand}).
 * Absent: their other flags name it (a deployment's `--stack NAME`), or say what to add (a deployment not known).
 */
export type TopicAim = { readonly flags: string } | { readonly missing: string };

/** What a command that needs the topic lacks when the owner directory's flags aim it and no topic was named. */
const TOPIC_FLAG = "the topic's --topic-arn ARN";

/** {@link TopicAim} of the report's input: the topic's flags, else `--topic-arn` missing from the directory's flags. */
export function topicAimOf(input: UnreachableReportInput): TopicAim | undefined {
  if (input.topicTargetFlags !== undefined) return { flags: input.topicTargetFlags };
  return input.directoryTargetFlags !== undefined ? { missing: TOPIC_FLAG } : undefined;
}

/**
 * `pc-hygiene owners sync-subscriptions` (and `args`), the owners command the report prints that needs the
 * notification topic: aimed by `targetFlags`, with the topic's flags after them or, when none was named, the words
 * to add `--topic-arn` after the command (`topic`: {@link TopicAim}); a deployment not known stays so
 * ({@link aimedCommand}).
 */
export function syncSubscriptionsCommand(
  args: string,
  targetFlags: string | undefined,
  topic: TopicAim | undefined,
): string {
  const command = `pc-hygiene owners sync-subscriptions${args}`;
  if (targetFlags === undefined || topic === undefined) return aimedCommand(command, targetFlags);
  if ('missing' in topic) return aimedCommand(command, targetFlags, undefined, topic.missing);
  return aimedCommand(command, [targetFlags, topic.flags].filter((f) => f !== '').join(' '));
}

/**
 * Where the report's `pc-hygiene owners …` commands aim: the owner directory's flags
 * ({@link UnreachableReportInput.directoryTargetFlags}), else the report's {@link UnreachableReportInput.targetFlags}.
 */
export function ownerCommandFlags(input: UnreachableReportInput): string | undefined {
  return input.directoryTargetFlags ?? input.targetFlags;
}
