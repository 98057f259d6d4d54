/**
 * services/render-gpu — the media worker: probe, transcode, thumbnails, render, optimize
 * and download, on ffmpeg. With a GPU and an NVENC-enabled ffmpeg it serves `media-gpu`
 * first and `media` second and encodes on the GPU; otherwise `media` only, on CPU
 * encoders. Not an ffmpeg wrapper library: see docs/decisions/0004-own-ffmpeg-module.md.
 */
import os from 'node:os';
import { mediaTasks } from '@reelay/contracts';
import { implementTask, onShutdownSignal, parseEnvOrExit, startServiceRuntime, Worker, workerTasks, recycleOptions } from '@reelay/runtime';
import { MediaEnv } from './config.js';
import { Ffmpeg } from './ffmpeg/ffmpeg-runner.js';
import { missingTools } from './ffmpeg/tool-check.js';
import { gpuStats } from './gpu/gpu-stats.js';
import { advertisedEncoders, decideCapabilities, probeCapabilities, servingPlan } from './gpu/media-capabilities.js';
import { downloadHandler } from './tasks/download.js';
import type { MediaDeps } from './tasks/media-deps.js';
import { optimizeHandler } from './tasks/optimize.js';
import { probeHandler } from './tasks/probe.js';
import { renderHandler } from './tasks/render.js';
import { thumbnailsHandler } from './tasks/thumbnails.js';
import { transcodeHandler } from './tasks/transcode.js';

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
const deps: MediaDeps = {
  ffmpeg: new Ffmpeg({ ...tools, stallTimeoutMs: config.MEDIA_STALL_TIMEOUT_MS }),
  caps,
  download: { allowPrivate: config.MEDIA_DOWNLOAD_ALLOW_PRIVATE, maxBytes: config.MEDIA_DOWNLOAD_MAX_BYTES },
};
// Through the public worker API, as a custom worker would: each handler is typed from its
// definition, and the worker parses every job's input against it before the handler runs.
const { handlers, tasks } = workerTasks([
  implementTask(mediaTasks['media.probe'], probeHandler(deps)),
  implementTask(mediaTasks['media.transcode'], transcodeHandler(deps)),
  implementTask(mediaTasks['media.thumbnails'], thumbnailsHandler(deps)),
  implementTask(mediaTasks['media.render'], renderHandler(deps)),
  implementTask(mediaTasks['media.optimize'], optimizeHandler(deps)),
  implementTask(mediaTasks['media.download'], downloadHandler(deps)),
]);
const worker = new Worker(runtime.workerDeps, {
  service: 'render-gpu',
  ...recycleOptions(config),
  queues: plan.queues,
  concurrency: plan.concurrency,
  handlers,
  tasks,
  ackWaitMs: config.ACK_WAIT_MS,
  shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
  gpus: gpuStats(caps.gpus),
  encoders: advertisedEncoders(caps),
});
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
