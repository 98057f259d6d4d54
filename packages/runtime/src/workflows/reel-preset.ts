import {
  type ReelPresetBody,
  ReelPresetBody as ReelPresetSchema,
  type ReelTarget,
  ref,
  type WorkflowSpec,
  type WorkflowStep,
} from '@reelay/contracts';

/**
 * The `reel` preset as a plain workflow: script → voice → captions → render, then
 * thumbnails and one optimize per platform side by side, then one publish per target.
 * Pure: the picture is a still image (`backgroundArtifactId`) shown for the length of
 * the narration — media.render has no text-card scene, and the catalogue has no task
 * that draws one, so the caller supplies the image (the gateway makes a colour card).
 */
export function expandReelPreset(body: ReelPresetBody, backgroundArtifactId: string): WorkflowSpec {
  const preset = ReelPresetSchema.parse(body);
  const script: Record<string, unknown> = { topic: preset.topic, targetSeconds: preset.targetSeconds };
  if (preset.audience) script.audience = preset.audience;
  if (preset.tone) script.tone = preset.tone;
  const tts: Record<string, unknown> = { script: ref('script') };
  if (preset.voice) tts.voice = preset.voice;
  const master = `optimize-${preset.platforms[0]}`;
  const steps: WorkflowStep[] = [
    { id: 'script', type: 'ai.script', input: script },
    { id: 'tts', type: 'ai.tts', input: tts, dependsOn: ['script'] },
    { id: 'captions', type: 'ai.captions', input: { sentences: ref('tts', 'sentences') }, dependsOn: ['tts'] },
    {
      id: 'render',
      type: 'media.render',
      dependsOn: ['tts', 'captions'],
      input: {
        scenes: [{ artifactId: backgroundArtifactId, kind: 'image', durationSec: ref('tts', 'durationSec') }],
        voice: { artifactId: ref('tts', 'audio.id') },
        subtitles: { artifactId: ref('captions', 'srt.id') },
        width: 1080,
        height: 1920,
        name: 'reel.mp4',
      },
    },
    {
      id: 'thumbnails',
      type: 'media.thumbnails',
      dependsOn: ['render'],
      input: { artifactId: ref('render', 'artifact.id'), count: preset.thumbnails },
    },
    ...preset.platforms.map(
      (platform): WorkflowStep => ({
        id: `optimize-${platform}`,
        type: 'media.optimize',
        dependsOn: ['render'],
        input: { artifactId: ref('render', 'artifact.id'), platform, name: `reel-${platform}.mp4` },
      }),
    ),
    ...preset.targets.map(
      (target, i): WorkflowStep => ({
        id: `publish-${i + 1}-${target.type}`,
        type: `publish.${target.type}`,
        dependsOn: [master, 'script'],
        input: publishInput(target, ref(master, 'artifact.id')),
      }),
    ),
  ];
  const spec: WorkflowSpec = { name: preset.name ?? `reel: ${preset.topic.slice(0, 180)}`, steps };
  if (preset.project) spec.project = preset.project;
  return spec;
}

function publishInput(target: ReelTarget, artifactId: unknown): Record<string, unknown> {
  const account = 'account' in target && target.account ? { account: target.account } : {};
  switch (target.type) {
    case 'folder':
      return {
        artifactId,
        directory: target.dir,
        overwrite: target.overwrite ?? false,
        ...(target.fileName ? { fileName: target.fileName } : {}),
      };
    case 'webhook':
      return { url: target.url, payload: { title: ref('script', 'title'), hook: ref('script', 'hook'), artifactId }, ...account };
    case 'youtube':
      return {
        artifactId,
        title: ref('script', 'title'),
        description: ref('script', 'hook'),
        privacyStatus: target.privacyStatus ?? 'private',
        ...account,
      };
    case 'tiktok':
      return { artifactId, title: ref('script', 'title'), ...account };
    case 'instagram':
      return { artifactId, caption: ref('script', 'hook'), ...account };
    case 'x':
      return { artifactId, text: ref('script', 'title'), ...account };
  }
}
