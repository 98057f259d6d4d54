import type { MediaInfo } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { optimizeArgs } from './optimize-args.js';

const source = (durationSec: number, fps: number): MediaInfo => ({
  durationSec,
  sizeBytes: 1,
  format: 'mov,mp4,m4a,3gp,3g2,mj2',
  streams: [
    { index: 0, type: 'video', codec: 'h264', width: 1920, height: 1080, fps },
    { index: 1, type: 'audio', codec: 'aac', sampleRate: 44100, channels: 2 },
  ],
});
const video = { encoder: 'libx264', args: ['-c:v', 'libx264'] };

describe('optimizeArgs', () => {
  it('cuts a source longer than the platform allows, and says so', () => {
    const plan = optimizeArgs({ input: 'in.mp4', output: 'out.mp4', platform: 'x', fit: 'pad', video }, source(300, 30));
    expect(plan).toMatchObject({ truncated: true, durationSec: 140 });
    expect(plan.args).toEqual(expect.arrayContaining(['-t', '140', '-movflags', '+faststart']));
    expect(plan.args[plan.args.indexOf('-vf') + 1]).toBe(
      'scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=yuv420p',
    );
  });

  it('lowers a frame rate above the cap and never raises one below it', () => {
    const fast = optimizeArgs({ input: 'in.mp4', output: 'o.mp4', platform: 'tiktok', fit: 'crop', video }, source(10, 60));
    expect(fast.args[fast.args.indexOf('-vf') + 1]).toContain('fps=30');
    const slow = optimizeArgs({ input: 'in.mp4', output: 'o.mp4', platform: 'tiktok', fit: 'crop', video }, source(10, 24));
    expect(slow.args[slow.args.indexOf('-vf') + 1]).not.toContain('fps=');
    expect(slow.truncated).toBe(false);
  });
});
