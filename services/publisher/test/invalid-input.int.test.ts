import { jobsSubject, publishTasks } from '@reelay/contracts';
import { newJobId } from '@reelay/runtime';
import { waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHER, type PublisherWorld, startPublisherWorld } from './publisher-harness.js';

/**
 * Input that breaks its publish contract, published straight onto the queue (past the
 * client's check, as a worker in another language or an old client might). The handlers
 * used to parse their own input, so a ZodError was an UNKNOWN, retryable failure that
 * burned every attempt of the task's retry policy. The worker now parses once, before
 * the handler, and this pins that for the publisher: one attempt, INVALID_INPUT, the DLQ.
 */
describe('publish jobs whose input breaks their contract', () => {
  let w: PublisherWorld;
  beforeAll(async () => {
    w = await startPublisherWorld();
    await w.sys.startService(PUBLISHER, w.env);
  });
  afterAll(() => w.close());

  const publishRaw = async (type: keyof typeof publishTasks, input: unknown) => {
    const id = newJobId();
    const envelope = {
      id,
      type,
      queue: 'publish',
      input,
      priority: 5,
      project: 'default',
      // The task's own policy: several attempts, which a retryable failure would spend.
      maxAttempts: publishTasks[type].retry.maxAttempts,
      createdAt: new Date().toISOString(),
    };
    await w.sys.ctx.js.publish(jobsSubject('publish', 'normal'), JSON.stringify(envelope), { msgID: id });
    return id;
  };

  it('fails permanently as INVALID_INPUT on its first attempt and lands in the DLQ, for a video platform and a webhook', async () => {
    const video = await w.putVideo(1_000);
    const cases = [
      { type: 'publish.youtube' as const, input: { artifactId: video.id, account: 'main' }, names: 'title' },
      { type: 'publish.webhook' as const, input: { url: 'not a url', account: 'main', payload: 'not an object' }, names: 'payload' },
    ];
    for (const { type, input, names } of cases) {
      expect(publishTasks[type].retry.maxAttempts).toBeGreaterThan(1);
      const id = await publishRaw(type, input);
      const failed = await w.sys.waitForStatus(id, ['failed', 'succeeded']);
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatchObject({ code: 'INVALID_INPUT', retryable: false });
      expect(failed.error?.message).toContain(names);
      expect(failed.attempts).toBe(1);
      const dead = await waitUntil(() => w.sys.client.getDeadLetter(id), { what: `${type} dead letter` });
      expect(dead.reason).toBe('permanent');
      expect(dead.errors.map((e) => [e.attempt, e.code])).toEqual([[1, 'INVALID_INPUT']]);
    }
    // The handler never ran: YouTube never saw an upload session.
    expect(w.youtube.sessions.size).toBe(0);
  });
});
