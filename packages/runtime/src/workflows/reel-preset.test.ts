import { getTask } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { expandAiVideoPreset } from './ai-video-preset.js';
import { colourCardPng } from './colour-card.js';
import { expandReelPreset, frameSize, sceneCountFor } from './reel-preset.js';
import { workflowIssues } from './workflow-validation.js';

describe('the reel preset', () => {
  const spec = expandReelPreset({
    preset: 'reel',
    topic: 'octopus hearts',
    targetSeconds: 20,
    targets: [{ type: 'folder', dir: '/tmp/out' }],
    platforms: ['tiktok', 'youtube-shorts'],
  });
  const step = (id: string) => spec.steps.find((s) => s.id === id);

  it('expands to script → a picture per scene, voice, music → captions → render → thumbnails and optimizes → publishes', () => {
    const n = sceneCountFor(20, true);
    expect(n).toBe(5);
    const images = Array.from({ length: n }, (_, i) => `image-${i + 1}`);
    expect(spec.steps.map((s) => [s.id, s.type, s.dependsOn ?? []])).toEqual([
      ['script', 'ai.script', []],
      ...images.map((id) => [id, 'ai.image', ['script']]),
      ['tts', 'ai.tts', ['script']],
      ['music', 'ai.music', []],
      ['captions', 'ai.captions', ['tts']],
      ['render', 'media.render', [...images, 'tts', 'music', 'captions', 'script']],
      ['thumbnails', 'media.thumbnails', ['render']],
      ['optimize-tiktok', 'media.optimize', ['render']],
      ['optimize-youtube-shorts', 'media.optimize', ['render']],
      ['publish-1-folder', 'publish.folder', ['optimize-tiktok', 'script']],
    ]);
    // The script is asked for exactly that many scenes, and to leave the cards' seconds unnarrated.
    expect(step('script')?.input).toEqual({ topic: 'octopus hearts', targetSeconds: 20, reservedSeconds: 4.1, sceneCount: 5 });
    expect(step('image-2')?.input).toEqual({
      prompt: { $ref: 'script.result.scenes.1.visual' },
      sceneIndex: 1,
      width: 1080,
      height: 1920,
      name: 'scene-2',
    });
  });

  it('renders moving stills timed to the voice, word captions, music ducked under the voice, a title card and an outro', () => {
    expect(workflowIssues(spec, (t) => getTask(t) !== undefined)).toEqual([]);
    const render = step('render')?.input as Record<string, unknown>;
    const scenes = render.scenes as Record<string, unknown>[];
    expect(scenes[0]).toEqual({
      artifactId: { $ref: 'image-1.result.image.id' },
      kind: 'image',
      durationSec: { $ref: 'captions.result.scenes.0.durationSec' },
      motion: 'zoom-in',
    });
    expect(scenes[1]).toMatchObject({ motion: 'pan-right', transition: { type: 'slideleft', durationSec: 0.4 } });
    expect(new Set(scenes.map((s) => s.motion)).size).toBe(scenes.length);
    expect(render).toMatchObject({
      voice: { artifactId: { $ref: 'tts.result.audio.id' } },
      music: { artifactId: { $ref: 'music.result.audio.id' }, duck: true },
      subtitles: { artifactId: { $ref: 'captions.result.ass.id' } },
      titleCard: { text: { $ref: 'script.result.title' }, durationSec: 2 },
      outro: { text: 'Follow for more', durationSec: 1.5 },
      transitionTiming: 'hold',
      width: 1080,
      height: 1920,
    });
    expect(step('captions')?.input).toMatchObject({
      audio: { $ref: 'tts.result.audio.id' },
      words: { $ref: 'tts.result.words' },
      wordCaptions: { width: 1080, height: 1920 },
    });
    // ai.captions' default places them: the bottom of the lower third, clear of the platforms' UI.
    expect(step('captions')?.input).not.toHaveProperty('wordCaptions.position');
    expect(spec.steps.at(-1)?.input).toEqual({
      artifactId: { $ref: 'optimize-tiktok.result.artifact.id' },
      directory: '/tmp/out',
      overwrite: false,
    });
  });

  it('a given background replaces the drawn pictures; music, cards and captions can be left out', () => {
    const plain = expandReelPreset({
      preset: 'reel',
      topic: 'octopus hearts',
      backgroundArtifactId: 'background-0001',
      music: false,
      cards: false,
      captions: 'none',
      resolution: '480p',
    });
    expect(plain.steps.map((s) => s.type)).not.toContain('ai.image');
    expect(plain.steps.map((s) => s.type)).not.toContain('ai.music');
    const render = plain.steps.find((s) => s.id === 'render')?.input as Record<string, unknown>;
    expect(render).not.toHaveProperty('music');
    expect(render).not.toHaveProperty('titleCard');
    expect(render).not.toHaveProperty('subtitles');
    expect(render).toMatchObject({ width: 480, height: 854 });
    expect((render.scenes as { artifactId: string }[]).every((s) => s.artifactId === 'background-0001')).toBe(true);
    expect(workflowIssues(plain, (t) => getTask(t) !== undefined)).toEqual([]);
  });

  it('scene counts follow the length, 3 to 8; frame sizes are even', () => {
    expect([10, 15, 20, 30, 45, 60, 600].map((s) => sceneCountFor(s, true))).toEqual([3, 3, 5, 7, 8, 8, 8]);
    expect(frameSize('480p', '9:16')).toEqual({ width: 480, height: 854 });
    expect(frameSize('720p', '16:9')).toEqual({ width: 1280, height: 720 });
    expect(frameSize('1080p', '1:1')).toEqual({ width: 1080, height: 1080 });
  });

  it('the colour card is a PNG of the requested size', () => {
    const png = colourCardPng('#FF0000', 20, 40);
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([20, 40]);
  });
});

describe('the ai-video preset', () => {
  it('is the reference pipeline: script → images → voice and music → animated scenes → video, landscape, published as rendered', () => {
    const spec = expandAiVideoPreset({ preset: 'ai-video', topic: 'how volcanoes form', targets: [{ type: 'folder', dir: '/tmp/v' }] });
    expect(workflowIssues(spec, (t) => getTask(t) !== undefined)).toEqual([]);
    const types = spec.steps.map((s) => s.type);
    expect(types.slice(0, 1)).toEqual(['ai.script']);
    expect(types).toEqual(
      expect.arrayContaining(['ai.image', 'ai.tts', 'ai.music', 'ai.captions', 'media.render', 'media.thumbnails', 'publish.folder']),
    );
    expect(types).not.toContain('media.optimize');
    const render = spec.steps.find((s) => s.id === 'render')?.input as Record<string, unknown>;
    expect(render).toMatchObject({
      width: 1920,
      height: 1080,
      subtitles: { artifactId: { $ref: 'captions.result.srt.id' } },
      outro: { text: 'Thanks for watching' },
    });
    expect(spec.steps.at(-1)).toMatchObject({
      dependsOn: ['render', 'script'],
      input: { artifactId: { $ref: 'render.result.artifact.id' } },
    });
  });

  it('refuses what its contract does not know', () => {
    expect(() => expandAiVideoPreset({ preset: 'ai-video', topic: 'x' })).toThrow();
    expect(() => expandAiVideoPreset({ preset: 'ai-video', topic: 'volcanoes', aspect: '4:3' as '16:9' })).toThrow();
  });
});
