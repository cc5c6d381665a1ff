/**
 * A recording HTTP proxy in front of DynamoDB Local, for the artifact test's
 * role check (test/infra/deployable.test.ts): DynamoDB Local enforces no IAM,
 * so the test records what each bundled function *sends* and compares it with
 * what its role *allows*. The proxy forwards every request's bytes unchanged
 * (method, path, headers, body) and the answer back, and records, per request,
 * the operation of its `X-Amz-Target` and the tables (and indexes) its JSON
 * body names: `TableName` with `IndexName`, the keys of `RequestItems`, and,
 * for the PartiQL operations, each statement's table (and index) and verb;
 * with, so a test can tell which of a handler's paths sent it, the item it
 * names (its `Key`) and how it was answered (`ok`, or the error's type).
 * A test can have it refuse the next request of an operation with a DynamoDB
 * error (`refuseNext`) instead of forwarding it: the request is recorded (the
 * handler sent it), DynamoDB Local never sees it. That drives a handler's
 * fallback paths (a batched write refused as a whole goes item by item).
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
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
  /** The value of the one string attribute of its `Key`, when it names one item by one (`GetItem`, `UpdateItem`, …). */
  readonly key?: string;
  /**
   * How it was answered: `ok` (a 2xx), the error's type (`ConditionalCheckFailedException`; a refusal's own), or
   * absent while unanswered.
   */
  readonly outcome?: string;
}

/** A DynamoDB error to answer a request with: its HTTP status, its `__type` (the part after `#`), its message. */
export interface DynamoDbRefusal {
  readonly status: number;
  readonly errorType: string;
  readonly message: string;
}

/** A running proxy. */
export interface RecordingProxy {
  /** Where to point a client: `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Every request received so far (forwarded or refused), in arrival order. */
  readonly requests: DynamoDbRequest[];
  /** Answers the next request of `operation` (e.g. `BatchExecuteStatement`) with `refusal`, unforwarded. */
  refuseNext(operation: string, refusal: DynamoDbRefusal): void;
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

/** The string value of a one-attribute `Key` (DynamoDB JSON: `{ "id": { "S": "…" } }`), if it is one. */
function keyOf(body: Record<string, unknown>): string | undefined {
  const values = Object.values((body.Key ?? {}) as Record<string, { S?: unknown }>);
  return values.length === 1 && typeof values[0]?.S === 'string' ? values[0].S : undefined;
}

/** A request as recorded, its outcome set when it is answered. */
type Recorded = { -readonly [K in keyof DynamoDbRequest]: DynamoDbRequest[K] };

/** The request as recorded: its operation, its tables and the item it names. */
function recorded(req: IncomingMessage, body: Buffer): Recorded {
  const target = String(req.headers['x-amz-target'] ?? '');
  const operation = target.slice(target.indexOf('.') + 1);
  const json = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
  const key = keyOf(json);
  return { operation, accesses: accessesOf(operation, json), ...(key !== undefined && { key }) };
}

/** The error type of a DynamoDB error answer's body (`{"__type": "com.amazonaws…#Type"}`). */
function errorTypeOf(body: Buffer): string {
  try {
    const type = (JSON.parse(body.toString('utf8')) as { __type?: unknown }).__type;
    return typeof type === 'string' ? type.slice(type.lastIndexOf('#') + 1) : 'unreadable error';
  } catch {
    return 'unreadable error';
  }
}

/** Answers `res` with `refusal`, as DynamoDB writes an error. */
function refuse(res: ServerResponse, { status, errorType, message }: DynamoDbRefusal): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${errorType}`, message }));
}

/** Forwards the request's bytes to `upstream`, and the answer back, setting `record.outcome` from it. */
function forward(upstream: URL, req: IncomingMessage, body: Buffer, res: ServerResponse, record: Recorded) {
  const sent = httpRequest(
    {
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    },
    (answer) => {
      const status = answer.statusCode ?? 502;
      if (status < 300) record.outcome = 'ok';
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => {
        if (status >= 300) chunks.push(chunk);
      });
      answer.on('end', () => {
        if (status >= 300) record.outcome = errorTypeOf(Buffer.concat(chunks));
      });
      res.writeHead(status, answer.headers);
      answer.pipe(res);
    },
  );
  sent.on('error', (error) => res.destroy(error));
  sent.end(body);
}

/**
 * Starts a proxy on a free local port that forwards to `target` (e.g. DynamoDB Local's endpoint).
 * A request whose body cannot be read as above is still forwarded, and recorded with the operation
 * `UNREADABLE: <reason>`, so the role check names it instead of missing it.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const requests: DynamoDbRequest[] = [];
  const refusals: { operation: string; refusal: DynamoDbRefusal }[] = [];
  const server = await listenLocally((req, body, res) => {
    let record: Recorded;
    try {
      record = recorded(req, body);
    } catch (error: unknown) {
      record = { operation: `UNREADABLE: ${String(error)}`, accesses: [] };
    }
    requests.push(record);
    const refused = refusals.findIndex((r) => r.operation === record.operation);
    if (refused === -1) return forward(upstream, req, body, res, record);
    const { refusal } = refusals.splice(refused, 1)[0]!;
    record.outcome = refusal.errorType;
    refuse(res, refusal);
  });
  return {
    endpoint: server.url,
    requests,
    refuseNext: (operation, refusal) => {
      refusals.push({ operation, refusal });
    },
    stop: server.close,
  };
}
