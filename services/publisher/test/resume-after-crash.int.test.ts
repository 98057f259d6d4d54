import { JobEnvelope, jobsSubject } from '@reelay/contracts';
import { waitUntil } from '@reelay/runtime/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK, PUBLISHER, type PublisherWorld, startPublisherWorld } from './publisher-harness.js';

/**
 * A worker SIGKILLed in the middle of an upload: its job comes back after AckWait to a
 * second worker, which must resume the same upload (never from byte 0) and publish once.
 */
describe('a publisher killed mid-upload', () => {
  let w: PublisherWorld;
  beforeAll(async () => {
    w = await startPublisherWorld({ ackWaitMs: 1_500 });
  });
  afterEach(async () => {
    await Promise.all(w.sys.processes.map((p) => p.kill('SIGKILL')));
  });
  afterAll(() => w.close());

  it('a redelivered youtube job resumes its upload session from the last confirmed byte and creates one video', async () => {
    const doomed = await w.sys.startService(PUBLISHER, w.env);
    w.youtube.gate.pauseAfter(1);
    const video = await w.putVideo();
    const { job } = await w.sys.client.enqueue({
      type: 'publish.youtube',
      input: { artifactId: video.id, account: 'main', title: 'crash' },
    });
    await w.youtube.gate.holding;
    await doomed.kill('SIGKILL');
    w.youtube.gate.release();
    const rescuer = await w.sys.startService(PUBLISHER, w.env);
    const done = await w.sys.waitForStatus(job.id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toBe(2);
    expect(done.errors.map((e) => e.code)).toEqual(['WORKER_LOST']);
    // One session, continued: the offsets never go back to 0.
    expect(w.youtube.sessions.size).toBe(1);
    expect(w.youtube.chunkOffsets).toEqual([0, CHUNK, 2 * CHUNK, 3 * CHUNK, 4 * CHUNK]);
    expect(w.youtube.videosCreated).toBe(1);
    expect((done.result as { videoId: string }).videoId).toBe([...w.youtube.sessions.values()][0]?.videoId);
    expect(rescuer.output()).toContain('resuming youtube upload session');
  });

  it('a redelivered tiktok job goes on from the next chunk under the same publish_id and posts once', async () => {
    const doomed = await w.sys.startService(PUBLISHER, w.env);
    w.tiktok.gate.pauseAfter(2);
    const video = await w.putVideo();
    const { job } = await w.sys.client.enqueue({ type: 'publish.tiktok', input: { artifactId: video.id, account: 'main' } });
    await w.tiktok.gate.holding;
    await doomed.kill('SIGKILL');
    w.tiktok.gate.release();
    await w.sys.startService(PUBLISHER, w.env);
    const done = await w.sys.waitForStatus(job.id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toBe(2);
    expect(w.tiktok.uploads.size).toBe(1);
    expect(w.tiktok.chunkRanges).toEqual([
      `0-${CHUNK - 1}`,
      `${CHUNK}-${2 * CHUNK - 1}`,
      `${2 * CHUNK}-${3 * CHUNK - 1}`,
      `${3 * CHUNK}-${video.size - 1}`,
    ]);
    expect(w.tiktok.postsCreated).toBe(1);
  });

  it('the same job delivered again after it published returns the recorded result and posts nothing new', async () => {
    await w.sys.startService(PUBLISHER, w.env);
    const video = await w.putVideo(CHUNK);
    const { job } = await w.sys.client.enqueue({ type: 'publish.x', input: { artifactId: video.id, account: 'main', text: 'once' } });
    const first = await w.sys.waitForStatus(job.id, ['succeeded']);
    const posts = w.x.posts.length;
    // The same envelope on the queue again, as a lost ack followed by a redelivery would bring it.
    const envelope = JobEnvelope.parse(first);
    await w.sys.ctx.js.publish(jobsSubject('publish', 'normal'), JSON.stringify(envelope));
    const second = await waitUntil(
      async () => {
        const r = await w.sys.client.get(job.id);
        return r?.status === 'succeeded' && r.startedAt !== first.startedAt ? r : undefined;
      },
      { what: 'the redelivered job to finish' },
    );
    expect(second.result).toEqual(first.result);
    expect(w.x.posts.length).toBe(posts);
  });
});
