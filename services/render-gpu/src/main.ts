/**
 * services/render-gpu — the media worker: probe, transcode, thumbnails, render, optimize
 * and download, on ffmpeg. With a GPU and an NVENC-enabled ffmpeg it serves `media-gpu`
 * first and `media` second and encodes on the GPU; otherwise `media` only, on CPU
 * encoders. Not an ffmpeg wrapper library: see docs/decisions/0004-own-ffmpeg-module.md.
 */
import os from 'node:os';
import { onShutdownSignal, parseEnvOrExit, startServiceRuntime, Worker } from '@reelay/runtime';
import { MediaEnv } from './config.js';
import { Ffmpeg } from './ffmpeg/ffmpeg-runner.js';
import { missingTools } from './ffmpeg/tool-check.js';
import { gpuStats } from './gpu/gpu-stats.js';
import { advertisedEncoders, decideCapabilities, probeCapabilities, servingPlan } from './gpu/media-capabilities.js';
import { mediaHandlers } from './tasks/media-handlers.js';

const config = parseEnvOrExit(MediaEnv, process.env, 'render-gpu');
const tools = { ffmpegPath: config.FFMPEG_PATH, ffprobePath: config.FFPROBE_PATH };
const missing = await missingTools(tools);
if (missing.length) {
  process.stderr.write(`render-gpu: cannot start:\n${missing.map((m) => `  - ${m}`).join('\n')}\n`);
  process.exit(69); // EX_UNAVAILABLE
}

const probed = await probeCapabilities(config.FFMPEG_PATH);
const caps = config.MEDIA_GPU === 'off' ? decideCapabilities([], probed.encoders) : probed;
const plan = servingPlan(caps, os.availableParallelism(), config.MEDIA_CONCURRENCY);

const runtime = await startServiceRuntime('render-gpu', config);
const ffmpeg = new Ffmpeg({ ...tools, stallTimeoutMs: config.MEDIA_STALL_TIMEOUT_MS });
const worker = new Worker(
  { ctx: runtime.ctx, logger: runtime.logger, buckets: runtime.buckets, artifacts: runtime.artifacts, jobs: runtime.jobs },
  {
    service: 'render-gpu',
    queues: plan.queues,
    concurrency: plan.concurrency,
    handlers: mediaHandlers({
      ffmpeg,
      caps,
      download: { allowPrivate: config.MEDIA_DOWNLOAD_ALLOW_PRIVATE, maxBytes: config.MEDIA_DOWNLOAD_MAX_BYTES },
    }),
    ackWaitMs: config.ACK_WAIT_MS,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    gpus: gpuStats(caps.gpus),
    encoders: advertisedEncoders(caps),
  },
);
await worker.start();
runtime.logger.info(
  {
    queues: plan.queues,
    concurrency: plan.concurrency,
    nvenc: caps.nvenc,
    gpus: caps.gpus.map((g) => g.name),
    encoders: advertisedEncoders(caps),
  },
  'render-gpu ready',
);
onShutdownSignal(runtime.logger, async () => {
  await worker.stop();
  await runtime.close();
});
