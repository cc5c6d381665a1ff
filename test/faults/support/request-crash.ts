/**
 * A process whose DynamoDB client crashes at its k-th write *request*
 * (UpdateItem, PutItem, DeleteItem, BatchWriteItem, TransactWriteItems, PartiQL statements): a
 * middleware at the outermost step (around the SDK's retries: one logical
 * request is one write) routes every request through a {@link ProcessCrash}.
 * Finer than the port wrappers: every request an adapter makes is a boundary
 * of its own, whatever the adapter does inside one port call.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../lambdas/aws/dynamodb-client';
import type { ProcessCrash } from './process-crash';

// PartiQL statements (`BatchExecuteStatement`) are the notifier's batched marks: writes too.
const WRITE_COMMAND = /^(Update|Put|Delete|BatchWrite|TransactWrite|BatchExecuteStatement|ExecuteStatement)/;

interface CommandArgs {
  readonly input?: { readonly Key?: { readonly id?: unknown } };
}

/** The one call of a middleware stack used here (its generic types are the client's). */
interface InitializeMiddlewareStack {
  add(middleware: unknown, options: Record<string, unknown>): void;
}

/** A document client for `endpoint` whose requests go through `crash`. */
export function requestCrashingClient(endpoint: string, crash: ProcessCrash): DynamoDBDocumentClient {
  const client = createDocumentClient({ endpoint });
  (client.middlewareStack as unknown as InitializeMiddlewareStack).add(
    (next: (args: CommandArgs) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: CommandArgs) => {
        const command = context.commandName ?? 'unknown command';
        if (!WRITE_COMMAND.test(command)) {
          crash.alive(command);
          return next(args);
        }
        return crash.write(command, String(args.input?.Key?.id ?? ''), () => next(args));
      },
    { step: 'initialize', priority: 'high', name: 'crashAtWriteRequest', override: true },
  );
  return client;
}
