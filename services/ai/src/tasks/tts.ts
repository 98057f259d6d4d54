/**
 * ai.tts: a text or script → a WAV voice track artifact with exact per-sentence timings,
 * and the engine's own word timings where it gives them (ElevenLabs; `words` is empty for
 * the offline voices and OpenAI-compatible speech, which time no words).
 */
import type { aiTasks, TtsInput, TtsOutput } from '@reelay/contracts';
import { PermanentError, type TaskHandler } from '@reelay/runtime';
import { splitSentences } from '../text/sentences.js';
import { words } from '../text/words.js';
import { buildVoiceTrack, type SentenceToSay } from '../voice/voice-track.js';
import type { AiDeps } from './ai-deps.js';

export function ttsHandler(deps: AiDeps): TaskHandler<(typeof aiTasks)['ai.tts']> {
  return async (input, ctx) => {
    const sentences = toSentences(input);
    if (sentences.length === 0) throw new PermanentError('nothing to say: the text has no words');
    const { synthesizer } = deps;
    const voice = input.voice ?? synthesizer.defaultVoice;
    const track = await buildVoiceTrack(ctx, synthesizer, { voice, rate: input.rate, pitch: input.pitch }, sentences, input.pauseMs);
    ctx.progress(95, 'storing the voice track');
    const audio = await ctx.artifacts.putFile(track.file, { name: 'voice.wav', contentType: 'audio/wav' });
    const out: TtsOutput = {
      audio,
      durationSec: track.durationSec,
      sampleRate: track.sampleRate,
      voice,
      sentences: track.sentences,
      // Always present, empty when untimed, so a workflow can pass `tts.result.words` to ai.captions whatever the engine.
      words: track.words ?? [],
      provider: synthesizer.providerFor(voice),
    };
    if (synthesizer.model) out.model = synthesizer.model;
    if (track.usage) out.usage = track.usage;
    return out;
  };
}

/** Sentences to voice, in order; a script's sentences remember their scene. */
function toSentences(input: ReturnType<typeof TtsInput.parse>): SentenceToSay[] {
  const spoken = (s: string) => words(s).length > 0;
  if (input.text !== undefined)
    return splitSentences(input.text)
      .filter(spoken)
      .map((text) => ({ text }));
  return input.script!.scenes.flatMap((scene, sceneIndex) =>
    splitSentences(scene.text)
      .filter(spoken)
      .map((text) => ({ text, sceneIndex })),
  );
}
