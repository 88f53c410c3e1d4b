import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

/**
 * Allocation sampling inside a server process (BENCH_ALLOC_PROF=1): V8's sampling heap profiler,
 * told to keep the samples of objects that young- and old-generation GC collected, so the profile
 * is everything the process allocated over the window, by the stack that allocated it, not what
 * happens to be alive at its end. Read it with `alloc:summary`.
 */
export function allocationSampler(): {
  allocStart: () => Promise<void>;
  allocStop: (args: { file: string }) => Promise<string>;
} {
  let session: Session | undefined;
  return {
    allocStart: async () => {
      session ??= new Session();
      session.connect();
      await session.post('HeapProfiler.startSampling', {
        // Every 16 KiB on average: a few thousand samples a second at the bench's rates.
        samplingInterval: 16 * 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      } as never);
    },
    allocStop: async ({ file }) => {
      if (!session) throw new Error('allocation sampling was not started');
      const { profile } = await session.post('HeapProfiler.stopSampling');
      session.disconnect();
      await writeFile(file, JSON.stringify(profile));
      return file;
    },
  };
}
