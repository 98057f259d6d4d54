import { describe, expect, it } from 'vitest';
import { referencedSteps, resolveStepInput, UnresolvedRefError } from './step-input.js';

const outputs = (id: string) =>
  id === 'tts' ? { jobId: 'job-tts', result: { audio: { id: 'art-1' }, sentences: [{ text: 'hi' }] } } : undefined;

describe('step input resolution', () => {
  it('replaces refs anywhere in the input with the named values', () => {
    const input = {
      voice: { artifactId: { $ref: 'tts.result.audio.id' } },
      first: [{ $ref: 'tts.result.sentences.0.text' }],
      job: { $ref: 'tts.jobId' },
      keep: 3,
    };
    expect(resolveStepInput(input, outputs)).toEqual({ voice: { artifactId: 'art-1' }, first: ['hi'], job: 'job-tts', keep: 3 });
  });

  it('fails with the ref named when the path leads nowhere', () => {
    expect(() => resolveStepInput({ a: { $ref: 'tts.result.video.id' } }, outputs)).toThrow(
      new UnresolvedRefError('$ref "tts.result.video.id": nothing at "video"'),
    );
    expect(() => resolveStepInput({ $ref: 'script.result' }, outputs)).toThrow(/step "script" has no output/);
  });

  it('lists the upstream steps an input reads, once each', () => {
    expect(referencedSteps({ a: { $ref: 'x.result' }, b: [{ $ref: 'x.jobId' }, { $ref: 'y.result.z' }] })).toEqual(['x', 'y']);
  });
});
