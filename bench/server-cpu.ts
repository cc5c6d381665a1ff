/**
 * CPU time used by the DynamoDB Local JVM, read from Linux `/proc`, so each
 * measurement also reports the server-side work it caused (on this machine
 * the JVM and the Node client share the same cores). Elsewhere it reports
 * nothing rather than guessing.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc times are in 1/100 s on every mainstream kernel build. */
const TICKS_PER_SECOND = 100;

/** The pid of the DynamoDB Local java process listening on `port`, if it can be found. */
export function findDynamoDbLocalPid(port: number): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const portIndex = args.indexOf('-port');
      if (args.some((a) => a.endsWith('DynamoDBLocal.jar')) && args[portIndex + 1] === String(port)) {
        return Number(entry);
      }
    } catch {
      // The process ended while we looked, or is not ours to read.
    }
  }
  return undefined;
}

/** What one step of a tool cost: its wall time, this process's CPU and the emulator's CPU, ms. */
export interface StepCost {
  readonly wallMs: number;
  readonly clientCpuMs: number;
  /** Undefined when the emulator's CPU cannot be read (no pid, no `/proc`). */
  readonly emulatorCpuMs: number | undefined;
}

/**
 * Runs `step` and reports what it cost ({@link StepCost}), the emulator's CPU
 * read from `emulatorPid` just around it (for the bench's standalone tools;
 * the measurement children take their own readings beside the memory sampler).
 */
export async function costOf(
  emulatorPid: number | undefined,
  step: () => Promise<unknown>,
): Promise<StepCost> {
  const emulatorBefore = processCpuMs(emulatorPid);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  await step();
  const wallMs = performance.now() - started;
  const client = process.cpuUsage(clientBefore);
  const emulatorAfter = processCpuMs(emulatorPid);
  return {
    wallMs,
    clientCpuMs: (client.user + client.system) / 1000,
    emulatorCpuMs:
      emulatorBefore === undefined || emulatorAfter === undefined
        ? undefined
        : emulatorAfter - emulatorBefore,
  };
}

/** User + system CPU time of `pid` so far, ms; undefined when unreadable. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}
