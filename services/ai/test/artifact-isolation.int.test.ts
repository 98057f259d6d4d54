import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { TtsOutput } from '@reelay/contracts';
import { startTestSystem, type TestSystem, waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toneWav } from './wav-tone.js';

const AI_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** An AI job sees its own project's artifacts and nothing else, through a real ai service. */
describe('ai artifact isolation between projects', () => {
  let system: TestSystem;
  /** Real audio that belongs to project "beta". */
  let betaAudio: string;

  beforeAll(async () => {
    system = await startTestSystem();
    await system.startService(AI_MAIN, { AI_CONCURRENCY: '2' });
    const ref = await system.artifacts.putStream(Readable.from([toneWav(1)]), {
      name: 'beta.wav',
      contentType: 'audio/wav',
      project: 'beta',
    });
    betaAudio = ref.id;
  });
  afterAll(() => system.close());

  it("ai.transcribe under project alpha naming beta's audio fails once, permanently, with ARTIFACT_NOT_FOUND, into the DLQ", async () => {
    const { job } = await system.client.enqueue({ type: 'ai.transcribe', input: { audio: betaAudio }, project: 'alpha' });
    const failed = await system.waitForStatus(job.id, ['failed', 'succeeded'], 60_000);
    expect(failed.status).toBe('failed');
    expect(failed.attempts).toBe(1);
    expect(failed.error).toMatchObject({ code: 'ARTIFACT_NOT_FOUND', retryable: false, message: `artifact ${betaAudio} not found` });
    const dead = await waitUntil(() => system.client.getDeadLetter(job.id), { what: 'the dead letter' });
    expect(dead).toMatchObject({ reason: 'permanent', job: { project: 'alpha' } });
  });

  it('what an AI job stores belongs to its project', async () => {
    const { job } = await system.client.enqueue({ type: 'ai.tts', input: { text: 'Hello from beta.' }, project: 'beta' });
    const done = await system.waitForStatus(job.id, ['failed', 'succeeded'], 90_000);
    expect(done.error).toBeUndefined();
    const { audio } = done.result as TtsOutput;
    expect(audio.project).toBe('beta');
    expect(await system.artifacts.info(audio.id)).toMatchObject({ project: 'beta' });
  });
});
