import { defineTask, type TaskDefinition } from '@reelay/contracts';
import { z } from 'zod';

/**
 * Task types used by the runtime's own tests and by anyone checking a deployment: they
 * fail, crash, stall and report progress on request. A custom catalogue like this is
 * also how a user adds task types of their own.
 */
const anything = z.unknown();
const fast = { initialDelayMs: 50, maxDelayMs: 200, multiplier: 2, jitter: 0 };

export const testTasks: Record<string, TaskDefinition> = {
  'test.echo': defineTask({ type: 'test.echo', description: 'returns its input', queue: 'test', input: anything, output: anything }),
  'test.flaky': defineTask({
    type: 'test.flaky',
    description: 'fails retryably until attempt `succeedOn`',
    queue: 'test',
    input: z.object({ succeedOn: z.number().int() }),
    output: anything,
    retry: { ...fast, maxAttempts: 3 },
  }),
  'test.permanent': defineTask({
    type: 'test.permanent',
    description: 'fails permanently',
    queue: 'test',
    input: anything,
    output: anything,
    retry: { ...fast, maxAttempts: 5 },
  }),
  'test.crash': defineTask({
    type: 'test.crash',
    description: 'kills its own worker process (a poison job)',
    queue: 'test',
    input: anything,
    output: anything,
    retry: { ...fast, maxAttempts: 2 },
  }),
  'test.block': defineTask({
    type: 'test.block',
    description: 'runs for `ms` (default: until aborted), reporting progress',
    queue: 'test',
    input: z.object({ ms: z.number().int().optional(), ignoreAbort: z.boolean().optional(), spawnSleep: z.boolean().optional() }),
    output: anything,
    softTimeoutMs: 600_000,
    hardTimeoutMs: 900_000,
    retry: { ...fast, maxAttempts: 1 },
  }),
  'test.limited': defineTask({
    type: 'test.limited',
    description: 'rate limited to 5 starts per second across replicas',
    queue: 'test',
    input: anything,
    output: anything,
    rateLimit: { max: 5, perMs: 1_000 },
  }),
  'test.secret': defineTask({
    type: 'test.secret',
    description: 'takes a token and a password marked sensitive; returns their hash and length, never them',
    queue: 'test',
    input: z.object({ token: z.string().min(1), account: z.object({ password: z.string() }), label: z.string() }),
    output: z.object({ tokenSha256: z.string(), passwordLength: z.number().int(), label: z.string() }),
    sensitive: ['token', 'account.password'],
    retry: { ...fast, maxAttempts: 1 },
  }),
  'test.progress': defineTask({
    type: 'test.progress',
    description: 'reports progress 1..100 as fast as it can',
    queue: 'test',
    input: anything,
    output: anything,
  }),
  'test.timeout': defineTask({
    type: 'test.timeout',
    description: 'exceeds its limits (soft 300 ms, hard 800 ms)',
    queue: 'test',
    input: z.object({ ignoreSoft: z.boolean(), spawnSleep: z.boolean().optional() }),
    output: anything,
    softTimeoutMs: 300,
    hardTimeoutMs: 800,
    retry: { ...fast, maxAttempts: 1 },
  }),
};
