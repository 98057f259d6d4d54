/**
 * ai.avatar: a portrait and a text or voice track → a talking-head MP4 artifact, through
 * the configured engine: D-ID, or the offline one (a presenter animated by the voice's
 * loudness, not lip-sync; avatar/offline-avatar.ts), the default. With AI_AVATAR_PROVIDER=none
 * the job fails at once, permanently, naming the configuration it needs.
 */
import path from 'node:path';
import { type aiMediaTasks, type AvatarOutput, ErrorCode } from '@reelay/contracts';
import { type JobContext, PermanentError, type TaskHandler } from '@reelay/runtime';
import type { AvatarRequest, LocalFile } from '../avatar/avatar-engine.js';
import { runChild } from '../voice/run-child.js';
import type { AiDeps } from './ai-deps.js';

export function avatarHandler(deps: Pick<AiDeps, 'avatar'>): TaskHandler<(typeof aiMediaTasks)['ai.avatar']> {
  return async (input, ctx) => {
    const engine = deps.avatar;
    if (!engine)
      throw new PermanentError(
        'ai.avatar is switched off (AI_AVATAR_PROVIDER=none): set AI_AVATAR_PROVIDER=offline-avatar, or d-id with DID_API_KEY',
        { code: ErrorCode.PROVIDER_NOT_CONFIGURED },
      );
    const dir = await ctx.tempDir();
    const request: AvatarRequest = { imageUrl: input.imageUrl, text: input.text, voice: input.voice };
    if (input.image) request.imageFile = await fetchArtifact(ctx, input.image, dir, 'portrait');
    if (input.audio) request.audioFile = await fetchArtifact(ctx, input.audio, dir, 'voice');
    const rendered = await engine.render(request, dir, ctx);
    const video = await probeVideo(ctx, rendered.file);
    ctx.progress(95, 'storing the avatar video');
    const ref = await ctx.artifacts.putFile(rendered.file, { name: `${input.name}.mp4`, contentType: 'video/mp4' });
    const out: AvatarOutput = { video: ref, ...video, providerJobId: rendered.providerJobId, provider: engine.provider };
    if (engine.model) out.model = engine.model;
    if (rendered.usage) out.usage = rendered.usage;
    return out;
  };
}

/** The job's own project's artifact (another project's answers as missing), to a local file. */
async function fetchArtifact(ctx: JobContext, id: string, dir: string, base: string): Promise<LocalFile> {
  const target = path.join(dir, `${base}-${id}`);
  const ref = await ctx.artifacts.getToFile(id, target);
  return { path: target, name: ref.name, contentType: ref.contentType };
}

/** The provider's MP4 as ffprobe reads it; a file without a video stream is the provider's fault. */
async function probeVideo(ctx: JobContext, file: string): Promise<{ durationSec: number; width: number; height: number }> {
  const { stdout } = await runChild(ctx, 'ffprobe', [
    ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,duration:format=duration', '-of', 'json', file],
  ]);
  const parsed = JSON.parse(stdout) as {
    streams?: { width?: number; height?: number; duration?: string }[];
    format?: { duration?: string };
  };
  const stream = parsed.streams?.[0];
  const durationSec = Number(stream?.duration ?? parsed.format?.duration);
  if (!stream?.width || !stream.height || !(durationSec > 0))
    throw new PermanentError('the provider returned a file with no playable video', { code: ErrorCode.PROVIDER_ERROR });
  return { durationSec, width: stream.width, height: stream.height };
}
