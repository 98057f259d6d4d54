import type { mediaTasks } from '@reelay/contracts';
import type { TaskHandler } from '@reelay/runtime';
import { fetchArtifact } from './artifact-files.js';
import type { MediaDeps } from './media-deps.js';

/** media.probe: what ffprobe says about an artifact. */
export function probeHandler(deps: MediaDeps): TaskHandler<(typeof mediaTasks)['media.probe']> {
  return async (input, ctx) => {
    ctx.progress(5, 'open');
    // ffprobe reads the head (and the index) only: where the container allows it, it
    // reads them from the store instead of waiting for the whole file.
    const { file } = await fetchArtifact(ctx, input.artifactId, 'source', { stream: true });
    ctx.progress(60, 'probe');
    return deps.ffmpeg.probe(ctx, file, await ctx.tempDir());
  };
}
