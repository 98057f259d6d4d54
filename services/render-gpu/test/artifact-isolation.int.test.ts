import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { MediaInfo, MediaResult } from '@reelay/contracts';
import { startTestSystem, type TestSystem, waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpeg, makeClip, SERVICE_ENTRY, scratchDir } from './media-fixtures.js';

/** A media job sees its own project's artifacts and nothing else, through a real render-gpu. */
describe('render-gpu artifact isolation between projects', () => {
  let system: TestSystem;
  let dir: string;
  /** A real clip that belongs to project "beta". */
  let betaClip: string;
  /** The same clip with its index first: a transcode downloads it as ffmpeg follows it (ffmpeg/followed-input.ts). */
  let betaFaststart: string;

  beforeAll(async () => {
    system = await startTestSystem();
    await system.startService(SERVICE_ENTRY, { MEDIA_CONCURRENCY: '2' });
    dir = await scratchDir();
    const clip = await makeClip(path.join(dir, 'clip.mp4'), { width: 160, height: 90, seconds: 1 });
    betaClip = (await system.artifacts.putFile(clip, { project: 'beta' })).id;
    const faststart = path.join(dir, 'faststart.mp4');
    await ffmpeg(['-y', '-loglevel', 'error', '-i', clip, '-c', 'copy', '-movflags', '+faststart', faststart]);
    betaFaststart = (await system.artifacts.putFile(faststart, { project: 'beta' })).id;
  });
  afterAll(async () => {
    await system?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['media.probe', () => ({ artifactId: betaClip })],
    ['media.transcode', () => ({ artifactId: betaClip, preset: 'ultrafast' })],
    ['media.transcode', () => ({ artifactId: betaFaststart, preset: 'ultrafast' })],
    ['media.thumbnails', () => ({ artifactId: betaClip, count: 1 })],
    ['media.optimize', () => ({ artifactId: betaClip, platform: 'tiktok', preset: 'ultrafast' })],
    ['media.render', () => ({ scenes: [{ artifactId: betaClip }], preset: 'ultrafast' })],
  ])(
    "%s under project alpha naming beta's artifact fails once, permanently, with ARTIFACT_NOT_FOUND, into the DLQ",
    async (type, input) => {
      const { job } = await system.client.enqueue({ type, input: input(), project: 'alpha' });
      const failed = await system.waitForStatus(job.id, ['failed', 'succeeded'], 60_000);
      expect(failed.status).toBe('failed');
      expect(failed.attempts).toBe(1);
      expect(failed.error).toMatchObject({ code: 'ARTIFACT_NOT_FOUND', retryable: false });
      // The same answer as for an id that does not exist: beta's artifact is not even named as someone else's.
      expect(failed.error?.message).toBe(`artifact ${(input() as { artifactId?: string }).artifactId ?? betaClip} not found`);
      const dead = await waitUntil(() => system.client.getDeadLetter(job.id), { what: 'the dead letter' });
      expect(dead).toMatchObject({ reason: 'permanent', job: { project: 'alpha' } });
    },
  );

  it('the owning project probes the same artifact, and its outputs belong to it', async () => {
    const probe = await system.client.enqueue({ type: 'media.probe', input: { artifactId: betaClip }, project: 'beta' });
    const probed = await system.waitForStatus(probe.job.id, ['failed', 'succeeded'], 60_000);
    expect(probed.error).toBeUndefined();
    expect((probed.result as MediaInfo).durationSec).toBeGreaterThan(0.5);

    const transcode = await system.client.enqueue({
      type: 'media.transcode',
      input: { artifactId: betaClip, preset: 'ultrafast' },
      project: 'beta',
    });
    const done = await system.waitForStatus(transcode.job.id, ['failed', 'succeeded'], 90_000);
    expect(done.error).toBeUndefined();
    const output = (done.result as MediaResult).artifact;
    expect(output.project).toBe('beta');
    expect(await system.artifacts.info(output.id)).toMatchObject({ project: 'beta' });
  });
});
