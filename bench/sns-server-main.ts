/**
 * The bench's SNS server as a process of its own (bench/sns-server.ts; started
 * by bench/sns-server-process.ts): prints one ready line with its endpoint,
 * serves until SIGTERM or SIGINT, or until its stdin closes (the bench that
 * started it is gone).
 */
import { BenchSnsServer, SNS_SERVER_READY } from './sns-server';

const server = await BenchSnsServer.start();
const stop = () => {
  void server.stop().then(() => process.exit(0));
};
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, stop);
// The bench holds stdin open while it runs: its end means the bench is gone, whatever killed it.
process.stdin.once('end', stop).resume();
process.stdout.write(`${SNS_SERVER_READY}${server.endpoint}\n`);
