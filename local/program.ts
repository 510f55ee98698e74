/**
 * What `npm start` runs, for the tools and tests that start the local endpoint in a process of their own (so that
 * they measure and kill what a user runs): the program, its arguments, and the environment package.json's start
 * script sets. MALLOC_ARENA_MAX=2 caps glibc's per-thread malloc arenas (the engine's thread, the GC's helpers):
 * with one arena per thread, memory a request freed stays in its thread's arena, and after the hostile fuzz
 * (`npm run fuzz`) the process kept 104 MiB more than it started with; with 2, 87 (docs/decisions.md). Elsewhere
 * than glibc it is ignored.
 */
export const LOCAL_PROGRAM_ENV = { MALLOC_ARENA_MAX: '2' } as const;

/**
 * V8 flags of `npm start`: the young generation's semi-spaces capped at 16 MB, Node 20's default (Node 22 and 24
 * let them grow to 64 MB under load and keep them: after the hostile corpus the process held +250 MiB on Node 24
 * against +80 on Node 20; docs/decisions.md); and `gc()` exposed, for the collection the endpoint runs when it goes
 * quiet (local/idle-collector.ts).
 */
const LOCAL_PROGRAM_V8_FLAGS = ['--max-semi-space-size=16', '--expose-gc'] as const;

/** `node --max-semi-space-size=16 --expose-gc --require tsx/cjs local/main.ts ...args`, as argv after the Node executable. */
export const localProgramArgs = (args: readonly string[] = []): string[] => [...LOCAL_PROGRAM_V8_FLAGS, '--require', 'tsx/cjs', 'local/main.ts', ...args];
