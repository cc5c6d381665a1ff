/**
 * The error a call throws, for tests that read its fields (the list of
 * problems, the message): it must be of the expected class, or the test fails.
 */

/** Runs `run` and returns what it throws, which must be a `type`; anything else (or nothing) fails the test. */
export function thrownBy<E extends Error>(type: abstract new (...args: never[]) => E, run: () => unknown): E {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}`);
}
