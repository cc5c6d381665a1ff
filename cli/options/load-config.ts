/**
 * `--config FILE.json`: reads a hygiene configuration file through the one
 * schema (`parseConfig`), turning every failure into a one-line usage error.
 * Values may also take the forms CDK context uses (`"expiryNoticeDays":
 * "30,7,1"`, `"staleAfterDays": "60"`), coerced as `cdk.json` values are.
 * The file must be one JSON object (not `null`: that is not "the defaults"),
 * with no key repeated (`cli/strict-json.ts`); a leading UTF-8 byte order mark is
 * ignored.
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
import { describeFileError } from '../file-errors';
import { parseJsonText, RepeatedKeyError } from '../strict-json';
import { UsageError } from '../usage-error';

/**
 * Loads and validates a JSON configuration file; without a path, the defaults.
 * @throws {UsageError} when the file is unreadable, not JSON, not one object, repeats a key, or is not a valid configuration
 */
export async function loadConfigFile(path: string | undefined): Promise<HygieneConfig> {
  if (path === undefined) return DEFAULT_CONFIG;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error: unknown) {
    throw new UsageError(`cannot read config file ${path}: ${describeFileError(error)}`);
  }
  let json: unknown;
  try {
    // A UTF-8 byte order mark (some editors write one) is not part of the JSON.
    json = parseJsonText(text.replace(/^\uFEFF/, '')).value;
  } catch (error: unknown) {
    if (error instanceof RepeatedKeyError)
      throw new UsageError(`config file ${path} is ambiguous JSON: ${error.message}`);
    const reason = error instanceof SyntaxError ? error.message : String(error);
    throw new UsageError(`config file ${path} is not valid JSON (${reason})`);
  }
  try {
    // The value forms of CDK context are accepted too ("30,7,1", "90"): one coercion, the config module's.
    const input =
      json !== null && typeof json === 'object' && !Array.isArray(json)
        ? coerceFlatValues(json as Record<string, unknown>)
        : json;
    // Not an object (null included): parseConfig says what it is.
    return parseConfig(input, `config file ${path}`);
  } catch (error: unknown) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * `--config <file>`, read by {@link loadConfigFile}: `uses` says which settings the
 * command takes from it and what it falls back to.
 */
export function configOption(uses: string) {
  return new Option('--config <file>', `hygiene configuration as JSON (${uses})`);
}
