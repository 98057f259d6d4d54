import { ErrorCode, type ImageFormat, type MediaThumbnailsOutput, type mediaTasks } from '@reelay/contracts';
import { type TaskHandler, PermanentError } from '@reelay/runtime';
import { fetchArtifact, stem, storeArtifact } from './artifact-files.js';
import type { MediaDeps } from './media-deps.js';

/**
 * media.thumbnails: one ffmpeg run per frame (input seeking makes each a cheap keyframe
 * hop, where one run with a select filter would decode the whole file), then an optional
 * contact sheet tiled from those frames.
 */

const IMAGE: Record<ImageFormat, { ext: string; args: string[] }> = {
  jpeg: { ext: 'jpg', args: ['-c:v', 'mjpeg', '-q:v', '3', '-pix_fmt', 'yuvj420p'] },
  png: { ext: 'png', args: ['-c:v', 'png'] },
  webp: { ext: 'webp', args: ['-c:v', 'libwebp', '-quality', '80'] },
};

/** The middle of `count` equal slices: never the black first frame, never past the end. */
export function evenlySpacedTimes(durationSec: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.round(((durationSec * (i + 0.5)) / count) * 1000) / 1000);
}

export function thumbnailsHandler(deps: MediaDeps): TaskHandler<(typeof mediaTasks)['media.thumbnails']> {
  return async (input, ctx) => {
    const dir = await ctx.tempDir();
    const { file, ref } = await fetchArtifact(ctx, input.artifactId, 'source');
    const source = await deps.ffmpeg.probe(ctx, file, dir);
    const video = source.streams.find((s) => s.type === 'video');
    if (!video) throw new PermanentError(`artifact ${input.artifactId} has no video stream`, { code: ErrorCode.INVALID_INPUT });
    const times = input.times ?? evenlySpacedTimes(source.durationSec, input.count ?? 1);
    const late = times.filter((t) => t >= source.durationSec);
    if (late.length) {
      throw new PermanentError(`times ${late.join(', ')} s are past the end of the ${source.durationSec} s video`, {
        code: ErrorCode.INVALID_INPUT,
      });
    }
    const image = IMAGE[input.format];
    const scale = input.width ? ['-vf', `scale=${input.width}:-2`] : [];
    const files: string[] = [];
    for (const [i, t] of times.entries()) {
      const out = `thumb-${String(i + 1).padStart(3, '0')}.${image.ext}`;
      await deps.ffmpeg.run(ctx, ['-ss', String(t), '-i', file, '-frames:v', '1', ...scale, ...image.args, out], {
        cwd: dir,
        stage: 'thumbnails',
        span: [(i / times.length) * 85, ((i + 1) / times.length) * 85],
      });
      files.push(out);
    }
    const first = await deps.ffmpeg.probe(ctx, files[0] ?? '', dir);
    const size = first.streams.find((s) => s.type === 'video');
    const base = stem(ref.name);
    const thumbnails = [];
    for (const [i, f] of files.entries()) {
      thumbnails.push({ timeSec: times[i] ?? 0, artifact: await storeArtifact(ctx, f, `${base}-${i + 1}.${image.ext}`) });
    }
    const out: MediaThumbnailsOutput = { thumbnails, width: size?.width ?? 0, height: size?.height ?? 0 };
    if (input.contactSheet) {
      const columns = Math.min(input.contactSheet.columns, files.length);
      const rows = Math.ceil(files.length / columns);
      const sheet = `sheet.${image.ext}`;
      await deps.ffmpeg.run(
        ctx,
        [
          '-framerate',
          '1',
          '-i',
          `thumb-%03d.${image.ext}`,
          '-vf',
          `tile=${columns}x${rows}:padding=4:margin=4`,
          '-frames:v',
          '1',
          ...image.args,
          sheet,
        ],
        { cwd: dir, stage: 'contact sheet', span: [90, 98] },
      );
      out.contactSheet = await storeArtifact(ctx, sheet, `${base}-sheet.${image.ext}`);
    }
    return out;
  };
}
