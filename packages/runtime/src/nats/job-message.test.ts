import { describe, expect, it } from 'vitest';
import { parseAckSubject } from './job-message.js';

describe('ack subject parsing', () => {
  it('reads stream, consumer and delivery count from a v1 ack subject', () => {
    expect(parseAckSubject('$JS.ACK.JOBS_SYSTEM.system-high.3.17.9.1700000000000000000.4')).toEqual({
      stream: 'JOBS_SYSTEM',
      consumer: 'system-high',
      deliveryCount: 3,
      streamSequence: 17,
      consumerSequence: 9,
      pending: 4,
    });
  });
  it('reads the v2 form that carries a domain, an account hash and a token', () => {
    const d = parseAckSubject('$JS.ACK.hub.ACCHASH.JOBS_AI.ai-low.1.5.5.1700000000000000000.0.tok');
    expect(d.stream).toBe('JOBS_AI');
    expect(d.consumer).toBe('ai-low');
    expect(d.deliveryCount).toBe(1);
    expect(d.streamSequence).toBe(5);
  });
  it('refuses a subject that is not an ack subject', () => {
    expect(() => parseAckSubject('_INBOX.abc')).toThrow(/not a JetStream ack subject/);
  });
});
