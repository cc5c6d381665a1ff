/**
 * `--segments N` of the commands that scan with the hygiene config's
 * `scanSegments` (`sweep`, `report`): an integer from 1 to 64, the config's
 * own range, overriding the config for this run. `export` takes the same
 * range (default 1): the scanner holds up to two pages per segment, so 64
 * bounds what any command holds at once (docs/sweep.md, "Phases").
 */
import { Option } from '@commander-js/extra-typings';
import { CONCURRENCY_MAXIMA } from '../../lambdas/hygiene/config';
import { integerIn, optional } from './numbers';

/** The most `--segments` any command takes: the configuration's own maximum. */
export const MAX_SEGMENTS = CONCURRENCY_MAXIMA.scanSegments;

/**
 * Parses `--segments`: an integer from 1 to {@link MAX_SEGMENTS} (64); `undefined` (not given) stays `undefined`.
 * @throws {UsageError} otherwise
 */
export const parseSegments = optional(integerIn('--segments', 1, MAX_SEGMENTS));

/** The `--segments <n>` option (default: the config's `scanSegments`). */
export function segmentsOption() {
  return new Option(
    '--segments <n>',
    `parallel scan segments, 1-${MAX_SEGMENTS} (default: the config scanSegments)`,
  ).argParser(parseSegments);
}
