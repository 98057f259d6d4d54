import {
  type PresetCaptions,
  type PresetResolution,
  type ReelPresetBody,
  ReelPresetBody as ReelPresetSchema,
  type ReelTarget,
  ref,
  type WorkflowSpec,
  type WorkflowStep,
} from '@reelay/contracts';

/**
 * The `reel` preset as a plain workflow. Pure.
 *
 *   script ─┬─ image-1…N (a picture per scene, ai.image) ─────────────┐
 *           ├─ tts ── captions (word times, each scene's time on screen) ┼─ render ─┬─ thumbnails
 *   music ──┴──────────────────────────────────────────────────────────┘          └─ optimize-<platform> → publish-<n>
 *
 * The scene count is fixed here, from the target length (about one scene per 3.5 s of
 * narration, 3 to 8), and asked of ai.script, so there is one image step per scene in a
 * workflow that is a fixed DAG. The script leaves room for the cards (reservedSeconds);
 * each scene lasts from its first sentence to the next scene's (captions' `scenes`), and
 * the render holds scenes for their transitions, so pictures change on the narration.
 */

/** Title card, outro, and how long the last scene stays after the voice. */
export const CARD_SECONDS = { title: 2, outro: 1.5, tail: 0.6 } as const;
const SECONDS_PER_SCENE = 3.5;
const MOTIONS = ['zoom-in', 'pan-right', 'zoom-out', 'pan-left', 'pan-up', 'pan-down'] as const;
const TRANSITIONS = ['fade', 'slideleft', 'circleopen', 'smoothup', 'dissolve', 'wipeleft'] as const;
const TRANSITION_SEC = 0.4;

export interface NarratedVideoOptions {
  topic: string;
  audience?: string | undefined;
  tone?: 'friendly' | 'energetic' | 'informative' | 'serious' | 'humorous' | undefined;
  targetSeconds: number;
  voice?: string | undefined;
  width: number;
  height: number;
  captions: PresetCaptions;
  music: boolean;
  cards: boolean;
  /** One still for every scene; a drawn picture per scene when absent. */
  backgroundArtifactId?: string | undefined;
  cardColour: string;
  outroText: string;
  name: string;
}

/** Frame size for a resolution and aspect (even sides, as 4:2:0 video needs). */
export function frameSize(resolution: PresetResolution, aspect: '9:16' | '16:9' | '1:1'): { width: number; height: number } {
  const short = { '480p': 480, '720p': 720, '1080p': 1080 }[resolution];
  const long = Math.round((short * 16) / 9 / 2) * 2;
  if (aspect === '1:1') return { width: short, height: short };
  return aspect === '9:16' ? { width: short, height: long } : { width: long, height: short };
}

export function sceneCountFor(targetSeconds: number, cards: boolean): number {
  const narration = targetSeconds - (cards ? reservedSeconds(true) : CARD_SECONDS.tail);
  return Math.min(8, Math.max(3, Math.round(narration / SECONDS_PER_SCENE)));
}

function reservedSeconds(cards: boolean): number {
  return cards ? CARD_SECONDS.title + CARD_SECONDS.outro + CARD_SECONDS.tail : CARD_SECONDS.tail;
}

