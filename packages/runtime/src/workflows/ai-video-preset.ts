import { type AiVideoPresetBody, AiVideoPresetBody as AiVideoPresetSchema, ref, type WorkflowSpec } from '@reelay/contracts';
import { frameSize, narratedVideoSteps, publishSteps } from './reel-preset.js';

/**
 * The `ai-video` preset: the AI video generation pipeline of the reference systems —
 * script parser (ai.script) → image generation (ai.image, a picture per scene) → audio
 * generation (ai.tts narration, ai.music bed) → animated scenes (media.render: Ken Burns
 * motion, transitions, title card and outro, music ducked under the voice) → video,
 * then thumbnails and one publish per target. Landscape by default, published as
 * rendered: no per-platform cut, unlike the reel. Pure.
 */
export function expandAiVideoPreset(body: AiVideoPresetBody): WorkflowSpec {
  const preset = AiVideoPresetSchema.parse(body);
  const { width, height } = frameSize(preset.resolution, preset.aspect);
  const spec: WorkflowSpec = {
    name: preset.name ?? `ai-video: ${preset.topic.slice(0, 180)}`,
    steps: [
      ...narratedVideoSteps({
        topic: preset.topic,
        audience: preset.audience,
        tone: preset.tone,
        targetSeconds: preset.targetSeconds,
        voice: preset.voice,
        width,
        height,
        captions: preset.captions,
        music: preset.music,
        cards: true,
        cardColour: '#1E2A44',
        outroText: 'Thanks for watching',
        name: 'video.mp4',
      }),
      {
        id: 'thumbnails',
        type: 'media.thumbnails',
        dependsOn: ['render'],
        input: { artifactId: ref('render', 'artifact.id'), count: preset.thumbnails },
      },
      ...publishSteps(preset.targets, 'render'),
    ],
  };
  if (preset.project) spec.project = preset.project;
  return spec;
}
