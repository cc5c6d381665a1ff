/**
 * The CLI's version, read once from the package's own `package.json` (one
 * source of truth): printed by `pc-hygiene --version` and named in an
 * operator run's admin summary (`pc-hygiene 0.1.0`).
 */
import { readFileSync } from 'node:fs';

/** The package version, e.g. `0.1.0`. */
export const CLI_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The tool as an operator run names it: `pc-hygiene <version>`. */
export const CLI_TOOL = `pc-hygiene ${CLI_VERSION}`;
