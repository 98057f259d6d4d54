import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { type LocalS3Server, startLocalS3Server } from '@reelay/artifacts-s3/testing';
import type { JobRecord } from '@reelay/contracts';
import { type ArtifactStore, openArtifactStore, parseEnv, RuntimeEnv } from '@reelay/runtime';
import { type ServiceProcess, startTestSystem, type TestSystem } from '@reelay/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpeg, ffprobe, SERVICE_ENTRY, scratchDir, topLevelBoxes } from './media-fixtures.js';

const MIB = 1024 * 1024;

/**
 * Outputs sent to the store while ffmpeg writes them (issue 14 item 8), on the S3 backend
 * against a real S3-compatible server: what lies past the head goes up in multipart parts
 * during the encode, the head once ffmpeg is done (ffmpeg/growing-output.ts).
 */
describe('media outputs sent to an S3 bucket while ffmpeg writes them', () => {
  let system: TestSystem;
  let s3: LocalS3Server;
  let store: ArtifactStore;
  let worker: ServiceProcess;
  let dir: string;
  let sourceId: string;

  async function run(type: string, input: Record<string, unknown>): Promise<JobRecord> {
    const { job } = await system.client.enqueue({ type, input });
    const done = await system.waitForStatus(job.id, ['succeeded', 'failed'], 110_000);
    if (done.status !== 'succeeded') throw new Error(`${type} ${done.status}: ${JSON.stringify(done.error)}`);
    return done;
  }
  // Noise at a high quality: an output of several parts, written over a few seconds.
  const transcode = (input: Record<string, unknown>) =>
    run('media.transcode', { artifactId: sourceId, videoCodec: 'h264', audioCodec: 'aac', crf: 8, preset: 'medium', ...input });
  const sentWhileWriting = (jobId: string) =>
    (jobLog(jobId, 'output stored as it was written') as { partsSentWhileWriting?: number } | undefined)?.partsSentWhileWriting;
  function jobLog(jobId: string, msg: string): Record<string, unknown> | undefined {
    return worker
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{') && l.includes(jobId))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === msg);
  }
  async function downloaded(done: JobRecord, name: string): Promise<{ file: string; bytes: Buffer }> {
    const result = done.result as { artifact: { id: string; sha256: string; size: number } };
    const file = path.join(dir, name);
    await store.getToFile(result.artifact.id, file);
    const bytes = await readFile(file);
    expect(bytes.length).toBe(result.artifact.size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(result.artifact.sha256);
    return { file, bytes };
  }

  beforeAll(async () => {
    system = await startTestSystem();
    s3 = await startLocalS3Server();
    // The smallest part S3 allows: an output of ~15 MB is a head and two parts or more.
    const env = { ...s3.env, S3_UPLOAD_PART_BYTES: String(5 * MIB) };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey });
    store = await openArtifactStore(system.ctx, parseEnv(RuntimeEnv, env));
    worker = await system.startService(SERVICE_ENTRY, { ...env, MEDIA_CONCURRENCY: '1', LOG_LEVEL: 'debug' });
    dir = await scratchDir();
    const source = path.join(dir, 'noise.mp4');
    await ffmpeg([
      ...['-f', 'lavfi', '-i', "nullsrc=s=480x270:r=30:d=8,geq=lum='random(1)*255':cb=128:cr=128"],
      ...['-f', 'lavfi', '-i', 'sine=f=440:sample_rate=44100:d=8'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '30', '-c:a', 'aac', '-shortest', '-movflags', '+faststart', source],
    ]);
    sourceId = (await store.putFile(source, { project: 'default' })).id;
  });
  afterAll(async () => {
    await system?.close();
    store?.close();
    await s3?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('sends an MP4 up in parts while ffmpeg writes it, its index in room reserved up front, and the stored file plays', async () => {
    const done = await transcode({});
    const started = jobLog(done.id, 'ffmpeg starting') as { args: string[] };
    const reserved = started.args[started.args.indexOf('-moov_size') + 1];
    expect(Number(reserved)).toBeGreaterThan(16 * 1024);
    expect(started.args).not.toContain('+faststart');
    expect(sentWhileWriting(done.id)).toBeGreaterThan(0);
    const { file, bytes } = await downloaded(done, 'out.mp4');
    // Laid out as faststart is: the index first (the room it did not use, a free box), then the media.
    const boxes = topLevelBoxes(bytes);
    expect(boxes.slice(0, 2)).toEqual(['ftyp', 'moov']);
    expect(boxes.at(-1)).toBe('mdat');
    expect(bytes.length).toBeGreaterThan(10 * MIB);
    const probed = await ffprobe(file);
    expect(probed.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:aac', 'video:h264']);
    expect(Number(probed.format.duration)).toBeCloseTo(8, 0);
    // Every frame decodes: the samples are where the index says.
    await ffmpeg(['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-']);
  });

  it('sends a Matroska output up while ffmpeg writes it too, its rewritten header last', async () => {
    const done = await transcode({ container: 'mkv' });
    expect(sentWhileWriting(done.id)).toBeGreaterThan(0);
    const { file } = await downloaded(done, 'out.mkv');
    const probed = await ffprobe(file);
    expect(probed.format.format_name).toContain('matroska');
    // Its length is written into the header at the end: stored as rewritten.
    expect(Number(probed.format.duration)).toBeCloseTo(8, 0);
    await ffmpeg(['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-']);
  });

  it('sends a render up while ffmpeg writes it, its index reserved up front, and the stored reel plays for its planned length', async () => {
    const done = await run('media.render', {
      scenes: [
        { artifactId: sourceId, inSec: 0, durationSec: 3 },
        { artifactId: sourceId, inSec: 4, durationSec: 3, transition: { type: 'fade', durationSec: 0.5 } },
      ],
      width: 480,
      height: 270,
      fps: 30,
      crf: 8,
      preset: 'medium',
    });
    const started = jobLog(done.id, 'ffmpeg starting') as { args: string[] };
    expect(started.args).toContain('-moov_size');
    expect(sentWhileWriting(done.id)).toBeGreaterThan(0);
    const result = done.result as { expectedDurationSec: number };
    const { file, bytes } = await downloaded(done, 'reel.mp4');
    expect(topLevelBoxes(bytes).slice(0, 2)).toEqual(['ftyp', 'moov']);
    expect(Number((await ffprobe(file)).format.duration)).toBeCloseTo(result.expectedDurationSec, 1);
    await ffmpeg(['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-']);
  });
});
