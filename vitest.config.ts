import { defineConfig } from 'vitest/config';

/** One vitest run over every package: unit tests beside the code, cross-package ones in tests/. */
// CI asks for a JSON report too, to print its closing `N passed, N failed` line from it.
const jsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
  test: {
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
    projects: [
      {
        test: {
          name: 'hub',
          root: './hub',
          include: ['src/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'bots',
          root: './bots',
          include: ['src/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      './web/vitest.config.ts',
      {
        test: {
          name: 'integration',
          root: './tests',
          include: ['**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // A browser under the whole suite's load can take seconds to show what a poll waits for
          // (a service worker's notification took over the default 1 s): wait as long as a step may.
          expect: { poll: { timeout: 15_000 } },
          // Multi-node and browser tests start several hubs and a browser: one file at a time on 2 cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
