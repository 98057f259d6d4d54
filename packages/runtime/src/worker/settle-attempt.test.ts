import { trace } from '@opentelemetry/api';
import { DEFAULT_RETRY_POLICY, type JobEnvelope, type JobRecord } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { initialRecord } from '../jobs/job-record.js';
import { createLogger } from '../logging/logger.js';
import type { JobMessage } from '../nats/job-message.js';
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
  const settler = new Settler({
    store: {
      write: async (record: JobRecord) => {
        events.push(`write ${record.status}`);
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

const target = (message: JobMessage, after?: Promise<void>) => ({
  message,
  envelope,
  record: { ...initialRecord(envelope), status: 'running' as const, attempts: 1 },
  attempt: 1,
  policy: DEFAULT_RETRY_POLICY,
  span: trace.getTracer('test').startSpan('settle'),
  log: createLogger({ service: 'settle-test', level: 'silent' }),
  after,
});

describe('Settler: the settling write follows the attempt’s running record', () => {
  for (const [name, outcome, end] of [
    ['a success', { kind: 'succeeded', result: {} }, ['running landed', 'write succeeded', 'ack']],
    [
      'a retried failure',
      { kind: 'failed', error: { code: 'TRANSIENT', message: 'x', retryable: true } },
      ['running landed', 'write retrying', 'nak'],
    ],
    // The DLQ entry goes first (nothing is lost if the worker dies after it); the record waits.
    [
      'a dead letter',
      { kind: 'failed', error: { code: 'PERMANENT', message: 'x', retryable: false } },
      ['dead letter', 'running landed', 'write failed', 'term'],
    ],
  ] as const) {
    it(`${name} is written only once the running write has resolved, then answered`, async () => {
      const { events, message, settler } = recorder();
      let land: () => void = () => {};
      const running = new Promise<void>((r) => {
        land = () => {
          events.push('running landed');
          r();
        };
      });
      const settled = settler.settle(target(message, running), outcome);
      // Turns pass; the final state waits.
      for (let i = 0; i < 20; i++) await Promise.resolve();
      await new Promise((r) => setTimeout(r, 20));
      expect(events.filter((e) => e.startsWith('write'))).toEqual([]);
      land();
      await settled;
      expect(events.filter((e) => e !== 'working')).toEqual(end);
    });
  }
});
