/**
 * The bench's SNS server as a process of its own (bench/sns-server.ts; started
 * by bench/sns-server-process.ts): prints one ready line with its endpoint,
 * serves until SIGTERM or SIGINT.
 */
import { BenchSnsServer, SNS_SERVER_READY } from './sns-server';

const server = await BenchSnsServer.start();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void server.stop().then(() => process.exit(0));
  });
}
process.stdout.write(`${SNS_SERVER_READY}${server.endpoint}\n`);
