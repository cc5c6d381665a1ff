/**
 * Starts DynamoDB Local (the jar shipped in `amplify-dynamodb-simulator`) as a
 * child `java` process: in memory, on a free port, stopped with its parent.
 * Used by `pc-hygiene local`, the integration tests and the benchmarks (no
 * Lambda), hence `cli/local/` beside the demo data.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { timerSleep } from '../../lambdas/aws/timer-sleep';

/** A running DynamoDB Local. */
export interface DynamoDbLocal {
  /** `http://127.0.0.1:PORT`: pass as the SDK `endpoint`. */
  readonly endpoint: string;
  /** Stops the java process and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options for {@link startDynamoDbLocal}. */
export interface StartDynamoDbLocalOptions {
  /** Port to listen on; a free one is picked when absent. */
  readonly port?: number;
  /** How long to wait for the server to answer, in ms (default 30 s: a cold JVM on a busy machine is slow). */
  readonly startTimeoutMs?: number;
}

/** `java` is not installed or not on PATH. */
export class JavaNotFoundError extends Error {
  override readonly name = 'JavaNotFoundError';
  constructor() {
    super(
      'DynamoDB Local needs Java, but `java` was not found on PATH: install Java 17+, e.g. apt-get install -y default-jre-headless',
    );
  }
}

/** DynamoDB Local exited early or did not answer in time. */
export class DynamoDbLocalStartError extends Error {
  override readonly name = 'DynamoDbLocalStartError';
}

/** The directory holding `DynamoDBLocal.jar` and its native libraries. */
function dynamoDbLocalDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * True once the server at `endpoint` answers `ListTables` as DynamoDB does (200 and a `TableNames` list): any other
 * HTTP answer on the port is some other server's, not DynamoDB Local's, and is not taken for it.
 */
export async function answersAsDynamoDb(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'X-Amz-Target': 'DynamoDB_20120810.ListTables',
        'Content-Type': 'application/x-amz-json-1.0',
        // DynamoDB Local wants an access key named (MissingAuthenticationToken otherwise) and checks no signature.
        Authorization:
          'AWS4-HMAC-SHA256 Credential=local/20000101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{}',
      signal: AbortSignal.timeout(1_000),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return false;
    }
    const body: unknown = JSON.parse(await response.text());
    return (
      typeof body === 'object' &&
      body !== null &&
      Array.isArray((body as { TableNames?: unknown }).TableNames)
    );
  } catch {
    return false;
  }
}

/** True when nothing listens on `port` of the loopback address (a bind there succeeds). */
async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts an in-memory DynamoDB Local and resolves once it answers requests.
 * The process is killed when `stop()` is called or, at the latest, when this
 * Node process exits, so no java process outlives its parent.
 * @throws {JavaNotFoundError} when `java` is missing
 * @throws {DynamoDbLocalStartError} when `options.port` is in use, or the server exits early or does not answer in time
 */
export async function startDynamoDbLocal(options: StartDynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const directory = dynamoDbLocalDirectory();
  if (options.port !== undefined && !(await portIsFree(options.port))) {
    // Another server there would answer in our java's place (ours then fails to bind): refuse before starting.
    throw new DynamoDbLocalStartError(
      `cannot start DynamoDB Local on port ${options.port}: the port is in use`,
    );
  }
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(directory, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(directory, 'DynamoDBLocal.jar'),
      '-inMemory',
      // One database for every access key and region, so the CLI and tests see the same tables.
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { cwd: directory, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  // Last resort: a synchronous kill when Node exits without calling stop().
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let spawnError: Error | undefined;
  child.once('error', (error: Error) => {
    spawnError = error;
  });

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null || spawnError) return;
    child.kill('SIGTERM');
    if (!(await waitForExit(child, 5_000))) {
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    }
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    if (spawnError) {
      process.removeListener('exit', killOnExit);
      if ((spawnError as NodeJS.ErrnoException).code === 'ENOENT') throw new JavaNotFoundError();
      throw new DynamoDbLocalStartError(`could not start DynamoDB Local: ${spawnError.message}`);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      process.removeListener('exit', killOnExit);
      throw new DynamoDbLocalStartError(
        `DynamoDB Local exited (${child.exitCode ?? child.signalCode}) before answering on port ${port}: ${stderr.trim() || 'no output'}`,
      );
    }
    if (await answersAsDynamoDb(endpoint)) return { endpoint, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new DynamoDbLocalStartError(
        `DynamoDB Local did not answer on ${endpoint} within ${options.startTimeoutMs ?? 30_000} ms: ${stderr.trim() || 'no output'}`,
      );
    }
    await timerSleep(100);
  }
}
