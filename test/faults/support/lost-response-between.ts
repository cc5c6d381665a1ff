/**
 * A lost response with another writer in between: the first attempt of the
 * first request `matches` accepts takes effect, then `between` runs (another
 * writer's change, made after the request applied and before the SDK sends it
 * again), then the response is lost (a connection reset: the SDK retries a
 * request that already took effect, as support/throttling.ts's
 * `loseFirstResponse` does with nothing in between). Its control: that first
 * attempt `throttled` instead (refused before it applied, `between` run
 * first), so the SDK's retry meets only the other writer's change. For a CLI
 * command, whose client is built inside it, {@link armLostResponse} (or
 * {@link armNextClient}, for any other fault) and {@link hookArmedClient}
 * reach that client (test/support/document-client-hook.ts).
 */
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Which request loses its response, and what happens before the SDK sends it again. */
export interface LostResponsePlan {
  readonly matches: (input: Readonly<Record<string, unknown>>) => boolean;
  readonly between?: () => Promise<void>;
  /** The first attempt is throttled (nothing applied) instead of answered and lost. */
  readonly throttled?: boolean;
}

/** What the injector did: `lost` is 1 once the response was lost (or the attempt throttled). */
export interface LostResponseCounts {
  attempts: number;
  lost: number;
}

/** The one call of a middleware stack used here (its generic types are the client's). */
interface RelativeMiddlewareStack {
  addRelativeTo(middleware: unknown, options: Record<string, unknown>): void;
}

/** Loses the response of the first attempt `plan.matches` (or throttles it: `plan.throttled`), after `plan.between` ran. */
export function loseFirstResponseAfter(
  client: DynamoDBDocumentClient,
  plan: LostResponsePlan,
): LostResponseCounts {
  const counts: LostResponseCounts = { attempts: 0, lost: 0 };
  (client.middlewareStack as unknown as RelativeMiddlewareStack).addRelativeTo(
    (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      counts.attempts++;
      const input = (args as { readonly input: Readonly<Record<string, unknown>> }).input;
      const target = counts.lost === 0 && plan.matches(input);
      if (target && plan.throttled) {
        counts.lost++;
        await plan.between?.();
        throw new ProvisionedThroughputExceededException({
          message: 'Rate exceeded (injected by the fault tests)',
          $metadata: { httpStatusCode: 400 },
        });
      }
      const output = await next(args);
      if (!target) return output;
      counts.lost++;
      await plan.between?.();
      throw Object.assign(new Error('socket hang up (response lost, injected by the fault tests)'), {
        name: 'Error',
        code: 'ECONNRESET',
        $metadata: {},
      });
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'loseFirstResponseAfter', override: true },
  );
  return counts;
}

/** What the next client a CLI command builds gets (once). */
let armed: ((client: DynamoDBDocumentClient) => void) | undefined;

/** Gives the next document client built (a CLI command's) to `hook`, once. */
export function armNextClient(hook: (client: DynamoDBDocumentClient) => void): void {
  armed = hook;
}

/** Makes the next document client built (a CLI command's) lose a response by `plan`; returns its live counts. */
export function armLostResponse(plan: LostResponsePlan): () => LostResponseCounts | undefined {
  let counts: LostResponseCounts | undefined;
  armNextClient((client) => {
    counts = loseFirstResponseAfter(client, plan);
  });
  return () => counts;
}

/** For `hookDocumentClients`: gives a client built while a hook is armed to that hook (once). */
export function hookArmedClient(client: DynamoDBDocumentClient): void {
  const hook = armed;
  armed = undefined;
  hook?.(client);
}
