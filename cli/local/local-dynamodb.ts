/**
 * Starts DynamoDB Local (the jar shipped in `amplify-dynamodb-simulator`) as a
 * child `java` process: in memory, on a free port, stopped with its parent.
 * Used by `pc-hygiene local`, the integration tests and the benchmarks (no
 * Lambda), hence `cli/local/` beside the demo data.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
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

/** The java process of one DynamoDB Local, its latest stderr, and how to stop it. */
interface SpawnedJava {
  readonly child: ChildProcess;
  /** The last 4,000 characters of its stderr. */
  stderr(): string;
  /** The error `spawn` reported (`ENOENT`: no java), if any. */
  spawnError(): Error | undefined;
  stop(): Promise<void>;
}

function spawnDynamoDbLocal(directory: string, port: number): SpawnedJava {
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
    process.removeListener('exit', killOnExit);
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
  return { child, stderr: () => stderr, spawnError: () => spawnError, stop };
}

/**
 * The inodes of the sockets listening on `port` (IPv4 and IPv6), from Linux's `<procRoot>/net/tcp*`; undefined where
 * there is no such table to read (not Linux).
 */
async function listeningSocketInodes(port: number, procRoot: string): Promise<Set<string> | undefined> {
  const tables = await Promise.all(
    ['tcp', 'tcp6'].map((name) => readFile(join(procRoot, 'net', name), 'utf8').catch(() => undefined)),
  );
  if (tables.every((table) => table === undefined)) return undefined;
  const portSuffix = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  for (const line of tables.flatMap((table) => table?.split('\n').slice(1) ?? [])) {
    // sl, local_address, rem_address, st (0A: LISTEN), tx:rx queues, tr:when, retrnsmt, uid, timeout, inode
    const fields = line.trim().split(/\s+/);
    if (fields[1]?.endsWith(portSuffix) && fields[3] === '0A' && fields[9]) inodes.add(fields[9]);
  }
  return inodes;
}

/**
 * Whether process `pid` holds the socket listening on `port` (Linux: its `<procRoot>/<pid>/fd` links to the
 * socket's inode). Undefined where `/proc` cannot tell — no socket tables (not Linux), none listing a listener on
 * the port though one answers there (a sandbox's or WSL1's tables), or the process's descriptors unreadable (a
 * non-dumpable java) — and the `ListTables` answer alone decides: only a clear "another process" refuses.
 * @param procRoot where procfs is mounted (tests give a tree of their own)
 */
export async function holdsListeningPort(
  pid: number,
  port: number,
  procRoot = '/proc',
): Promise<boolean | undefined> {
  const inodes = await listeningSocketInodes(port, procRoot);
  if (inodes === undefined || inodes.size === 0) return undefined;
  const fdDirectory = join(procRoot, String(pid), 'fd');
  const fds = await readdir(fdDirectory).catch(() => undefined);
  if (fds === undefined) return undefined;
  for (const fd of fds) {
    const target = await readlink(join(fdDirectory, fd)).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode !== undefined && inodes.has(inode)) return true;
  }
  return false;
}

/** Jetty's words when DynamoDB Local cannot bind its port (its JVM does not exit then: it must be stopped). */
const BIND_FAILURE = /Failed to bind|BindException/;

/**
 * Starts an in-memory DynamoDB Local and resolves once it answers requests.
 * The process is killed when `stop()` is called or, at the latest, when this
 * Node process exits, so no java process outlives its parent.
 * Only our java's answer counts: where `/proc` shows who holds the port (Linux), an answer from a server another
 * process started there (between the port's choice and java's bind) is refused, not taken for ours.
 * @throws {JavaNotFoundError} when `java` is missing
 * @throws {DynamoDbLocalStartError} when `options.port` is in use, another process takes the port before java binds
 *   it, or the server exits early or does not answer in time
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
  const java = spawnDynamoDbLocal(directory, port);
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const output = () => java.stderr().trim() || 'no output';
  for (;;) {
    const spawnError = java.spawnError();
    if (spawnError) {
      if ((spawnError as NodeJS.ErrnoException).code === 'ENOENT') throw new JavaNotFoundError();
      throw new DynamoDbLocalStartError(`could not start DynamoDB Local: ${spawnError.message}`);
    }
    const { child } = java;
    if (child.exitCode !== null || child.signalCode !== null) {
      await java.stop();
      throw new DynamoDbLocalStartError(
        `DynamoDB Local exited (${child.exitCode ?? child.signalCode}) before answering on port ${port}: ${output()}`,
      );
    }
    if (BIND_FAILURE.test(java.stderr())) {
      await java.stop();
      throw new DynamoDbLocalStartError(
        `cannot start DynamoDB Local on port ${port}: another process took the port before DynamoDB Local could bind it (run again for another port): ${output()}`,
      );
    }
    // Another server's answer (ours not bound yet, or failing to bind: its stderr says so next) is not ours.
    const answered = await answersAsDynamoDb(endpoint);
    const ours = answered ? await holdsListeningPort(child.pid ?? -1, port) : undefined;
    if (answered && ours !== false) return { endpoint, stop: java.stop };
    if (Date.now() > deadline) {
      await java.stop();
      const who = answered ? `answered, but not from our java (pid ${child.pid})` : 'did not answer';
      throw new DynamoDbLocalStartError(
        `DynamoDB Local on ${endpoint} ${who} within ${timeoutMs} ms: ${output()}`,
      );
    }
    await timerSleep(100);
  }
}