/** Script, pictures, voice, music, captions and the render: what the reel and ai-video presets share. */
export function narratedVideoSteps(o: NarratedVideoOptions): WorkflowStep[] {
  const n = sceneCountFor(o.targetSeconds, o.cards);
  const script: Record<string, unknown> = {
    topic: o.topic,
    targetSeconds: o.targetSeconds,
    reservedSeconds: reservedSeconds(o.cards),
    sceneCount: n,
  };
  if (o.audience) script.audience = o.audience;
  if (o.tone) script.tone = o.tone;
  const tts: Record<string, unknown> = { script: ref('script') };
  if (o.voice) tts.voice = o.voice;
  const imageIds = Array.from({ length: n }, (_, i) => `image-${i + 1}`);
  const captions: Record<string, unknown> = { sentences: ref('tts', 'sentences'), sceneTailSec: CARD_SECONDS.tail };
  if (o.captions === 'words') {
    captions.audio = ref('tts', 'audio.id');
    // The voice engine's own word times where it gave them (ElevenLabs); empty, ai.captions force-aligns the audio.
    captions.words = ref('tts', 'words');
    captions.wordCaptions = {
      width: o.width,
      height: o.height,
      fontSizePx: Math.round(Math.min(o.width, o.height) * 0.078),
      // Position and margin left to ai.captions: the bottom of the lower third on upright
      // video, clear of the platforms' own captions and buttons; low on landscape.
    };
  }

  const steps: WorkflowStep[] = [{ id: 'script', type: 'ai.script', input: script }];
  if (!o.backgroundArtifactId) {
    steps.push(
      ...imageIds.map(
        (id, i): WorkflowStep => ({
          id,
          type: 'ai.image',
          dependsOn: ['script'],
          input: { prompt: ref('script', `scenes.${i}.visual`), sceneIndex: i, width: o.width, height: o.height, name: `scene-${i + 1}` },
        }),
      ),
    );
  }
  steps.push({ id: 'tts', type: 'ai.tts', input: tts, dependsOn: ['script'] });
  if (o.music) {
    steps.push({
      id: 'music',
      type: 'ai.music',
      // Longer than needed is fine: the render cuts (and would loop) the bed to the reel's length.
      input: { durationSec: o.targetSeconds + 2, mood: o.tone ?? 'friendly', name: 'music' },
    });
  }
  steps.push({ id: 'captions', type: 'ai.captions', input: captions, dependsOn: ['tts'] });

  const card = (text: unknown, subtitle?: unknown) => ({
    text,
    ...(subtitle ? { subtitle } : {}),
    colour: o.cardColour,
    transition: { type: 'fade', durationSec: TRANSITION_SEC },
  });
  const render: Record<string, unknown> = {
    scenes: imageIds.map((id, i) => ({
      artifactId: o.backgroundArtifactId ?? ref(id, 'image.id'),
      kind: 'image',
      durationSec: ref('captions', `scenes.${i}.durationSec`),
      motion: MOTIONS[i % MOTIONS.length],
      ...(i > 0 ? { transition: { type: TRANSITIONS[i % TRANSITIONS.length], durationSec: TRANSITION_SEC } } : {}),
    })),
    voice: { artifactId: ref('tts', 'audio.id') },
    transitionTiming: 'hold',
    width: o.width,
    height: o.height,
    name: o.name,
  };
  if (o.music) render.music = { artifactId: ref('music', 'audio.id'), volume: 0.6, duck: true };
  if (o.captions === 'words') render.subtitles = { artifactId: ref('captions', 'ass.id') };
  if (o.captions === 'sentences') {
    render.subtitles = {
      artifactId: ref('captions', 'srt.id'),
      // The margin is media.render's frame-relative default (the lower third on upright video).
      style: { fontSizePx: Math.round(Math.min(o.width, o.height) * 0.055) },
    };
  }
  if (o.cards) {
    render.titleCard = { ...card(ref('script', 'title')), durationSec: CARD_SECONDS.title };
    render.outro = { ...card(o.outroText), durationSec: CARD_SECONDS.outro };
  }
  steps.push({
    id: 'render',
    type: 'media.render',
    dependsOn: [...(o.backgroundArtifactId ? [] : imageIds), 'tts', ...(o.music ? ['music'] : []), 'captions', 'script'],
    input: render,
  });
  return steps;
}

export function expandReelPreset(body: ReelPresetBody): WorkflowSpec {
  const preset = ReelPresetSchema.parse(body);
  const { width, height } = frameSize(preset.resolution, '9:16');
  const master = `optimize-${preset.platforms[0]}`;
  const steps: WorkflowStep[] = [
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
      cards: preset.cards,
      backgroundArtifactId: preset.backgroundArtifactId,
      cardColour: preset.colour,
      outroText: 'Follow for more',
      name: 'reel.mp4',
    }),
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
    ...publishSteps(preset.targets, master),
  ];
  const spec: WorkflowSpec = { name: preset.name ?? `reel: ${preset.topic.slice(0, 180)}`, steps };
  if (preset.project) spec.project = preset.project;
  return spec;
}

/** One publish step per target, each after `source` (the step whose artifact it posts) and the script. */
export function publishSteps(targets: readonly ReelTarget[], source: string): WorkflowStep[] {
  return targets.map(
    (target, i): WorkflowStep => ({
      id: `publish-${i + 1}-${target.type}`,
      type: `publish.${target.type}`,
      dependsOn: [source, 'script'],
      input: publishInput(target, ref(source, 'artifact.id')),
    }),
  );
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
