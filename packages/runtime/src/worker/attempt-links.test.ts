import { defineTask, ErrorCode } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TransientError } from '../errors.js';
import { CancelledError, SoftTimeoutError } from './abort-reasons.js';
import { classified, inputParsed, outputParsed, timeLimited } from './attempt-links.js';
import { type Attempt, type AttemptLink, composeLinks } from './run-attempt.js';
import type { AttemptOutcome } from './settle.js';

const task = defineTask({
  type: 'test.links',
  queue: 'test',
  description: 'a task for the links under test',
  input: z.object({ n: z.number().int().default(1) }),
  output: z.object({ doubled: z.number() }),
  hardTimeoutMs: 60_000,
});

/** The parts of an attempt these links read; no message or store is involved. */
function attemptOf(overrides: { timeoutMs?: number; input?: unknown } = {}): Attempt {
  const abort = new AbortController();
  const envelope = { id: 'job-1', type: task.type, input: overrides.input ?? {}, timeoutMs: overrides.timeoutMs };
  return { abort, task, envelope, input: envelope.input, children: { killAll() {} } } as unknown as Attempt;
}

const outcomeOf = (links: readonly AttemptLink[], handler: (a: Attempt) => Promise<unknown>) =>
  composeLinks<Attempt, AttemptOutcome>(links, async (a) => ({ kind: 'succeeded', result: await handler(a) }));

describe('attempt links', () => {
  it('input that breaks the contract is rejected as INVALID_INPUT and the handler never runs', async () => {
    let ran = false;
    const run = outcomeOf([inputParsed({ openInput: (e) => e.input })], async () => {
      ran = true;
    });
    const outcome = await run(attemptOf({ input: { n: 'two' } }));
    expect(outcome).toMatchObject({ kind: 'rejected', error: { code: ErrorCode.INVALID_INPUT, retryable: false } });
    expect(ran).toBe(false);
  });

  it('the handler gets its input as the schema parsed it, defaults applied', async () => {
    const run = outcomeOf([inputParsed({ openInput: (e) => e.input })], async (a) => a.input);
    expect(await run(attemptOf({ input: {} }))).toEqual({ kind: 'succeeded', result: { n: 1 } });
  });

  it('input that does not open (a missing key) is rejected with the opener’s code', async () => {
    const run = outcomeOf(
      [
        inputParsed({
          openInput: () => {
            throw new TransientError('no key', { code: ErrorCode.DECRYPTION_FAILED });
          },
        }),
      ],
      async () => ({ doubled: 2 }),
    );
    expect(await run(attemptOf())).toMatchObject({ kind: 'rejected', error: { code: ErrorCode.DECRYPTION_FAILED } });
  });

  it('output that breaks the contract fails as OUTPUT_INVALID, not retried; valid output comes back parsed', async () => {
    const bad = await outcomeOf([classified, outputParsed], async () => ({ doubled: 'no' }))(attemptOf());
    expect(bad).toMatchObject({ kind: 'failed', error: { code: ErrorCode.OUTPUT_INVALID, retryable: false } });
    const good = await outcomeOf([classified, outputParsed], async () => ({ doubled: 4 }))(attemptOf());
    expect(good).toEqual({ kind: 'succeeded', result: { doubled: 4 } });
  });

  it('a cancel wins over what the handler returned, even output that breaks the contract', async () => {
    const run = outcomeOf([classified, outputParsed], async (a) => {
      a.abort.abort(new CancelledError());
      return { doubled: 'no' };
    });
    expect(await run(attemptOf())).toEqual({ kind: 'cancelled' });
  });

  it('a handler that gives up after its soft limit fails as SOFT_TIMEOUT; its own classified error keeps its code', async () => {
    const plain = outcomeOf([classified], async (a) => {
      a.abort.abort(new SoftTimeoutError(10));
      throw new Error('aborted');
    });
    expect(await plain(attemptOf())).toMatchObject({ kind: 'failed', error: { code: ErrorCode.SOFT_TIMEOUT, retryable: true } });
    const own = outcomeOf([classified], async (a) => {
      a.abort.abort(new SoftTimeoutError(10));
      throw new TransientError('ffmpeg was interrupted', { code: ErrorCode.CHILD_PROCESS_FAILED });
    });
    expect(await own(attemptOf())).toMatchObject({ kind: 'failed', error: { code: ErrorCode.CHILD_PROCESS_FAILED } });
  });

  it('the hard limit ends an attempt whose handler never returns, as HARD_TIMEOUT, and fires its signal', async () => {
    const attempt = attemptOf({ timeoutMs: 50 });
    const run = outcomeOf([classified, timeLimited], () => new Promise(() => {}));
    expect(await run(attempt)).toMatchObject({ kind: 'failed', error: { code: ErrorCode.HARD_TIMEOUT, retryable: true } });
    expect(attempt.abort.signal.aborted).toBe(true);
  });
});
