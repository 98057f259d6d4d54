import { describe, expect, it } from 'vitest';
import { type FfmpegProgress, ProgressParser } from './progress-parser.js';

const block = (outTimeUs: string, speed: string, progress: string) =>
  `frame=45\nfps=29.5\nstream_0_0_q=28.0\nbitrate= 743.9kbits/s\ntotal_size=418554\nout_time_us=${outTimeUs}\nout_time_ms=${outTimeUs}\nout_time=00:00:01.500000\ndup_frames=0\ndrop_frames=0\nspeed=${speed}\nprogress=${progress}\n`;

describe('ProgressParser', () => {
  it('emits one typed event per block, however the chunks are split', () => {
    const events: FfmpegProgress[] = [];
    const parser = new ProgressParser((e) => events.push(e));
    const text = block('1500000', '1.25x', 'continue') + block('3000000', '1.5x', 'end');
    for (let i = 0; i < text.length; i += 7) parser.push(text.slice(i, i + 7));
    expect(events).toEqual([
      { outTimeSec: 1.5, frame: 45, fps: 29.5, speed: 1.25, done: false },
      { outTimeSec: 3, frame: 45, fps: 29.5, speed: 1.5, done: true },
    ]);
  });

  it('reads N/A (before the first frame) as unknown rather than zero', () => {
    const events: FfmpegProgress[] = [];
    const parser = new ProgressParser((e) => events.push(e));
    parser.push('frame=0\nfps=0.00\nout_time_us=N/A\nspeed=N/A\nprogress=continue\n');
    expect(events).toEqual([{ outTimeSec: undefined, frame: 0, fps: 0, speed: undefined, done: false }]);
  });
});
