import { describe, expect, it } from 'vitest';
import { classifyFailure } from './failure-classifier.js';

describe('classifyFailure', () => {
  it('a corrupt input is permanent and carries ffmpeg’s own words', () => {
    const err = classifyFailure({
      tool: 'ffprobe',
      exitCode: 1,
      signal: null,
      stderr: '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55] moov atom not found\nsource.mp4: Invalid data found when processing input',
    });
    expect(err).toMatchObject({ code: 'PERMANENT', retryable: false });
    expect(err.message).toBe(
      'ffprobe could not read the input: [mov,mp4,m4a,3gp,3g2,mj2 @ 0x55] moov atom not found | source.mp4: Invalid data found when processing input',
    );
  });

  it('anything else is a retryable CHILD_PROCESS_FAILED with the stderr tail', () => {
    const err = classifyFailure({ tool: 'ffmpeg', exitCode: 1, signal: null, stderr: 'Conversion failed!\nNo space left on device' });
    expect(err).toMatchObject({ code: 'CHILD_PROCESS_FAILED', retryable: true });
    expect(err.message).toBe('ffmpeg exited with code 1: Conversion failed! | No space left on device');
  });

  it('a killed process says which signal', () => {
    const err = classifyFailure({ tool: 'ffmpeg', exitCode: null, signal: 'SIGKILL', stderr: '' });
    expect(err.message).toBe('ffmpeg was killed by SIGKILL');
    expect(err.retryable).toBe(true);
  });
});
