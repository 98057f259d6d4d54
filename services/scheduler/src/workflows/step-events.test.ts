import type { JobEvent } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { mayBeStepEvent } from './step-events.js';

const job = {
  id: '0193a5d0-0000-7000-8000-000000000001',
  type: 'system.noop',
  queue: 'system',
  input: {},
  status: 'succeeded',
} as unknown as JobEvent['job'];
const bytes = (event: unknown) => new TextEncoder().encode(JSON.stringify(event));

describe('which job events the workflow engine reads', () => {
  it('an event of a workflow step is read', () => {
    expect(mayBeStepEvent(bytes({ kind: 'state', job: { ...job, workflowId: 'w1', stepId: 'a' } }))).toBe(true);
  });

  it('an event of a job in no workflow is passed over unread', () => {
    expect(mayBeStepEvent(bytes({ kind: 'state', job }))).toBe(false);
    expect(mayBeStepEvent(bytes({ kind: 'state', job: { ...job, workflowId: undefined } }))).toBe(false);
  });

  it('a job whose input mentions workflowId is read, and its parse decides', () => {
    expect(mayBeStepEvent(bytes({ kind: 'state', job: { ...job, input: { workflowId: 'w1' } } }))).toBe(true);
  });

  it('looks only at the message’s own bytes, not at the buffer around them', () => {
    const around = bytes({ kind: 'state', job: { ...job, workflowId: 'w1' } });
    const plain = bytes({ kind: 'state', job });
    const buffer = new Uint8Array(around.length + plain.length);
    buffer.set(around);
    buffer.set(plain, around.length);
    expect(mayBeStepEvent(buffer.subarray(around.length))).toBe(false);
  });
});
