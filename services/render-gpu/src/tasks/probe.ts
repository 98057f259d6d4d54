import { MediaProbeInput, type MediaProbeOutput } from '@reelay/contracts';
import type { Handler } from '@reelay/runtime';
import { fetchArtifact } from './artifact-files.js';
import type { MediaDeps } from './media-deps.js';
import { parseTaskInput } from './task-input.js';

/** media.probe: what ffprobe says about an artifact. */
export function probeHandler(deps: MediaDeps): Handler<unknown, MediaProbeOutput> {
  return async (raw, ctx) => {
    const input = parseTaskInput(MediaProbeInput, raw, 'media.probe');
    ctx.progress(5, 'download');
    const { file } = await fetchArtifact(ctx, input.artifactId, 'source');
    ctx.progress(60, 'probe');
    return deps.ffmpeg.probe(ctx, file, await ctx.tempDir());
  };
}
