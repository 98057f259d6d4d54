import path from 'node:path';
import type { ArtifactRef } from '@reelay/contracts';
import { contentTypeFor, type JobContext } from '@reelay/runtime';

/**
 * Artifacts in and out of a job's temp directory. Inputs keep a sanitised extension (a
 * hint for ffmpeg's format probing); every name is ours, never the artifact's, so a
 * hostile name cannot reach a path or an ffmpeg argument.
 */

export async function fetchArtifact(ctx: JobContext, artifactId: string, baseName: string): Promise<{ file: string; ref: ArtifactRef }> {
  const dir = await ctx.tempDir();
  const info = await ctx.artifacts.info(artifactId);
  const ext = safeExtension(info?.name ?? '');
  const file = `${baseName}${ext}`;
  const ref = await ctx.artifacts.getToFile(artifactId, path.join(dir, file));
  return { file, ref };
}

export async function storeArtifact(ctx: JobContext, file: string, name: string): Promise<ArtifactRef> {
  const dir = await ctx.tempDir();
  return ctx.artifacts.putFile(path.join(dir, file), { name, contentType: contentTypeFor(name) });
}

export function safeExtension(name: string): string {
  const ext = path.extname(name).toLowerCase();
  return /^\.[a-z0-9]{1,5}$/.test(ext) ? ext : '';
}

/** "clip.mov" → "clip"; used to name outputs after their source. */
export function stem(name: string): string {
  const base = path
    .basename(name, path.extname(name))
    .replace(/[^A-Za-z0-9._ -]/g, '_')
    .slice(0, 80);
  return base || 'media';
}
