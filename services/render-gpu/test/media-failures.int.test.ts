import { open, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jobsStream } from '@reelay/contracts';
import { startProcess, startTestSystem, type TestSystem, waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpeg, makeClip, makeTone, processesMatching, SERVICE_ENTRY, scratchDir } from './media-fixtures.js';

/** How media jobs fail: refused at the door, permanent on bad media, killed on cancel and time limits. */
describe('render-gpu failures', () => {
  let system: TestSystem;
  let dir: string;
  let longClip: string;

  beforeAll(async () => {
    system = await startTestSystem();
    await system.startService(SERVICE_ENTRY, { MEDIA_CONCURRENCY: '2' });
    dir = await scratchDir();
    // Long enough that a slow VP9 encode of it is still running when we cancel it.
    const file = await makeClip(path.join(dir, 'long.mp4'), { width: 320, height: 568, seconds: 20 });
    longClip = (await system.artifacts.putFile(file, { project: 'default' })).id;
  });
  afterAll(async () => {
    await system?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Messages ever queued (the last sequence): a finished job's ack removing its message does not move it. */
  async function queuedMessages(): Promise<number> {
    return (await system.ctx.jsm.streams.info(jobsStream('media'))).state.last_seq;
  }

  it('a transcode asking for AAC in WebM is refused at enqueue with INVALID_INPUT and nothing is queued', async () => {
    const before = await queuedMessages();
    await expect(
      system.client.enqueue({
        type: 'media.transcode',
        input: { artifactId: longClip, container: 'webm', videoCodec: 'vp9', audioCodec: 'aac' },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('webm cannot carry aac audio') });
    await expect(
      system.client.enqueue({ type: 'media.transcode', input: { artifactId: longClip, container: 'mp4', videoCodec: 'vp9' } }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('mp4 cannot carry vp9 video') });
    expect(await queuedMessages()).toBe(before);
  });

  it('a truncated MP4 fails permanently on its first attempt and lands in the DLQ with ffmpeg’s message', async () => {
    const good = await makeClip(path.join(dir, 'short.mp4'), { width: 160, height: 90, seconds: 1 });
    const truncated = path.join(dir, 'truncated.mp4');
    const handle = await open(good);
    const { buffer, bytesRead } = await handle.read({ buffer: Buffer.alloc(4096), position: 0 });
    await handle.close();
    await writeFile(truncated, buffer.subarray(0, bytesRead));
    const ref = await system.artifacts.putFile(truncated, { project: 'default' });

    const { job } = await system.client.enqueue({ type: 'media.transcode', input: { artifactId: ref.id, preset: 'ultrafast' } });
    const failed = await system.waitForStatus(job.id, ['failed']);
    expect(failed.attempts).toBe(1);
    expect(failed.error).toMatchObject({ code: 'PERMANENT', retryable: false });
    expect(failed.error?.message).toMatch(/moov atom not found|Invalid data found when processing input/);
    const dead = await waitUntil(() => system.client.getDeadLetter(job.id), { what: 'dead letter' });
    expect(dead.reason).toBe('permanent');
    expect(dead.error.message).toContain('Invalid data found when processing input');
  });

  it('a transcode of a file with no picture fails permanently as INVALID_INPUT on its first attempt, its encode stopped', async () => {
    // The source's probe runs beside the encode: what it finds is still the job's error.
    const ref = await system.artifacts.putFile(await makeTone(path.join(dir, 'tone.wav'), 330, 2), { project: 'default' });
    const { job } = await system.client.enqueue({ type: 'media.transcode', input: { artifactId: ref.id, preset: 'ultrafast' } });
    const failed = await system.waitForStatus(job.id, ['failed', 'succeeded']);
    expect(failed.attempts).toBe(1);
    expect(failed.error).toMatchObject({
      code: 'INVALID_INPUT',
      retryable: false,
      message: expect.stringContaining('has no video stream'),
    });
    expect(await processesMatching(`transcode-${job.id}`)).toEqual([]);
  });

  it('a transcode of an MP4 with sound and no picture, its index first, fails permanently as INVALID_INPUT', async () => {
    const m4a = path.join(dir, 'voice.m4a');
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=f=330:d=1', '-c:a', 'aac', '-movflags', '+faststart', m4a]);
    const ref = await system.artifacts.putFile(m4a, { project: 'default' });
    const { job } = await system.client.enqueue({ type: 'media.transcode', input: { artifactId: ref.id, preset: 'ultrafast' } });
    const failed = await system.waitForStatus(job.id, ['failed', 'succeeded']);
    expect(failed.attempts).toBe(1);
    expect(failed.error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('has no video stream') });
  });

  it('a transcode of a silent clip, asked for AAC, writes its picture and no audio stream', async () => {
    const silent = path.join(dir, 'silent.mp4');
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=160x90:r=25:d=1',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-movflags',
      '+faststart',
      silent,
    ]);
    const ref = await system.artifacts.putFile(silent, { project: 'default' });
    const { job } = await system.client.enqueue({
      type: 'media.transcode',
      input: { artifactId: ref.id, preset: 'ultrafast', audioCodec: 'aac' },
    });
    const done = await system.waitForStatus(job.id, ['failed', 'succeeded']);
    expect(done.status).toBe('succeeded');
    const info = (done.result as { info: { streams: { type: string; codec: string }[] } }).info;
    expect(info.streams.map((s) => `${s.type}:${s.codec}`)).toEqual(['video:h264']);
  });

  it('cancelling a running transcode kills its ffmpeg and ends the job cancelled', async () => {
    const { job } = await system.client.enqueue({
      type: 'media.transcode',
      input: { artifactId: longClip, container: 'webm', videoCodec: 'vp9', audioCodec: 'opus', preset: 'veryslow' },
    });
    const needle = `transcode-${job.id}`;
    await waitUntil(async () => (await processesMatching(needle)).length > 0, { timeoutMs: 30_000, what: 'ffmpeg to start' });
    await system.client.cancel(job.id);
    const done = await system.waitForStatus(job.id, ['cancelled', 'failed', 'succeeded']);
    expect(done.status).toBe('cancelled');
    await waitUntil(async () => (await processesMatching(needle)).length === 0, { timeoutMs: 5_000, what: 'ffmpeg to be gone' });
  });

  it('a hard time limit kills ffmpeg and fails the job', async () => {
    const { job } = await system.client.enqueue({
      type: 'media.transcode',
      input: { artifactId: longClip, container: 'webm', videoCodec: 'vp9', audioCodec: 'opus', preset: 'veryslow' },
      timeoutMs: 4_000,
      maxAttempts: 1,
    });
    const needle = `transcode-${job.id}`;
    await waitUntil(async () => (await processesMatching(needle)).length > 0, { timeoutMs: 30_000, what: 'ffmpeg to start' });
    const failed = await system.waitForStatus(job.id, ['failed', 'succeeded', 'cancelled']);
    expect(failed.status).toBe('failed');
    expect(['SOFT_TIMEOUT', 'HARD_TIMEOUT']).toContain(failed.error?.code);
    await waitUntil(async () => (await processesMatching(needle)).length === 0, { timeoutMs: 5_000, what: 'ffmpeg to be gone' });
  });

  it('the service refuses to start without ffmpeg, naming it and how to install it', async () => {
    const proc = startProcess(SERVICE_ENTRY, { NATS_URL: system.nats.url, FFMPEG_PATH: '/nonexistent/ffmpeg' });
    const code = await new Promise<number | null>((resolve) => proc.proc.once('exit', resolve));
    expect(code).toBe(69);
    expect(proc.output()).toContain('ffmpeg not found at "/nonexistent/ffmpeg" (FFMPEG_PATH)');
    expect(proc.output()).toContain('apt-get install ffmpeg');
  });
});
