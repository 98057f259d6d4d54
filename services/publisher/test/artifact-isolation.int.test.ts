import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { waitUntil } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHER, type PublisherWorld, startPublisherWorld } from './publisher-harness.js';

/** A publish job sees its own project's artifacts and nothing else, through a real publisher. */
describe('publisher artifact isolation between projects', () => {
  let w: PublisherWorld;
  let root: string;

  beforeAll(async () => {
    w = await startPublisherWorld();
    root = path.join(w.dir, 'outbox');
    await mkdir(root);
    await w.sys.startService(PUBLISHER, { ...w.env, PUBLISH_FOLDER_ROOTS: root });
  });
  afterAll(() => w.close());

  it("publish.folder under another project naming the default project's video fails permanently with ARTIFACT_NOT_FOUND and writes nothing", async () => {
    const video = await w.putVideo(1_000);
    const { job } = await w.sys.client.enqueue({
      type: 'publish.folder',
      input: { artifactId: video.id, directory: root },
      project: 'alpha',
    });
    const failed = await w.sys.waitForStatus(job.id, ['failed', 'succeeded']);
    expect(failed.status).toBe('failed');
    expect(failed.attempts).toBe(1);
    expect(failed.error).toMatchObject({ code: 'ARTIFACT_NOT_FOUND', retryable: false, message: `artifact ${video.id} not found` });
    const dead = await waitUntil(() => w.sys.client.getDeadLetter(job.id), { what: 'the dead letter' });
    expect(dead.reason).toBe('permanent');
    expect(await readdir(root)).toEqual([]);
  });
});
