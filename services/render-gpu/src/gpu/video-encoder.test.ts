import { describe, expect, it } from 'vitest';
import { decideCapabilities } from './media-capabilities.js';
import { chooseVideoEncoder } from './video-encoder.js';

const all = ['libx264', 'libx265', 'libvpx-vp9', 'libsvtav1', 'libaom-av1', 'h264_nvenc', 'hevc_nvenc'];
const cpu = decideCapabilities([], all);
const gpu = decideCapabilities([{ name: 'NVIDIA H100' }], all);

describe('chooseVideoEncoder', () => {
  it('on a CPU host: x264 with preset and crf', () => {
    expect(chooseVideoEncoder({ codec: 'h264', preset: 'veryfast', crf: 20, gpu: 'preferred' }, cpu)).toEqual({
      encoder: 'libx264',
      args: ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p'],
    });
  });

  it('a bitrate target caps the rate with a 2× buffer', () => {
    const { args } = chooseVideoEncoder({ codec: 'h264', preset: 'medium', bitrateKbps: 6000, gpu: 'never' }, cpu);
    expect(args).toEqual(expect.arrayContaining(['-b:v', '6000k', '-maxrate', '6000k', '-bufsize', '12000k']));
  });

  it('AV1 prefers SVT-AV1 and falls back to libaom', () => {
    expect(chooseVideoEncoder({ codec: 'av1', preset: 'medium', gpu: 'preferred' }, cpu).encoder).toBe('libsvtav1');
    const aomOnly = decideCapabilities([], ['libaom-av1']);
    expect(chooseVideoEncoder({ codec: 'av1', preset: 'medium', gpu: 'preferred' }, aomOnly).encoder).toBe('libaom-av1');
  });

  it('on a GPU host: NVENC with constant quality through -cq, unless the job says never', () => {
    const nv = chooseVideoEncoder({ codec: 'h265', preset: 'medium', crf: 24, gpu: 'preferred' }, gpu);
    expect(nv.encoder).toBe('hevc_nvenc');
    expect(nv.args).toEqual(expect.arrayContaining(['-preset', 'p5', '-rc', 'vbr', '-cq', '24', '-tag:v', 'hvc1']));
    expect(chooseVideoEncoder({ codec: 'h265', preset: 'medium', gpu: 'never' }, gpu).encoder).toBe('libx265');
    // There is no VP9 NVENC encoder: VP9 stays on the CPU even on a GPU worker.
    expect(chooseVideoEncoder({ codec: 'vp9', preset: 'medium', gpu: 'preferred' }, gpu).encoder).toBe('libvpx-vp9');
  });

  it('gpu "required" on a host without NVENC is refused permanently', () => {
    expect(() => chooseVideoEncoder({ codec: 'h264', preset: 'medium', gpu: 'required' }, cpu)).toThrow(/no NVENC encoder/);
  });
});
