/**
 * How a `pc-hygiene` command that catches an interruption treats it, in one
 * place: which signals interrupt (Ctrl-C's SIGINT, a `kill` or a service
 * stop's SIGTERM, a closed terminal's SIGHUP), and the exit code it then ends
 * with — the shell's own for a process a signal ended, 128 + the signal's
 * number (130, 143, 129) — so a script reads an interruption the same way
 * whether the command handled the signal (`restore --run`, `local`) or was
 * ended by it (`export` raises it again). The other exit codes:
 * cli/exit-codes.ts.
 */
import { constants } from 'node:os';

/** The signals that interrupt a command: Ctrl-C, a `kill` (or a service stop), a closed terminal. */
export const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Calls `handler` on each interruption ({@link INTERRUPT_SIGNALS}) until the returned function removes it: the one
 * way a command registers for them and lets them go again (also from inside the handler, so that a second signal
 * takes Node's default and ends the process at once).
 */
export function onInterrupt(handler: (signal: NodeJS.Signals) => void): () => void {
  for (const signal of INTERRUPT_SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of INTERRUPT_SIGNALS) process.off(signal, handler);
  };
}

/** The exit code of a command that stopped because of `signal`: 128 + its number (SIGINT 130, SIGTERM 143). */
export function interruptedExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}
