import { defineConfig } from 'vitest/config';

/**
 * One vitest run for the whole monorepo: unit tests beside the code, and process-level
 * tests (`test/*.int.test.ts`) that start real nats-server, ffmpeg and service processes.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'packages/*/test/**/*.int.test.ts',
            'services/*/test/**/*.int.test.ts',
            'examples/*/test/**/*.int.test.ts',
            'test/**/*.int.test.ts',
          ],
          testTimeout: 120_000,
          hookTimeout: 90_000,
          pool: 'forks',
          maxWorkers: 2,
          minWorkers: 1,
        },
      },
    ],
  },
});
