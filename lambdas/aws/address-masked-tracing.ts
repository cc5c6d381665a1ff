/**
 * X-Ray tracing of the AWS SDK clients, with every email address masked in the errors the trace records.
 *
 * Why: X-Ray's SDK middleware (`aws-xray-sdk-core`, `patchers/aws3_p.js`, step `build`) records a failed call's
 * error message and stack in its subsegment, and SES's and SNS's refusals may name the address they refused (SES's
 * sandbox `MessageRejected` lists it). X-Ray's access control is not the owner directory's (docs/deploy.md,
 * "Security choices"), so the trace gets the error with its addresses masked, while the caller still gets the
 * original, unchanged: the summaries a handler returns and publishes keep whole texts, and only logs mask them.
 *
 * How: X-Ray's middleware records the error it catches from the steps below it. A middleware below it (step
 * `build`, priority `low`: after X-Ray's, before the retries) hands a failed call's error up as a stand-in
 * ({@link maskedForTrace}), and one above it (step `initialize`, priority `high`: the outermost) hands the caller
 * the original again ({@link unmaskedAfterTrace}). The masking is the logs' one (`withoutEmailAddresses`,
 * `lambdas/hygiene/errors.ts`).
 */
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { withoutEmailAddresses } from '../hygiene/errors';

/** What tracing a client needs of the Powertools tracer. */
export type ClientTracer = Pick<Tracer, 'captureAWSv3Client'>;

/** One step of an SDK call as a middleware sees it: the rest of the call. */
type CallStep<Args, Output> = (args: Args) => Promise<Output>;

/** The middlewares of this module, each wrapping the rest of the call (any client's stack takes them). */
type ErrorMiddleware = <Args, Output>(next: CallStep<Args, Output>) => CallStep<Args, Output>;

/** What this module uses of an SDK v3 client: its middleware stack (every client has one). */
export interface MiddlewareClient {
  readonly middlewareStack: {
    add(middleware: ErrorMiddleware, options: { step: 'initialize'; priority: 'high'; name: string }): void;
    add(middleware: ErrorMiddleware, options: { step: 'build'; priority: 'low'; name: string }): void;
    remove(name: string): boolean;
  };
}

/** Where a stand-in keeps the error it stands for (not enumerable: never serialized). */
const ORIGINAL = Symbol('the error before its addresses were masked for the trace');

/**
 * A call-site line of a V8 stack (`    at fn (path:line:column)`): kept as it is, since its path may hold an `@`
 * (`node_modules/@smithy/…`) that is no address.
 */
const CALL_SITE = /^\s+at /;

/** `stack` with every address masked in its text lines (the error's name and message), its call sites as they are. */
function maskedStack(stack: string): string {
  return stack
    .split('\n')
    .map((line) => (CALL_SITE.test(line) ? line : withoutEmailAddresses(line)))
    .join('\n');
}

/**
 * `error` as a trace may record it: when its message or stack names an email address, a stand-in whose prototype
 * is `error` (so its name, class, `$metadata`, `$fault` and every other property are the original's) and whose own
 * `message` and `stack` have every address masked; otherwise `error` itself (nothing to mask, or not an `Error`).
 * {@link unmaskedAfterTrace} gives the original back.
 */
export function maskedForTrace<E>(error: E): E {
  if (!(error instanceof Error)) return error;
  // A message or stack that is not a text (a thrown oddity) is left as it is: masking never throws in its place.
  const { message: givenMessage, stack: givenStack } = error as { message: unknown; stack: unknown };
  const message = typeof givenMessage === 'string' ? withoutEmailAddresses(givenMessage) : givenMessage;
  const stack = typeof givenStack === 'string' ? maskedStack(givenStack) : givenStack;
  if (message === givenMessage && stack === givenStack) return error;
  const standIn: unknown = Object.create(error, {
    message: { value: message, writable: true, configurable: true },
    stack: { value: stack, writable: true, configurable: true },
    [ORIGINAL]: { value: error },
  });
  return standIn as E;
}

/** The error a {@link maskedForTrace} stand-in stands for; any other value as it is. */
export function unmaskedAfterTrace<E>(error: E): E {
  if (!(error instanceof Error) || !Object.hasOwn(error, ORIGINAL)) return error;
  return (error as unknown as { readonly [ORIGINAL]: E })[ORIGINAL];
}

/** Below X-Ray's middleware: a failed call's error goes up masked. */
const maskForTrace: ErrorMiddleware = (next) => async (args) => {
  try {
    return await next(args);
  } catch (error: unknown) {
    throw maskedForTrace(error);
  }
};

/** Above X-Ray's middleware: the caller gets the original error. */
const unmaskForCaller: ErrorMiddleware = (next) => async (args) => {
  try {
    return await next(args);
  } catch (error: unknown) {
    throw unmaskedAfterTrace(error);
  }
};

const MASK_FOR_TRACE = 'PcHygieneMaskAddressesForTrace';
const UNMASK_FOR_CALLER = 'PcHygieneUnmaskErrorForCaller';

/**
 * Traces `client` with `tracer` (an X-Ray subsegment per call) and masks every email address in the error a failed
 * call records in the trace; the caller still catches the original error, unchanged (message, name, class,
 * `$metadata`, stack). The one way the deployed functions trace a client. Call it before the client's first call
 * (a client with `cacheMiddleware` resolves its stack once). Calling it again changes nothing.
 * @returns `client`
 */
export function traceWithAddressesMasked<C extends MiddlewareClient>(tracer: ClientTracer, client: C): C {
  const stack = client.middlewareStack;
  stack.remove(MASK_FOR_TRACE);
  stack.remove(UNMASK_FOR_CALLER);
  stack.add(maskForTrace, { step: 'build', priority: 'low', name: MASK_FOR_TRACE });
  stack.add(unmaskForCaller, { step: 'initialize', priority: 'high', name: UNMASK_FOR_CALLER });
  return tracer.captureAWSv3Client(client);
}
