import { describe, expect, it } from 'vitest';
import { colourCardPng } from './colour-card.js';
import { expandReelPreset } from './reel-preset.js';
import { workflowIssues } from './workflow-validation.js';
import { getTask } from '@reelay/contracts';

describe('the reel preset', () => {
  const spec = expandReelPreset(
    { preset: 'reel', topic: 'octopus hearts', targets: [{ type: 'folder', dir: '/tmp/out' }], platforms: ['tiktok', 'youtube-shorts'] },
    'background-0001',
  );

  it('expands to script → tts → captions → render → thumbnails and optimizes → publishes', () => {
    expect(spec.steps.map((s) => [s.id, s.type, s.dependsOn ?? []])).toEqual([
      ['script', 'ai.script', []],
      ['tts', 'ai.tts', ['script']],
      ['captions', 'ai.captions', ['tts']],
      ['render', 'media.render', ['tts', 'captions']],
      ['thumbnails', 'media.thumbnails', ['render']],
      ['optimize-tiktok', 'media.optimize', ['render']],
      ['optimize-youtube-shorts', 'media.optimize', ['render']],
      ['publish-1-folder', 'publish.folder', ['optimize-tiktok', 'script']],
    ]);
  });

  it('wires outputs by $ref and passes the workflow validation with the real catalogue', () => {
    expect(workflowIssues(spec, (t) => getTask(t) !== undefined)).toEqual([]);
    const render = spec.steps.find((s) => s.id === 'render');
    expect(render?.input).toMatchObject({
      scenes: [{ artifactId: 'background-0001', kind: 'image', durationSec: { $ref: 'tts.result.durationSec' } }],
      voice: { artifactId: { $ref: 'tts.result.audio.id' } },
      subtitles: { artifactId: { $ref: 'captions.result.srt.id' } },
    });
    expect(spec.steps.at(-1)?.input).toEqual({
      artifactId: { $ref: 'optimize-tiktok.result.artifact.id' },
      directory: '/tmp/out',
      overwrite: false,
    });
  });

  it('the colour card is a PNG of the requested size', () => {
    const png = colourCardPng('#FF0000', 20, 40);
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([20, 40]);
  });
});
