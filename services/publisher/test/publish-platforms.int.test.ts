import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK, PUBLISHER, type PublisherWorld, startPublisherWorld } from './publisher-harness.js';

describe('publishing to the platforms through a publisher process', () => {
  let w: PublisherWorld;
  beforeAll(async () => {
    w = await startPublisherWorld();
    await w.sys.startService(PUBLISHER, w.env);
  });
  afterAll(() => w.close());

  it('publish.youtube uploads in resumable chunks, refreshing an expired token, and returns the video id', async () => {
    const video = await w.putVideo();
    const { job } = await w.sys.client.enqueue({
      type: 'publish.youtube',
      input: { artifactId: video.id, account: 'main', title: 'Launch day', tags: ['reelay'] },
    });
    const done = await w.sys.waitForStatus(job.id, ['succeeded', 'failed']);
    expect(done.error).toBeUndefined();
    const result = done.result as { videoId: string; url: string };
    const session = [...w.youtube.sessions.values()].find((s) => s.videoId === result.videoId);
    expect(session?.received).toBe(video.size);
    expect(session?.metadata.snippet?.title).toBe('Launch day');
    expect(result.url).toBe(`https://www.youtube.com/watch?v=${result.videoId}`);
    expect(w.youtube.refreshes).toBe(1);
    expect(w.youtube.chunkOffsets).toEqual([0, CHUNK, 2 * CHUNK, 3 * CHUNK, 4 * CHUNK]);
  });

  it('publish.tiktok uploads its chunks and returns the publish id once TikTok reports PUBLISH_COMPLETE', async () => {
    const video = await w.putVideo();
    const { job } = await w.sys.client.enqueue({ type: 'publish.tiktok', input: { artifactId: video.id, account: 'main', title: 'hi' } });
    const done = await w.sys.waitForStatus(job.id, ['succeeded', 'failed']);
    expect(done.error).toBeUndefined();
    const result = done.result as { publishId: string };
    expect(result.publishId).toMatch(/^v_pub_file~v2-1\./);
    // floor(size / chunk) chunks; the last one carries the remainder.
    expect(w.tiktok.chunkRanges).toEqual([
      `0-${CHUNK - 1}`,
      `${CHUNK}-${2 * CHUNK - 1}`,
      `${2 * CHUNK}-${3 * CHUNK - 1}`,
      `${3 * CHUNK}-${video.size - 1}`,
    ]);
    expect(w.tiktok.postsCreated).toBe(1);
  });

  it('publish.instagram makes a reel container from a signed artifact link and publishes it', async () => {
    const video = await w.putVideo(50_000);
    const { job } = await w.sys.client.enqueue({
      type: 'publish.instagram',
      input: { artifactId: video.id, account: 'main', caption: 'new reel' },
    });
    const done = await w.sys.waitForStatus(job.id, ['succeeded', 'failed']);
    expect(done.error).toBeUndefined();
    const result = done.result as { containerId: string; mediaId: string };
    expect(w.instagram.downloadedBytes).toEqual([video.size]);
    expect(w.instagram.containers.get(result.containerId)?.status).toBe('PUBLISHED');
    expect(result.mediaId).toMatch(/^179\d+$/);
    expect(w.instagram.postsCreated).toBe(1);
  });

  it('publish.x uploads INIT/APPEND/FINALIZE, waits for processing and posts with the media id', async () => {
    const video = await w.putVideo(2 * CHUNK + 10);
    const { job } = await w.sys.client.enqueue({ type: 'publish.x', input: { artifactId: video.id, account: 'main', text: 'out now' } });
    const done = await w.sys.waitForStatus(job.id, ['succeeded', 'failed']);
    expect(done.error).toBeUndefined();
    const result = done.result as { mediaId: string; tweetId: string; url: string };
    expect(w.x.appendedSegments).toEqual([0, 1, 2]);
    expect(w.x.posts).toEqual([{ id: result.tweetId, text: 'out now', mediaIds: [result.mediaId] }]);
    expect(result.url).toBe(`https://x.com/i/status/${result.tweetId}`);
  });

  it('a 429 with Retry-After is waited out without spending an attempt, then the job succeeds', async () => {
    w.youtube.scriptedInit.push({
      status: 429,
      headers: { 'retry-after': '1' },
      body: { error: { code: 429, message: 'Too many requests', errors: [{ reason: 'rateLimitExceeded' }] } },
    });
    const video = await w.putVideo(CHUNK);
    const { job } = await w.sys.client.enqueue({
      type: 'publish.youtube',
      input: { artifactId: video.id, account: 'main', title: 'retry me' },
    });
    const done = await w.sys.waitForStatus(job.id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toBe(1);
    expect(done.freeRedeliveries).toBe(1);
    expect(w.youtube.scriptedInit).toEqual([]);
  });

  it("a platform's permanent 4xx lands the job in the DLQ with the platform's message, after one attempt", async () => {
    const video = await w.putVideo(CHUNK);
    const { job } = await w.sys.client.enqueue({
      type: 'publish.tiktok',
      input: { artifactId: video.id, account: 'main', privacyLevel: 'PUBLIC_TO_EVERYONE' },
    });
    const failed = await w.sys.waitForStatus(job.id, ['failed']);
    expect(failed.attempts).toBe(1);
    const dead = await w.sys.client.getDeadLetter(job.id);
    expect(dead?.reason).toBe('permanent');
    expect(dead?.error.code).toBe('PROVIDER_ERROR');
    expect(dead?.error.message).toBe('tiktok answered 403: Unaudited clients can only post to private accounts.');
  });

  it('an account the project does not have fails permanently, naming the account but no secret', async () => {
    const video = await w.putVideo(CHUNK);
    const { job } = await w.sys.client.enqueue({ type: 'publish.x', input: { artifactId: video.id, account: 'nobody' } });
    const failed = await w.sys.waitForStatus(job.id, ['failed']);
    expect(failed.error?.message).toBe('project "default" has no x account "nobody" in the credentials file');
    expect(JSON.stringify(failed)).not.toMatch(/valid-x-token|yt-secret|yt-refresh/);
  });
});
