import { rm } from 'node:fs/promises';
import path from 'node:path';
import { type ServiceProcess, startTestSystem, type TestSystem, waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { makeClip, processesMatching, SERVICE_ENTRY, scratchDir } from './media-fixtures.js';

/** A media worker killed with SIGKILL mid-transcode: its ffmpeg must not keep running. */
describe('render-gpu killed mid-job', () => {
  let system: TestSystem;
  let service: ServiceProcess;
  let dir: string;
  let longClip: string;

  beforeAll(async () => {
    system = await startTestSystem();
    service = await system.startService(SERVICE_ENTRY, { MEDIA_CONCURRENCY: '1' });
    dir = await scratchDir();
    // Long enough that a slow VP9 encode of it is still running when the worker dies.
    const file = await makeClip(path.join(dir, 'long.mp4'), { width: 320, height: 568, seconds: 20 });
    longClip = (await system.artifacts.putFile(file, { project: 'default' })).id;
  });
  afterAll(async () => {
    await system?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the ffmpeg of a worker killed with SIGKILL dies with it', async () => {
    const { job } = await system.client.enqueue({
      type: 'media.transcode',
      input: { artifactId: longClip, container: 'webm', videoCodec: 'vp9', audioCodec: 'opus', preset: 'veryslow' },
    });
    const needle = `transcode-${job.id}`;
    await waitUntil(async () => (await processesMatching(needle)).length > 0, { timeoutMs: 30_000, what: 'ffmpeg to start' });
    await service.kill('SIGKILL');
    await waitUntil(async () => (await processesMatching(needle)).length === 0, {
      timeoutMs: 5_000,
      what: 'ffmpeg to die with its worker',
    });
  });
});
