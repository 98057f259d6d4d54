import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA_KEY, BETA_READER_KEY, type GatewayFixture, startGateway } from './gateway-fixture.js';
import { readSse, submit, waitDone } from './stream-clients.js';

describe('SSE of a job that was requeued from the DLQ', () => {
  let g: GatewayFixture;
  beforeAll(async () => {
    g = await startGateway();
  });
  afterAll(() => g.close());

  it('starts at the job’s latest event, follows the new run to its end, and resumes from the old run through to the new', async () => {
    const { body } = await submit(
      g,
      { type: 'system.sleep', input: { ms: 1, failAttempts: 1 }, maxAttempts: 1, project: 'alpha' },
      ALPHA_KEY,
    );
    expect((await waitDone(g, body.id)).status).toBe('failed');
    const events = (lastEventId?: string) =>
      g.call(`/v1/jobs/${body.id}/events`, {
        key: ALPHA_KEY,
        ...(lastEventId !== undefined ? { headers: { 'last-event-id': lastEventId } } : {}),
      });

    // Dead: the stream is the latest event alone, and ends there.
    const dead = await readSse(await events());
    expect(dead.map((e) => e.data.job.status)).toEqual(['failed']);
    const failedSeq = Number(dead[0]?.id);

    const requeue = await g.call(`/v1/dlq/${body.id}/requeue`, { method: 'POST', key: ALPHA_KEY, json: { input: { ms: 300, steps: 3 } } });
    expect(requeue.status).toBe(202);
    const live = await readSse(await events());
    expect(live.map((e) => e.data.job.status)).not.toContain('failed');
    expect(live.at(-1)?.data.job.status).toBe('succeeded');

    // Resumed from before the old failure: the old `failed` passes, the stream ends with the new run.
    const resumed = await readSse(await events(String(failedSeq - 1)));
    expect(resumed[0]?.data.job.status).toBe('failed');
    expect(resumed.at(-1)?.data.job.status).toBe('succeeded');
    const seqs = resumed.map((e) => Number(e.id));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    // Last-Event-ID 0 is the whole history: both runs.
    const history = (await readSse(await events('0'))).map((e) => e.data.job.status);
    expect(history[0]).toBe('queued');
    expect(history).toContain('failed');
    expect(history.at(-1)).toBe('succeeded');

    // Resumed after the last event of a finished job: nothing more, and the stream ends.
    expect(await readSse(await events(resumed.at(-1)?.id))).toEqual([]);

    expect((await g.call(`/v1/jobs/${body.id}/events`, { key: BETA_READER_KEY })).status).toBe(404);
  });
});
