import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Most of a test's time is spent waiting on sockets, timers and child processes, not CPU: on
    // the 2-core machines here one worker per core left the suite at 195 s, three take it to
    // about 125 s with the same results.
    maxWorkers: 3,
  },
});
