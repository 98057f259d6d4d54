import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEncoderList } from './encoder-list.js';
import { advertisedEncoders, decideCapabilities, servingPlan } from './media-capabilities.js';

// `ffmpeg -hide_banner -encoders` from Debian's ffmpeg 5.1 on the development machine (no GPU).
const fixture = readFileSync(path.join(import.meta.dirname, 'ffmpeg-5.1-encoders.fixture.txt'), 'utf8');

describe('encoder detection', () => {
  it('parses every encoder line of ffmpeg 5.1’s listing, with its kind and experimental flag', () => {
    const entries = parseEncoderList(fixture);
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get('libx264')).toMatchObject({ kind: 'video', experimental: false });
    expect(byName.get('aac')).toMatchObject({ kind: 'audio' });
    expect(byName.get('opus')).toMatchObject({ kind: 'audio', experimental: true });
    expect(byName.get('srt')).toMatchObject({ kind: 'subtitle' });
    for (const name of ['libx265', 'libvpx-vp9', 'libsvtav1', 'libaom-av1', 'libopus', 'libwebp', 'h264_nvenc', 'hevc_nvenc']) {
      expect(byName.has(name)).toBe(true);
    }
    // The legend lines (" V..... = Video") are not encoders.
    expect(byName.has('=')).toBe(false);
  });

  it('this machine’s ffmpeg lists the CPU encoders the service relies on', () => {
    const live = parseEncoderList(execFileSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' })).map((e) => e.name);
    expect(live).toEqual(expect.arrayContaining(['libx264', 'libx265', 'libvpx-vp9', 'libopus', 'aac', 'mjpeg', 'libwebp']));
    expect(live.some((n) => n === 'libsvtav1' || n === 'libaom-av1')).toBe(true);
  });

  it('an ffmpeg built with NVENC on a host without a GPU serves media only, on CPU encoders', () => {
    const caps = decideCapabilities(
      [],
      parseEncoderList(fixture).map((e) => e.name),
    );
    expect(caps.nvenc).toBe(false);
    expect(servingPlan(caps, 8)).toEqual({ queues: ['media'], concurrency: 4 });
    expect(servingPlan(caps, 1)).toEqual({ queues: ['media'], concurrency: 1 });
    expect(advertisedEncoders(caps)).toEqual(['libx264', 'libx265', 'libvpx-vp9', 'libsvtav1', 'libaom-av1']);
  });

  it('a GPU plus NVENC serves media-gpu first, one job per GPU unless overridden', () => {
    const gpus = [{ name: 'NVIDIA H100' }, { name: 'NVIDIA H100' }];
    const caps = decideCapabilities(
      gpus,
      parseEncoderList(fixture).map((e) => e.name),
    );
    expect(caps.nvenc).toBe(true);
    expect(servingPlan(caps, 16)).toEqual({ queues: ['media-gpu', 'media'], concurrency: 2 });
    expect(servingPlan(caps, 16, 5).concurrency).toBe(5);
    expect(advertisedEncoders(caps)).toContain('h264_nvenc');
  });

  it('a GPU with an ffmpeg built without NVENC stays on the CPU', () => {
    expect(decideCapabilities([{ name: 'NVIDIA H100' }], ['libx264', 'aac']).nvenc).toBe(false);
  });
});
