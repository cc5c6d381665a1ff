/**
 * A V8 CPU profile of one child's measured call alone (`npm run bench --
 * --cpu-prof DIR`), taken in the process through the inspector: started just
 * before the call, stopped just after it. A whole-process `--cpu-prof` also
 * holds module loading and the bench's unmetered reads, and the call's end
 * cannot be found in it: a use case's last sample on the stack is wherever the
 * sampler last caught it, not where its awaits end, so bench/profile-modules.ts
 * once read a 128 ms window out of a 1.4 s drain.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

/** Stops the profile and writes it (the `.cpuprofile` format Chrome DevTools and `--cpu-prof` use). */
export type StopProfile = () => Promise<void>;

/**
 * Starts profiling this process; the returned function stops and writes the profile to `path`.
 * @param path where to write it; undefined: no profile, and the returned function does nothing
 */
export async function startMeasuredProfile(path: string | undefined): Promise<StopProfile> {
  if (path === undefined) return async () => {};
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    await writeFile(path, JSON.stringify(profile));
  };
}
