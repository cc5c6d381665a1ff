/**
 * `--config FILE.json`: reads a hygiene configuration file through the one
 * schema (`parseConfig`), turning every failure into a one-line usage error.
 * Values may also take the forms CDK context uses (`"expiryNoticeDays":
 * "30,7,1"`, `"staleAfterDays": "60"`), coerced as `cdk.json` values are.
 * The file must be one JSON object (not `null`: that is not "the defaults"),
 * with no key repeated and no number JSON would read as another
 * (`90.0000000000000001` reads as 90, `1e-400` as 0: `cli/strict-json.ts`);
 * a leading UTF-8 byte order mark is ignored.
 */
import { readFile } from 'node:fs/promises';
import { Option } from '@commander-js/extra-typings';
import {
  ConfigError,
  coerceFlatValues,
  DEFAULT_CONFIG,
  type HygieneConfig,
  parseConfig,
} from '../../lambdas/hygiene/config';
import { terminalText } from '../../lambdas/render/sanitize';
import { describeFileError } from '../file-errors';
import { parseJsonText, RepeatedKeyError } from '../strict-json';
import { UsageError } from '../usage-error';
import { type StackRule, stackDefault } from './stack-default';

/** A configuration file as read: the validated configuration, and the settings the file gives itself. */
export interface LoadedConfigFile {
  readonly config: HygieneConfig;
  /**
   * The keys the file sets (every other setting is the schema's default): so
   * a caller can tell `"mode": "audit"` written in the file from the default
   * mode, reading the one parse of the file.
   */
  readonly keys: ReadonlySet<string>;
}

/**
 * True when a `--config` file sets `"mode": "audit"` itself (not by the
 * schema's default): `sweep` and `notify` then only plan, as with `--dry-run`
 * (docs/configuration.md, `mode`).
 */
export function configSaysAudit(file: LoadedConfigFile | undefined): boolean {
  return file?.keys.has('mode') === true && file.config.mode === 'audit';
}

/**
 * Whether a run of `sweep` or `notify` only plans: `--dry-run`, or a
 * `--config` file saying `"mode": "audit"` itself ({@link configSaysAudit}).
 * @param dryRun `--dry-run`
 * @param file the `--config` file as read ({@link readConfigFile}), when given
 */
export function plansOnly(dryRun: boolean | undefined, file: LoadedConfigFile | undefined): boolean {
  return dryRun === true || configSaysAudit(file);
}

/**
 * What `sweep` and `notify` say on stderr when a run only plans because its
 * `--config` file says `"mode": "audit"` ({@link configSaysAudit}), not
 * `--dry-run`: a script that relied on the file acting is told (such a run
 * of `notify` used to drain: docs/notifications.md). Nothing when `--dry-run`
 * makes the dry run, or the run acts. One wording for both commands, in the
 * form of their other stderr lines.
 * @param command the command's name (`sweep`, `notify`)
 * @param dryRun `--dry-run`
 * @param path the `--config` path as given, and `file` the file as read ({@link readConfigFile})
 * @returns the line, newline included, or `undefined` when there is nothing to say
 */
export function dryRunOfConfigLine(
  command: 'sweep' | 'notify',
  dryRun: boolean | undefined,
  path: string | undefined,
  file: LoadedConfigFile | undefined,
): string | undefined {
  if (dryRun === true || !configSaysAudit(file)) return undefined;
  return `pc-hygiene ${command}: dry run: --config ${terminalText(path ?? '')} says "mode": "audit"\n`;
}

/**
 * Reads, strictly parses and validates a JSON configuration file: the one
 * parse of a `--config` file.
 * @throws {UsageError} when the file is unreadable, not JSON, not one object, repeats a key, or is not a valid configuration
 */
export async function readConfigFile(path: string): Promise<LoadedConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error: unknown) {
    throw new UsageError(`cannot read config file ${path}: ${describeFileError(error)}`);
  }
  const json = parseConfigText(text, path);
  try {
    const settings =
      json !== null && typeof json === 'object' && !Array.isArray(json)
        ? (json as Record<string, unknown>)
        : undefined;
    // The value forms of CDK context are accepted too ("30,7,1", "90"): one coercion, the config module's.
    const input = settings === undefined ? json : coerceFlatValues(settings);
    // Not an object (null included): parseConfig says what it is.
    const config = parseConfig(input, `config file ${path}`);
    return { config, keys: new Set(Object.keys(settings ?? {})) };
  } catch (error: unknown) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * The file's JSON value, parsed strictly.
 * @throws {UsageError} when it is not JSON, repeats a key, or holds a number JSON reads as another
 */
function parseConfigText(text: string, path: string): unknown {
  let parsed: ReturnType<typeof parseJsonText>;
  try {
    // A UTF-8 byte order mark (some editors write one) is not part of the JSON.
    parsed = parseJsonText(text.replace(/^\uFEFF/, ''), { exactNumbers: true });
  } catch (error: unknown) {
    if (error instanceof RepeatedKeyError)
      throw new UsageError(`config file ${path} is ambiguous JSON: ${error.message}`);
    const reason = error instanceof SyntaxError ? error.message : String(error);
    throw new UsageError(`config file ${path} is not valid JSON (${reason})`);
  }
  const [inexact] = parsed.inexactNumbers;
  if (inexact !== undefined)
    throw new UsageError(
      `config file ${path}: ${inexact.path === '(record)' ? '(root)' : inexact.path} = ${inexact.source} is read by JSON as ${inexact.value}; ` +
        'write the number you mean',
    );
  return parsed.value;
}

/**
 * Loads and validates a JSON configuration file ({@link readConfigFile}); without a path, the defaults.
 * @throws {UsageError} when the file is unreadable, not JSON, not one object, repeats a key, or is not a valid configuration
 */
export async function loadConfigFile(path: string | undefined): Promise<HygieneConfig> {
  return path === undefined ? DEFAULT_CONFIG : (await readConfigFile(path)).config;
}

/**
 * `--config <file>`, read by {@link loadConfigFile} (or {@link readConfigFile}),
 * with the one help text of every command: what the command takes from it,
 * that a key it leaves out takes the built-in default (never the stack's:
 * the file replaces the deployed config whole), and what applies without it
 * (`chooseConfig`: the deployed config when a stack is looked up, else the
 * built-in defaults; the CLI reads no `HYGIENE_*` variable of its own
 * environment — those are the deployed sweep function's).
 * @param rule when the command looks a stack up ({@link stackDefault}); `no stack` for one that never does (`local`)
 * @param uses which settings the command takes from it, when it takes some only
 * @param actor for a command that acts unless it only plans ({@link plansOnly}: `sweep`, `notify`), how its help
 *   names it acting (`the sweep`): the help then says that `"mode": "audit"` in the file also means a dry run, and
 *   that without `"mode"` it acts (a key it does not take the built-in value of when left out)
 */
export function configOption(rule: StackRule | 'no stack', uses?: string, actor?: string) {
  const fallback =
    rule === 'no stack'
      ? 'default: the built-in defaults'
      : stackDefault(rule, "the stack's deployed config", 'the built-in defaults');
  const said = [
    ...(uses === undefined ? [] : [uses]),
    ...(actor === undefined
      ? []
      : [`"mode": "audit" in it also means a dry run; without "mode" ${actor} acts, not the built-in audit`]),
  ];
  const what = said.length === 0 ? '' : ` (${said.join('; ')})`;
  return new Option(
    '--config <file>',
    `hygiene configuration as JSON${what}; keys it leaves out take the built-in values (${fallback})`,
  );
}
