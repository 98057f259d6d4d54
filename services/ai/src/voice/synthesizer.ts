/**
 * What every voice engine does for ai.tts: read one sentence into an audio file. The
 * voice track (voice-track.ts) measures and joins the pieces, so sentence timings come
 * out exact whatever the engine; an engine that times its own words reports them too.
 */
import type { AiProvider, AiUsage, TimedWord } from '@reelay/contracts';
import type { JobContext } from '@reelay/runtime';

export interface VoiceSettings {
  voice: string;
  /** 1 = the voice's normal pace. */
  rate: number;
  /** 1 = the voice's own pitch. */
  pitch: number;
}

export interface Synthesizer {
  /** Which engine answers for `voice` (offline engines pick flite or espeak-ng by voice). */
  providerFor(voice: string): AiProvider;
  defaultVoice: string;
  model?: string;
  /** Writes the spoken `text` to `outPath` (any format ffmpeg reads). */
  synthesize(text: string, settings: VoiceSettings, outPath: string, ctx: JobContext): Promise<Synthesized>;
}

export interface Synthesized {
  usage?: AiUsage;
  /**
   * The sentence's words as the engine timed them, in seconds from the start of the audio
   * it wrote (words as captions cut them: captions/character-timings.ts). Absent when the
   * engine reports no timings, or reported ones that do not fit the text.
   */
  words?: TimedWord[];
}
