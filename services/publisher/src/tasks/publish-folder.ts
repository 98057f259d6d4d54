import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ErrorCode, type FolderPublishOutput, type publishTasks } from '@reelay/contracts';
import { ArtifactNotFoundError, PermanentError, type TaskHandler } from '@reelay/runtime';
import { resolveTarget } from '../folder-target.js';
import type { Publications } from '../publications.js';

export interface FolderDeps {
  publications: Publications;
  roots: string[];
}

/**
 * publish.folder: streams the artifact into a hidden temp file in the target directory
 * (same filesystem), fsyncs it, then moves it into place in one step — readers of the
 * folder (a watch-folder ingest, a NAS share) see the whole file or none. Without
 * `overwrite`, link(2) places it only if the name is free; the same content already there
 * (an earlier attempt that died before recording) counts as done.
 */
export function publishFolderHandler(deps: FolderDeps): TaskHandler<(typeof publishTasks)['publish.folder']> {
  return async (input, ctx) => {
    const project = ctx.job.project;
    const publication = await deps.publications.open(ctx.jobId, project, 'folder', 'local');
    if (publication.record.state === 'published') return publication.record.result as FolderPublishOutput;
    const ref = await ctx.artifacts.info(input.artifactId);
    if (!ref) throw new ArtifactNotFoundError(input.artifactId);
    const target = await resolveTarget(deps.roots, input.directory, input.fileName ?? ref.name);
    await publication.save({ path: target.file });
    const temp = path.join(target.dir, `.${path.basename(target.file)}.${ctx.jobId}.partial`);
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      await pipeline(
        await ctx.artifacts.openStream(input.artifactId),
        new Transform({
          transform(chunk: Buffer, _enc, cb) {
            hash.update(chunk);
            bytes += chunk.length;
            ctx.keepAlive();
            cb(null, chunk);
          },
        }),
        createWriteStream(temp),
      );
      const handle = await open(temp, 'r');
      await handle.sync().finally(() => handle.close());
      const sha256 = hash.digest('hex');
      if (input.overwrite) await rename(temp, target.file);
      else await placeIfFree(temp, target.file, sha256);
      const result: FolderPublishOutput = { path: target.file, bytes, sha256 };
      await publication.published(result);
      return result;
    } finally {
      await rm(temp, { force: true });
    }
  };
}

async function placeIfFree(temp: string, file: string, sha256: string): Promise<void> {
  try {
    await link(temp, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
      // A share without hard links (some SMB/FAT mounts): check, then rename. The name
      // could be taken between the two; such mounts offer nothing atomic that refuses it.
      if (!(await stat(file).catch(() => undefined))) return rename(temp, file);
    } else if (code !== 'EEXIST') throw err;
    if ((await sha256Of(file)) === sha256) return;
    throw new PermanentError(`${path.basename(file)} already exists in the folder with other content (set overwrite to replace it)`, {
      code: ErrorCode.CONFLICT,
    });
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}
