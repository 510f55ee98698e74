/**
 * What `npm start` runs, for the tools and tests that start the local endpoint in a process of their own (so that
 * they measure and kill what a user runs): the program, its arguments, and the environment package.json's start
 * script sets. Two settings of glibc's malloc (elsewhere than glibc they are ignored; docs/decisions.md):
 * - MALLOC_ARENA_MAX=2 caps the per-thread arenas (the engine's thread, the GC's helpers): with one arena per
 *   thread, memory a request freed stays in its thread's arena.
 * - MALLOC_MMAP_THRESHOLD_=32768 gives every block of 32 KB or more (request bodies, definitions, answers) a mapping
 *   of its own, returned to the system when freed. By default glibc raises that threshold as large blocks are
 *   freed, and the blocks of later large requests then come from the arenas, whose holes it keeps: re-putting
 *   400 KB definitions left +118 MiB after idle, +20 MiB with this (and the bench's calls cost no more CPU).
 */
export const LOCAL_PROGRAM_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '32768' } as const;

/**
 * V8 flags of `npm start`: the young generation's semi-spaces capped at 16 MB, Node 20's default (Node 22 and 24
 * let them grow to 64 MB under load and keep them: after the hostile corpus the process held +250 MiB on Node 24
 * against +80 on Node 20; docs/decisions.md); and `gc()` exposed, for the collection the endpoint runs when it goes
 * quiet (local/idle-collector.ts).
 */
const LOCAL_PROGRAM_V8_FLAGS = ['--max-semi-space-size=16', '--expose-gc'] as const;

/** `node --max-semi-space-size=16 --expose-gc --require tsx/cjs local/main.ts ...args`, as argv after the Node executable. */
export const localProgramArgs = (args: readonly string[] = []): string[] => [...LOCAL_PROGRAM_V8_FLAGS, '--require', 'tsx/cjs', 'local/main.ts', ...args];
