/**
 * One measurement in a fresh process (see child-protocol.ts and
 * bench/measure.ts). Run by the driver, bundled (bench/child-bundle.ts), as
 * `node child.mjs '<task JSON>'`; prints the result as one line.
 */
import { type ChildTask, RESULT_PREFIX } from './child-protocol';
import { measure } from './measure';

const task = JSON.parse(process.argv[2] ?? '{}') as ChildTask;
const result = await measure(task);
process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
