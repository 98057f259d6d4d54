import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../src/testing/test-system.js';

describe('routing', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system.close());

  const probe = (gpu: string) => ({ type: 'media.probe', input: { artifactId: '01a00000-0000-7000-8000-000000000000', gpu } });

  it('a media job that requires a GPU goes to media-gpu, one that never wants one to media', async () => {
    expect((await system.client.enqueue(probe('required'))).job.queue).toBe('media-gpu');
    expect((await system.client.enqueue(probe('never'))).job.queue).toBe('media');
  });

  it('a media job that prefers a GPU goes to media-gpu only while a live worker serves it', async () => {
    expect((await system.client.enqueue(probe('preferred'))).job.queue).toBe('media');
    // A GPU worker's heartbeat, as a render-gpu process with NVENC would write it.
    await system.buckets.workers.put('gpu-worker-1', JSON.stringify({ id: 'gpu-worker-1', queues: ['media-gpu', 'media'] }));
    await new Promise((r) => setTimeout(r, 5_100)); // the client re-reads heartbeats every 5 s
    expect((await system.client.enqueue(probe('preferred'))).job.queue).toBe('media-gpu');
  });

  it('QUEUE_ROUTES-style routes send a task type to its own queue', async () => {
    const { JobClient } = await import('../src/jobs/job-client.js');
    const routed = new JobClient(system.ctx, { buckets: system.buckets, routes: { 'system.noop': 'system' } });
    expect((await routed.enqueue({ type: 'system.noop' })).job.queue).toBe('system');
    const custom = new JobClient(system.ctx, { buckets: system.buckets, routes: { 'system.noop': 'media' } });
    expect((await custom.enqueue({ type: 'system.noop' })).job.queue).toBe('media');
  });
});
