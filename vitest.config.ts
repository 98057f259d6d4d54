import { configDefaults, defineConfig } from 'vitest/config';

const integration = [
  'packages/*/test/**/*.int.test.ts',
  'services/*/test/**/*.int.test.ts',
  'examples/*/test/**/*.int.test.ts',
  'test/**/*.int.test.ts',
];

/**
 * Files that assert how soon something happens after a fault — a killed worker's job
 * back within AckWait + slack, a retry within its planned delay + 1 s, jobs taken again
 * within seconds of a broker or cluster node coming back. They run one at a time, after
 * everything else, so no other file's processes compete with them for the CPU.
 */
const timed = ['test/faults/**/*.int.test.ts', 'packages/runtime/test/retry-timing.int.test.ts'];

/**
 * One vitest run for the whole monorepo: unit tests beside the code, and process-level
 * tests (`test/*.int.test.ts`) that start real nats-server, ffmpeg and service processes.
 *
 * The worker count is set here, at the root: vitest 3 sizes one pool for every project
 * from the root config and ignores a project's own `maxWorkers`, so on a 2-core machine
 * its default (cores − 1) ran the whole suite one file at a time. Two files at once: most
 * of an integration file's time is spent waiting on its processes.
 */
export default defineConfig({
  test: {
    maxWorkers: 2,
    minWorkers: 1,
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
          include: integration,
          exclude: [...configDefaults.exclude, ...timed],
          testTimeout: 120_000,
          hookTimeout: 90_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'timed',
          include: timed,
          testTimeout: 120_000,
          hookTimeout: 90_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
