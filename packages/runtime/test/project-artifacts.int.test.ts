import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../src/artifacts/artifact-store.js';
import { BACKENDS, type BackendFixture, startBackend } from './artifact-backends.js';

/** The view handlers get as `ctx.artifacts`: one project's artifacts, and nothing else — on every backend. */
describe.each(BACKENDS)('a project-scoped artifact view (%s backend)', (backend) => {
  let fixture: BackendFixture;
  let store: ArtifactStore;
  let dir: string;
  let betaId: string;

  const bytes = (text: string) => Readable.from([Buffer.from(text)]);

  beforeAll(async () => {
    fixture = await startBackend(backend);
    store = fixture.store;
    dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-project-artifacts-'));
    betaId = (await store.putStream(bytes('beta secret'), { name: 'b.txt', contentType: 'text/plain', project: 'beta' })).id;
  });
  afterAll(async () => {
    await fixture.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers not found for every read of another project's artifact, as for one that does not exist", async () => {
    const alpha = store.forProject('alpha');
    for (const id of [betaId, 'no-such-artifact']) {
      expect(await alpha.info(id)).toBeUndefined();
      await expect(alpha.openStream(id)).rejects.toMatchObject({ code: 'ARTIFACT_NOT_FOUND', retryable: false });
      await expect(alpha.getToFile(id, path.join(dir, 'stolen'))).rejects.toMatchObject({ code: 'ARTIFACT_NOT_FOUND' });
      await expect(alpha.delete(id)).rejects.toMatchObject({ code: 'ARTIFACT_NOT_FOUND' });
      await expect(alpha.openStream(id, { start: 0, end: 3 })).rejects.toMatchObject({ code: 'ARTIFACT_NOT_FOUND' });
    }
    // Not one byte was written for the refused read, and beta's artifact is untouched.
    await expect(readFile(path.join(dir, 'stolen'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await store.info(betaId)).toMatchObject({ project: 'beta' });
  });

  it("reads its own project's artifacts like the store does", async () => {
    const beta = store.forProject('beta');
    expect(await beta.info(betaId)).toMatchObject({ id: betaId, project: 'beta', name: 'b.txt' });
    await beta.getToFile(betaId, path.join(dir, 'mine'));
    expect(await readFile(path.join(dir, 'mine'), 'utf8')).toBe('beta secret');
  });

  it('lists only its own project', async () => {
    const alphaRef = await store.forProject('alpha').putStream(bytes('a'), { name: 'a.txt', contentType: 'text/plain' });
    const listed = await store.forProject('alpha').list();
    expect(listed.map((a) => a.id)).toContain(alphaRef.id);
    expect(listed.every((a) => a.project === 'alpha')).toBe(true);
    expect((await store.list()).map((a) => a.id)).toEqual(expect.arrayContaining([alphaRef.id, betaId]));
  });

  it('stamps every write with its project, whatever the caller asks for', async () => {
    const alpha = store.forProject('alpha');
    const file = path.join(dir, 'out.txt');
    await writeFile(file, 'alpha output');
    // A handler written against the unscoped store's signature still cannot write into beta.
    const smuggled = { name: 'x.txt', contentType: 'text/plain', project: 'beta' };
    const viaStream = await alpha.putStream(bytes('x'), smuggled);
    const viaFile = await alpha.putFile(file, { project: 'beta' } as never);
    for (const ref of [viaStream, viaFile]) {
      expect(ref.project).toBe('alpha');
      expect(await store.info(ref.id)).toMatchObject({ project: 'alpha' });
      expect(await store.forProject('beta').info(ref.id)).toBeUndefined();
    }
  });

  it('deletes its own artifacts', async () => {
    const alpha = store.forProject('alpha');
    const ref = await alpha.putStream(bytes('bye'), { name: 'bye.txt', contentType: 'text/plain' });
    await alpha.delete(ref.id);
    expect(await store.info(ref.id)).toBeUndefined();
  });
});
