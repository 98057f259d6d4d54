import { describe, expect, it } from 'vitest';
import { outputPlan, reservedIndexBytes } from './growing-output.js';

describe('how an output is written and stored', () => {
  const on = (uploadsWhileWriting: boolean, attempt = 1) =>
    ({ artifacts: { uploadsWhileWriting }, attempt }) as Parameters<typeof outputPlan>[0];
  const known = { durationSec: 10, samples: 770 };

  it('on a store that reads chunks in order: faststart, stored once finished', () => {
    expect(outputPlan(on(false), 'mp4', known)).toEqual({ args: ['-movflags', '+faststart'] });
    expect(outputPlan(on(false), 'mkv', known)).toEqual({ args: [] });
  });

  it('on a store that takes parts out of order: an MP4 reserves its index up front, sent while written but for that head', () => {
    const plan = outputPlan(on(true), 'mp4', known);
    const room = reservedIndexBytes(10, 770);
    expect(plan).toEqual({ args: ['-moov_size', String(room)], rewritesBelow: room + 4096, reservedIndexBytes: room });
    // ffmpeg's index takes ~13 bytes a sample: the room is a few times that, and small beside the file.
    expect(room).toBeGreaterThan(3 * 13 * (770 + 470));
    expect(room).toBeLessThan(100 * 1024);
    expect(outputPlan(on(true), 'webm', {})).toEqual({ args: [], rewritesBelow: 64 * 1024 });
  });

  it('writes with faststart when the length is not known, and on a retry (an index that outgrew its room fails the first attempt)', () => {
    expect(outputPlan(on(true), 'mp4', {})).toEqual({ args: ['-movflags', '+faststart'] });
    expect(outputPlan(on(true, 2), 'mp4', known)).toEqual({ args: ['-movflags', '+faststart'] });
  });

  it('makes room for the frames of a new frame rate', () => {
    expect(reservedIndexBytes(10, 770, 60) - reservedIndexBytes(10, 770)).toBe(32 * 600);
  });
});
