import { trace } from '@opentelemetry/api';
import { DEFAULT_RETRY_POLICY, type JobEnvelope, type JobRecord } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { initialRecord } from '../jobs/job-record.js';
import { createLogger } from '../logging/logger.js';
import type { JobMessage } from '../nats/job-message.js';
import type { RunningWrite } from './run-attempt.js';
import { Settler } from './settle-attempt.js';

const envelope: JobEnvelope = {
  id: '0196f0c1-2a3b-7c4d-8e5f-6a7b8c9d0e1f',
  type: 'test.echo',
  queue: 'test',
  input: {},
  priority: 5,
  project: 'p',
  maxAttempts: 3,
  createdAt: new Date().toISOString(),
};

/** What the settler did, in order: record writes (by status), waits and JetStream answers. */
function recorder() {
  const events: string[] = [];
  const message = {
    ackNoWait: () => events.push('ack'),
    nak: () => events.push('nak'),
    term: async () => {
      events.push('term');
    },
    working: () => events.push('working'),
  } as unknown as JobMessage;
  // Stream sequences from 10 up: a running record that landed first has a lower one.
  let seq = 10;
  const settler = new Settler({
    store: {
      write: async (record: JobRecord) => {
        events.push(`write ${record.status}`);
        return { seq: seq++ };
      },
      writeProvisional: () => {
        throw new Error('the settler makes no provisional writes');
      },
      get: async () => undefined,
    },
    deadLetters: {
      writeDeadLetter: async () => {
        events.push('dead letter');
      },
    },
    logger: createLogger({ service: 'settle-test', level: 'silent' }),
    workerId: 'w1',
    ackWaitMs: 30_000,
    stopped: () => false,
  });
  return { events, message, settler };
}

const target = (message: JobMessage, runningWrite?: RunningWrite) => ({
  message,
  envelope,
  record: { ...initialRecord(envelope), status: 'running' as const, attempts: 1 },
  attempt: 1,
  policy: DEFAULT_RETRY_POLICY,
  span: trace.getTracer('test').startSpan('settle'),
  log: createLogger({ service: 'settle-test', level: 'silent' }),
  runningWrite,
});

/**
 * The attempt's running write, settled by the test: `land(seq)` or `fail()`. Sent unless
 * `sent` is false: then withdrawing it succeeds, once.
 */
function runningWrite(events: string[], { sent = true } = {}) {
  let settle: (seq: number | undefined) => void = () => {};
  const landed = new Promise<number | undefined>((r) => {
    settle = r;
  });
  let queued = !sent;
  const promise: RunningWrite = {
    landed,
    withdraw: () => {
      if (!queued) return false;
      queued = false;
      events.push('running withdrawn');
      settle(undefined);
      return true;
    },
  };
  return {
    promise,
    land: (seq: number) => {
      events.push('running landed');
      settle(seq);
    },
    fail: () => {
      events.push('running failed');
      settle(undefined);
    },
  };
}

const turns = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 20));
};

const outcomes = [
  ['a success', { kind: 'succeeded', result: {} }, 'write succeeded', 'ack'],
  ['a retried failure', { kind: 'failed', error: { code: 'TRANSIENT', message: 'x', retryable: true } }, 'write retrying', 'nak'],
  ['a dead letter', { kind: 'failed', error: { code: 'PERMANENT', message: 'x', retryable: false } }, 'write failed', 'term'],
] as const;

describe('Settler: the settling write and the attempt’s running record', () => {
  for (const [name, outcome, write, answer] of outcomes) {
    // The DLQ entry goes first (nothing is lost if the worker dies after it).
    const first = answer === 'term' ? ['dead letter'] : [];

    it(`${name} is written without waiting for the running write, and answered only once that landed before it`, async () => {
      const { events, message, settler } = recorder();
      const running = runningWrite(events);
      const settled = settler.settle(target(message, running.promise), outcome);
      await turns();
      // Written, not answered: the running write is still out.
      expect(events.filter((e) => e !== 'working')).toEqual([...first, write]);
      running.land(5);
      await settled;
      expect(events.filter((e) => e !== 'working')).toEqual([...first, write, 'running landed', answer]);
    });

    it(`${name} is written again when the running write failed (a broker may still store it), then answered`, async () => {
      const { events, message, settler } = recorder();
      const running = runningWrite(events);
      const settled = settler.settle(target(message, running.promise), outcome);
      await turns();
      running.fail();
      await settled;
      expect(events.filter((e) => e !== 'working')).toEqual([...first, write, 'running failed', write, answer]);
    });
  }

  it('a settling record is written again when the running record landed after it', async () => {
    const { events, message, settler } = recorder();
    const running = runningWrite(events);
    const settled = settler.settle(target(message, running.promise), { kind: 'succeeded', result: {} });
    await turns();
    running.land(99);
    await settled;
    expect(events.filter((e) => e !== 'working')).toEqual(['write succeeded', 'running landed', 'write succeeded', 'ack']);
  });

  for (const [name, outcome, write, answer] of outcomes) {
    it(`${name} withdraws a running write that has not left yet, and is the attempt's only record`, async () => {
      const { events, message, settler } = recorder();
      const running = runningWrite(events, { sent: false });
      await settler.settle(target(message, running.promise), outcome);
      const first = answer === 'term' ? ['dead letter'] : [];
      expect(events.filter((e) => e !== 'working')).toEqual([...first, 'running withdrawn', write, answer]);
    });
  }
});
