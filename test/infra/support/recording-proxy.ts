/**
 * A recording HTTP proxy in front of DynamoDB Local, for the artifact test's
 * role check (test/infra/deployable.test.ts): DynamoDB Local enforces no IAM,
 * so the test records what each bundled function *sends* and compares it with
 * what its role *allows*. The proxy forwards every request's bytes unchanged
 * (method, path, headers, body) and the answer back, and records, per request,
 * the operation of its `X-Amz-Target` and the tables (and indexes) its JSON
 * body names: `TableName` with `IndexName`, the keys of `RequestItems`, and,
 * for the PartiQL operations, each statement's table (and index) and verb.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { listenLocally } from './local-http-server';

/** One table (or index) a request acts on. */
export interface TableAccess {
  readonly table: string;
  /** The secondary index, when the request names one (`IndexName`, or `"table"."index"` in PartiQL). */
  readonly index?: string;
  /** PartiQL only: the statement's verb, upper case (`UPDATE`, `SELECT`, `INSERT`, `DELETE`). */
  readonly partiqlVerb?: string;
}

/** One request as the proxy saw it. */
export interface DynamoDbRequest {
  /** The operation of `X-Amz-Target: DynamoDB_20120810.<operation>`. */
  readonly operation: string;
  readonly accesses: readonly TableAccess[];
}

/** A running proxy. */
export interface RecordingProxy {
  /** Where to point a client: `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Every request forwarded so far, in arrival order. */
  readonly requests: DynamoDbRequest[];
  stop(): Promise<void>;
}

/** The PartiQL operations: their tables are in the statements, not in `TableName`. */
const PARTIQL_OPERATIONS = new Set(['ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction']);

/**
 * The table (and index) and verb of one PartiQL statement: the first word, and the identifier after
 * `UPDATE`, `INSERT INTO`, `DELETE FROM` or `SELECT … FROM` (double-quoted with `""` escapes, or a bare
 * word), with an optional `."index"`.
 */
export function partiqlAccess(statement: string): TableAccess {
  const partiqlVerb = (/^\s*(\w+)/.exec(statement)?.[1] ?? '').toUpperCase();
  const identifier = '("(?:[^"]|"")*"|[A-Za-z0-9_]+)';
  const where = new RegExp(
    String.raw`^\s*(?:UPDATE|INSERT\s+INTO|DELETE\s+FROM|SELECT\s[\s\S]*?\sFROM)\s+${identifier}(?:\.${identifier})?`,
    'i',
  ).exec(statement);
  if (where === null) throw new Error(`recording proxy: no table in the PartiQL statement ${statement}`);
  const unquote = (name: string) => (name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name);
  const index = where[2] === undefined ? undefined : unquote(where[2]);
  return { table: unquote(where[1]!), ...(index !== undefined && { index }), partiqlVerb };
}

/** The tables a request's JSON body names (see the file header). */
export function accessesOf(operation: string, body: Record<string, unknown>): TableAccess[] {
  if (PARTIQL_OPERATIONS.has(operation)) {
    // ExecuteStatement: `Statement`; BatchExecuteStatement: `Statements`; ExecuteTransaction: `TransactStatements`.
    const batch = (body.Statements ?? body.TransactStatements ?? []) as { Statement: string }[];
    const statements = typeof body.Statement === 'string' ? [body.Statement] : batch.map((s) => s.Statement);
    return statements.map(partiqlAccess);
  }
  if (body.RequestItems !== undefined) {
    return Object.keys(body.RequestItems as object).map((table) => ({ table }));
  }
  if (typeof body.TableName === 'string') {
    const index = typeof body.IndexName === 'string' ? body.IndexName : undefined;
    return [{ table: body.TableName, ...(index !== undefined && { index }) }];
  }
  return [];
}

/** The request as recorded: its operation and its tables. */
function recorded(req: IncomingMessage, body: Buffer): DynamoDbRequest {
  const target = String(req.headers['x-amz-target'] ?? '');
  const operation = target.slice(target.indexOf('.') + 1);
  const json = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
  return { operation, accesses: accessesOf(operation, json) };
}

/**
 * Starts a proxy on a free local port that forwards to `target` (e.g. DynamoDB Local's endpoint).
 * A request whose body cannot be read as above is still forwarded, and recorded with the operation
 * `UNREADABLE: <reason>`, so the role check names it instead of missing it.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const requests: DynamoDbRequest[] = [];
  const server = await listenLocally((req, body, res) => {
    try {
      requests.push(recorded(req, body));
    } catch (error: unknown) {
      requests.push({ operation: `UNREADABLE: ${String(error)}`, accesses: [] });
    }
    const forward = httpRequest(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', (error) => res.destroy(error));
    forward.end(body);
  });
  return { endpoint: server.url, requests, stop: server.close };
}
